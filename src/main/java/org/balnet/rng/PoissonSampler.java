package org.balnet.rng;

/**
 * Exact Poisson(λ) variates for every λ in [0, {@link #MAX_LAMBDA}], arithmetic in double, counts
 * as {@code long}. The dispatcher {@link #sample} follows numpy's {@code random_poisson}:
 * λ = 0 gives 0 without a draw; λ &lt; {@link #PTRS_THRESHOLD} inversion (one uniform);
 * otherwise PTRS, Hörmann's transformed rejection with squeeze (two uniforms per trial). For a λ
 * used many times, {@link Prepared} holds the λ-dependent constants and gives the same results.
 *
 * <p>The transcendental functions are StrictMath's, so a sample is the same on every JVM. The
 * OpenCL twin uses the device's log/exp/log1p; they may differ from StrictMath by an ulp or two,
 * which changes a count only when a uniform falls within those ulps of an acceptance boundary
 * (probability of order 1e-16 per test).
 *
 * <p>Twin: {@code kernels/poisson.cl} (what the engine runs: the log-pmf, the inversion search, the PTRS
 * loop, {@link Prepared}'s sampling); the twins of {@link #sample}, {@code ptrs}, {@code inversion},
 * {@code logFactorial} and of {@link Prepared}'s constructor are in the twin test's program only
 * ({@code src/test/resources/org/balnet/rng/poisson_sample.cl}). The constants are generated into the
 * kernels' header ({@link #openClDefines}).
 */
public final class PoissonSampler {
    /** Largest λ the sampler is specified and tested for (counts then stay far below 2^53). */
    public static final double MAX_LAMBDA = 1e12;
    /** λ from which PTRS is used; below it, inversion's search takes λ + 1 steps on average. */
    public static final double PTRS_THRESHOLD = 10.0;
    /** log(k!) is tabulated for k &lt; this; the Stirling series is used from here on. */
    public static final int LOG_FACTORIAL_TABLE_SIZE = 128;

    // Hörmann's constants of algorithm PTRS, as in numpy's random_poisson_ptrs.
    private static final double PTRS_B_OFFSET = 0.931;
    private static final double PTRS_B_SLOPE = 2.53;
    private static final double PTRS_A_OFFSET = -0.059;
    private static final double PTRS_A_SLOPE = 0.02483;
    private static final double PTRS_INV_ALPHA_OFFSET = 1.1239;
    private static final double PTRS_INV_ALPHA_SCALE = 1.1328;
    private static final double PTRS_INV_ALPHA_B_SHIFT = 3.4;
    private static final double PTRS_VR_OFFSET = 0.9277;
    private static final double PTRS_VR_SCALE = 3.6224;
    private static final double PTRS_VR_B_SHIFT = 2.0;
    /** Shift of the candidate k = floor((2a/us + b) u + λ + 0.43). */
    private static final double PTRS_K_SHIFT = 0.43;
    /** us at and above which a V below vr accepts at once (the squeeze). */
    private static final double PTRS_US_SQUEEZE = 0.07;
    /** us below which V &gt; us rejects at once (the hat's tails). */
    private static final double PTRS_US_TAIL = 0.013;
    /**
     * Candidates at or above 2^53 are rejected before conversion: only us within a few ulps of 0
     * produces them, their probability is below e^-(10^17) for λ &le; 1e12, and above 2^53 a
     * {@code long} no longer converts to double exactly (in OpenCL C the conversion of an
     * out-of-range double is undefined).
     */
    private static final double PTRS_K_LIMIT = 0x1.0p53;

    /** 0.5 * log(2π), correctly rounded. */
    private static final double HALF_LOG_TWO_PI = 0x1.d67f1c864beb5p-1;
    // Stirling series log k! = (k + 1/2) log k - k + log(2π)/2 + 1/(12k) - 1/(360k^3) + 1/(1260k^5)
    // - 1/(1680k^7) + ...; from k = 128 on the first omitted term, 1/(1188k^9), is below 1e-21.
    private static final double STIRLING_1 = 1.0 / 12.0;
    private static final double STIRLING_3 = 1.0 / 360.0;
    private static final double STIRLING_5 = 1.0 / 1260.0;
    private static final double STIRLING_7 = 1.0 / 1680.0;

    /**
     * log(k!) for k = 0..127, each the correctly rounded double of ln of the exact integer k!
     * (computed with Python's decimal module at 60 digits, written in hex so that Java and OpenCL C
     * read the same bits). The kernels' LOG_FACTORIAL_TABLE is generated from it ({@link #openClDefines}).
     */
    private static final double[] LOG_FACTORIAL_TABLE = {
            0x0.0p+0, 0x0.0p+0, 0x1.62e42fefa39efp-1,
            0x1.cab0bfa2a2002p+0, 0x1.96ca77c922cf9p+1, 0x1.326643c4479c9p+2,
            0x1.a51273acf01cap+2, 0x1.10ce1f32dcc30p+3, 0x1.5358e82fcb70dp+3,
            0x1.99a8921a7f7cfp+3, 0x1.e357590954d15p+3, 0x1.180973f3a8d74p+4,
            0x1.3fcba16d50143p+4, 0x1.68d5a9c3b32cep+4, 0x1.930f3df162a42p+4,
            0x1.be636a63fd346p+4, 0x1.eabff061f1a84p+4, 0x1.0c0a63f2f353ap+5,
            0x1.2329df2d5ee52p+5, 0x1.3ab8153363985p+5, 0x1.52af57aed77bep+5,
            0x1.6b0a8643472a9p+5, 0x1.83c4faba84f06p+5, 0x1.9cda78b856a45p+5,
            0x1.b6472034e8d14p+5, 0x1.d007622cd65e7p+5, 0x1.ea17f717c6794p+5,
            0x1.023aeb67e4fefp+6, 0x1.0f8f18d330240p+6, 0x1.1d07353917231p+6,
            0x1.2aa208b59d0e5p+6, 0x1.385e6fd9e5a40p+6, 0x1.463b59b942084p+6,
            0x1.5437c633ace4ap+6, 0x1.6252c474896bap+6, 0x1.708b719e11658p+6,
            0x1.7ee0f79b26758p+6, 0x1.8d528c1243d96p+6, 0x1.9bdf6f75257a3p+6,
            0x1.aa86ec2969812p+6, 0x1.b94855c702ba2p+6, 0x1.c8230869ca105p+6,
            0x1.d7166813e12eep+6, 0x1.e621e01eeba4fp+6, 0x1.f544e2ba69cf1p+6,
            0x1.023f743addd9fp+7, 0x1.09e7b7ea41ea9p+7, 0x1.119afe762626bp+7,
            0x1.19590c853a559p+7, 0x1.2121a930c6ec3p+7, 0x1.28f49ddeb1f31p+7,
            0x1.30d1b61e86335p+7, 0x1.38b8bf8931ddbp+7, 0x1.40a989a33a6cdp+7,
            0x1.48a3e5c12af19p+7, 0x1.50a7a6ee08711p+7, 0x1.58b4a1d39da73p+7,
            0x1.60caaca474746p+7, 0x1.68e99f0757979p+7, 0x1.711152043b2c4p+7,
            0x1.79419ff26dc59p+7, 0x1.817a6467f6fb9p+7, 0x1.89bb7c2a0aea1p+7,
            0x1.9204c51e7c761p+7, 0x1.9a561e3e1a4bdp+7, 0x1.a2af6787e4609p+7,
            0x1.ab1081f509726p+7, 0x1.b3794f6d9d7afp+7, 0x1.bbe9b2bdfb621p+7,
            0x1.c4618f8cc56f7p+7, 0x1.cce0ca5179100p+7, 0x1.d567484b8b7b6p+7,
            0x1.ddf4ef7a05a70p+7, 0x1.e689a69396befp+7, 0x1.ef2554ff15148p+7,
            0x1.f7c7e2cc66183p+7, 0x1.00389c56e3462p+8, 0x1.04909ff8b652bp+8,
            0x1.08ebf13dbf263p+8, 0x1.0d4a85602b129p+8, 0x1.11ac51df8932ap+8,
            0x1.16114c7e34736p+8, 0x1.1a796b3ede1acp+8, 0x1.1ee4a46236d3ep+8,
            0x1.2352ee64b46d5p+8, 0x1.27c43ffc72962p+8, 0x1.2c3890172d057p+8,
            0x1.30afd5d851956p+8, 0x1.352a089728f1bp+8, 0x1.39a71fdd14947p+8,
            0x1.3e271363e0df7p+8, 0x1.42a9db142a36ap+8, 0x1.472f6f03d410cp+8,
            0x1.4bb7c77491066p+8, 0x1.5042dcd27af64p+8, 0x1.54d0a7b2ba658p+8,
            0x1.596120d23c4ecp+8, 0x1.5df4411475a1cp+8, 0x1.628a018233bedp+8,
            0x1.67225b4879462p+8, 0x1.6bbd47b7669b6p+8, 0x1.705ac0412d89fp+8,
            0x1.74fabe790f7bep+8, 0x1.799d3c1265c0ep+8, 0x1.7e4232dfb367dp+8,
            0x1.82e99cd1c0368p+8, 0x1.879373f6bc4fep+8, 0x1.8c3fb2796c21cp+8,
            0x1.90ee52a05c35fp+8, 0x1.959f4ecd1c8b3p+8, 0x1.9a52a17b831ccp+8,
            0x1.9f084540f545ep+8, 0x1.a3c034cbb7b2cp+8, 0x1.a87a6ae24493ap+8,
            0x1.ad36e262a7cc0p+8, 0x1.b1f59641e0db5p+8, 0x1.b6b6818b4a3ebp+8,
            0x1.bb799f600610ap+8, 0x1.c03eeaf66facdp+8, 0x1.c5065f9992226p+8,
            0x1.c9cff8a8a340dp+8, 0x1.ce9bb196830eap+8, 0x1.d36985e93f7b8p+8,
            0x1.d83971399c213p+8, 0x1.dd0b6f329dea4p+8, 0x1.e1df7b911a74cp+8,
            0x1.e6b592234b0c9p+8, 0x1.eb8daec863182p+8
    };

    private PoissonSampler() {
    }

    /**
     * The sampler's thresholds, PTRS and Stirling constants, the log-factorial table and the layout of
     * {@link Prepared#export}, for the generated header of the kernels (poisson.cl).
     */
    public static String openClDefines() {
        return new OpenClDefines("PoissonSampler")
                .define("POISSON_PTRS_THRESHOLD", PTRS_THRESHOLD)
                .define("PTRS_B_OFFSET", PTRS_B_OFFSET)
                .define("PTRS_B_SLOPE", PTRS_B_SLOPE)
                .define("PTRS_A_OFFSET", PTRS_A_OFFSET)
                .define("PTRS_A_SLOPE", PTRS_A_SLOPE)
                .define("PTRS_INV_ALPHA_OFFSET", PTRS_INV_ALPHA_OFFSET)
                .define("PTRS_INV_ALPHA_SCALE", PTRS_INV_ALPHA_SCALE)
                .define("PTRS_INV_ALPHA_B_SHIFT", PTRS_INV_ALPHA_B_SHIFT)
                .define("PTRS_VR_OFFSET", PTRS_VR_OFFSET)
                .define("PTRS_VR_SCALE", PTRS_VR_SCALE)
                .define("PTRS_VR_B_SHIFT", PTRS_VR_B_SHIFT)
                .define("PTRS_K_SHIFT", PTRS_K_SHIFT)
                .define("PTRS_US_SQUEEZE", PTRS_US_SQUEEZE)
                .define("PTRS_US_TAIL", PTRS_US_TAIL)
                .define("PTRS_K_LIMIT", PTRS_K_LIMIT)
                .define("HALF_LOG_TWO_PI", HALF_LOG_TWO_PI)
                .define("STIRLING_1", STIRLING_1)
                .define("STIRLING_3", STIRLING_3)
                .define("STIRLING_5", STIRLING_5)
                .define("STIRLING_7", STIRLING_7)
                .define("POISSON_METHOD_ZERO", Prepared.METHOD_ZERO)
                .define("POISSON_METHOD_INVERSION", Prepared.METHOD_INVERSION)
                .define("POISSON_METHOD_PTRS", Prepared.METHOD_PTRS)
                .define("POISSON_PREPARED_LAMBDA", Prepared.EXPORT_LAMBDA)
                .define("POISSON_PREPARED_METHOD", Prepared.EXPORT_METHOD)
                .define("POISSON_PREPARED_EXP_NEG_LAMBDA", Prepared.EXPORT_EXP_NEG_LAMBDA)
                .define("POISSON_PREPARED_LOG_LAMBDA", Prepared.EXPORT_LOG_LAMBDA)
                .define("POISSON_PREPARED_A", Prepared.EXPORT_A)
                .define("POISSON_PREPARED_B", Prepared.EXPORT_B)
                .define("POISSON_PREPARED_LOG_INV_ALPHA", Prepared.EXPORT_LOG_INV_ALPHA)
                .define("POISSON_PREPARED_VR", Prepared.EXPORT_VR)
                .define("LOG_FACTORIAL_TABLE_SIZE", LOG_FACTORIAL_TABLE_SIZE)
                .table("LOG_FACTORIAL_TABLE", LOG_FACTORIAL_TABLE)
                .toString();
    }

    /**
     * A Poisson(λ) variate; λ = 0 returns 0 and consumes no draw.
     *
     * @param lambda the mean, in [0, {@link #MAX_LAMBDA}]; not checked here (see {@link Prepared}),
     *               a NaN or negative λ returns 0
     * @param rng    source of uniforms, at the address of this variate
     */
    public static long sample(double lambda, CounterRng rng) {
        if (lambda >= PTRS_THRESHOLD) {
            return ptrs(lambda, rng);
        }
        if (lambda > 0) {
            return inversion(lambda, rng);
        }
        return 0;
    }

    /**
     * Inversion by sequential search from one uniform u: the smallest k with
     * P(0) + ... + P(k) &ge; u, with P(0) = e^-λ and P(k) = P(k - 1) λ / k. For λ &lt; 10.
     */
    static long inversion(double lambda, CounterRng rng) {
        return inversionSearch(lambda, StrictMath.exp(-lambda), rng);
    }

    private static long inversionSearch(double lambda, double expNegLambda, CounterRng rng) {
        double u = rng.nextUniform();
        long k = 0;
        double pmf = expNegLambda;
        double cdf = expNegLambda;
        while (cdf < u) {
            k++;
            pmf *= lambda / k;
            double next = cdf + pmf;
            // The summed cdf can stop short of u (rounding leaves it a few ulps under 1): once the
            // terms no longer change it, the remaining mass is below 1e-16 and the search ends here.
            if (next == cdf) {
                break;
            }
            cdf = next;
        }
        return k;
    }

    /**
     * PTRS, the transformed rejection method with squeeze of Hörmann, "The transformed rejection
     * method for generating Poisson random variables", Insurance: Math. &amp; Econ. 12 (1993)
     * 39-45; structure of numpy's {@code random_poisson_ptrs}. For λ &ge; 10.
     */
    static long ptrs(double lambda, CounterRng rng) {
        double slam = Math.sqrt(lambda);
        double logLambda = StrictMath.log(lambda);
        double b = PTRS_B_OFFSET + PTRS_B_SLOPE * slam;
        double a = PTRS_A_OFFSET + PTRS_A_SLOPE * b;
        double invAlpha = PTRS_INV_ALPHA_OFFSET + PTRS_INV_ALPHA_SCALE / (b - PTRS_INV_ALPHA_B_SHIFT);
        double vr = PTRS_VR_OFFSET - PTRS_VR_SCALE / (b - PTRS_VR_B_SHIFT);
        return ptrsLoop(lambda, logLambda, a, b, StrictMath.log(invAlpha), vr, rng);
    }

    private static long ptrsLoop(double lambda, double logLambda, double a, double b, double logInvAlpha,
                                 double vr, CounterRng rng) {
        while (true) {
            double u = rng.nextUniform() - 0.5;
            double v = rng.nextUniform();
            // us > 0 always: u is at least 2^-53 away from -0.5 and 0.5.
            double us = 0.5 - Math.abs(u);
            double k = Math.floor((2 * a / us + b) * u + lambda + PTRS_K_SHIFT);
            if (us >= PTRS_US_SQUEEZE && v <= vr) {
                return (long) k;
            }
            if (!(k >= 0 && k < PTRS_K_LIMIT) || (us < PTRS_US_TAIL && v > us)) {
                continue;
            }
            // Hörmann's log(V) + log(1/alpha) - log(a/us^2 + b) <= log P(k), with the two logs of
            // the left side merged into one (this path runs on a fifth of the trials).
            if (StrictMath.log(v / (a / (us * us) + b)) + logInvAlpha
                    <= logPoissonPmf((long) k, lambda, logLambda)) {
                return (long) k;
            }
        }
    }

    /**
     * log P(k) = -λ + k log λ - log k! for Poisson(λ), k &ge; 0.
     *
     * <p>For k &lt; {@link #LOG_FACTORIAL_TABLE_SIZE} this form, with the table, is accurate (its
     * terms are small, or λ is so much larger than k that P(k) is negligible). For large k it
     * cancels catastrophically: at λ = 1e12 the terms are near 3e13, whose ulp is 4e-3, and the
     * result is off by up to 6e-3 (5e-6 at λ = 1e9), while PTRS compares it with a log-density of
     * order 1: an error δ scales the acceptance probability of k by e^δ. There the Stirling
     * series is substituted and the large terms cancelled analytically:
     * log P(k) = (k - λ) - k log1p((k - λ)/λ) - log(2πk)/2 - stirlingCorrection(k),
     * where k - λ is exact near λ (Sterbenz) and log1p keeps full relative accuracy, so the error is
     * about 1e-16 times |k - λ| + 1 instead of 1e-16 times λ. log k is taken as
     * log λ + log1p((k - λ)/λ), which saves a logarithm.
     *
     * @param logLambda log(λ), computed once by the caller
     */
    static double logPoissonPmf(long k, double lambda, double logLambda) {
        if (k < LOG_FACTORIAL_TABLE_SIZE) {
            return -lambda + k * logLambda - LOG_FACTORIAL_TABLE[(int) k];
        }
        double kd = k;
        double excess = kd - lambda;
        double logRatio = StrictMath.log1p(excess / lambda);
        return excess - kd * logRatio - (HALF_LOG_TWO_PI + 0.5 * (logLambda + logRatio)) - stirlingCorrection(kd);
    }

    /**
     * log(k!): the table for k &lt; {@link #LOG_FACTORIAL_TABLE_SIZE}, the Stirling series beyond.
     *
     * @param k a count, &ge; 0 (negative k is not checked)
     */
    public static double logFactorial(long k) {
        if (k < LOG_FACTORIAL_TABLE_SIZE) {
            return LOG_FACTORIAL_TABLE[(int) k];
        }
        double kd = k;
        return (kd + 0.5) * StrictMath.log(kd) - kd + HALF_LOG_TWO_PI + stirlingCorrection(kd);
    }

    /**
     * log k! - [(k + 1/2) log k - k + log(2π)/2] = 1/(12k) - 1/(360k^3) + 1/(1260k^5) - 1/(1680k^7),
     * for k &ge; {@link #LOG_FACTORIAL_TABLE_SIZE}.
     */
    static double stirlingCorrection(double k) {
        double r = 1.0 / k;
        double r2 = r * r;
        return r * (STIRLING_1 - r2 * (STIRLING_3 - r2 * (STIRLING_5 - r2 * STIRLING_7)));
    }

    /**
     * A sampler for one fixed λ, holding the λ-dependent constants that {@link #sample(double, CounterRng)}
     * computes on every call; its samples are identical to those of {@code sample(lambda, rng)}.
     * Immutable; one instance may be shared by threads (each with its own {@link CounterRng}).
     *
     * <p>Twin: {@code poisson_prepared}, {@code poisson_prepared_load} (of {@link #export}), {@code poisson_prepare}
     * (test program only)
     * and {@code poisson_sample_prepared} in {@code kernels/poisson.cl}.
     */
    public static final class Prepared {
        private static final int METHOD_ZERO = 0;
        private static final int METHOD_INVERSION = 1;
        private static final int METHOD_PTRS = 2;

        private final double lambda;
        private final int method;
        private final double expNegLambda;
        private final double logLambda;
        private final double a;
        private final double b;
        private final double logInvAlpha;
        private final double vr;

        /**
         * @param lambda the mean, in [0, {@link #MAX_LAMBDA}]
         * @throws IllegalArgumentException if λ is NaN or outside that range
         */
        public Prepared(double lambda) {
            if (!(lambda >= 0 && lambda <= MAX_LAMBDA)) {
                throw new IllegalArgumentException(
                        "lambda = " + lambda + ": must be in [0, " + MAX_LAMBDA + "]");
            }
            this.lambda = lambda;
            if (lambda >= PTRS_THRESHOLD) {
                // The same expressions, in the same order, as ptrs(lambda, rng).
                double slam = Math.sqrt(lambda);
                this.method = METHOD_PTRS;
                this.logLambda = StrictMath.log(lambda);
                this.b = PTRS_B_OFFSET + PTRS_B_SLOPE * slam;
                this.a = PTRS_A_OFFSET + PTRS_A_SLOPE * b;
                double invAlpha = PTRS_INV_ALPHA_OFFSET + PTRS_INV_ALPHA_SCALE / (b - PTRS_INV_ALPHA_B_SHIFT);
                this.vr = PTRS_VR_OFFSET - PTRS_VR_SCALE / (b - PTRS_VR_B_SHIFT);
                this.logInvAlpha = StrictMath.log(invAlpha);
                this.expNegLambda = 0;
            } else {
                this.method = lambda > 0 ? METHOD_INVERSION : METHOD_ZERO;
                this.expNegLambda = StrictMath.exp(-lambda);
                this.logLambda = 0;
                this.a = 0;
                this.b = 0;
                this.logInvAlpha = 0;
                this.vr = 0;
            }
        }

        /** Number of doubles {@link #export} writes. */
        public static final int EXPORT_WIDTH = 8;
        // Where export puts each constant; poisson_prepared_load reads them by these names (POISSON_PREPARED_*).
        private static final int EXPORT_LAMBDA = 0;
        private static final int EXPORT_METHOD = 1;
        private static final int EXPORT_EXP_NEG_LAMBDA = 2;
        private static final int EXPORT_LOG_LAMBDA = 3;
        private static final int EXPORT_A = 4;
        private static final int EXPORT_B = 5;
        private static final int EXPORT_LOG_INV_ALPHA = 6;
        private static final int EXPORT_VR = 7;

        /**
         * Writes λ, the method (0 zero, 1 inversion, 2 PTRS, as a double), e^-λ, log λ, a, b, log(1/α)
         * and v_r to {@code dst[offset .. offset + EXPORT_WIDTH)}. A device that loads them with
         * {@code poisson_prepared_load} samples with the host's constants bit for bit, whatever its
         * own {@code log} and {@code exp} round to.
         */
        public void export(double[] dst, int offset) {
            dst[offset + EXPORT_LAMBDA] = lambda;
            dst[offset + EXPORT_METHOD] = method;
            dst[offset + EXPORT_EXP_NEG_LAMBDA] = expNegLambda;
            dst[offset + EXPORT_LOG_LAMBDA] = logLambda;
            dst[offset + EXPORT_A] = a;
            dst[offset + EXPORT_B] = b;
            dst[offset + EXPORT_LOG_INV_ALPHA] = logInvAlpha;
            dst[offset + EXPORT_VR] = vr;
        }

        /** The mean this sampler was prepared for. */
        public double lambda() {
            return lambda;
        }

        /** A Poisson(λ) variate, identical to {@code PoissonSampler.sample(lambda(), rng)}. */
        public long sample(CounterRng rng) {
            if (method == METHOD_PTRS) {
                return ptrsLoop(lambda, logLambda, a, b, logInvAlpha, vr, rng);
            }
            if (method == METHOD_INVERSION) {
                return inversionSearch(lambda, expNegLambda, rng);
            }
            return 0;
        }
    }
}
