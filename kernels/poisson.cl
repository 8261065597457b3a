// Twin of src/main/java/org/balnet/rng/PoissonSampler.java (the reasons for each step are written
// there). Needs philox.cl before it (counter_rng, rng_uniform).
//
// Exact Poisson(lambda) variates, arithmetic in double: 0 -> 0, lambda < 10 inversion, else PTRS
// (Hörmann, Insurance: Math. & Econ. 12 (1993)). Counts are long.

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

#define POISSON_MAX_LAMBDA 1e12
#define POISSON_PTRS_THRESHOLD 10.0
#define LOG_FACTORIAL_TABLE_SIZE 128

#define PTRS_B_OFFSET 0.931
#define PTRS_B_SLOPE 2.53
#define PTRS_A_OFFSET (-0.059)
#define PTRS_A_SLOPE 0.02483
#define PTRS_INV_ALPHA_OFFSET 1.1239
#define PTRS_INV_ALPHA_SCALE 1.1328
#define PTRS_INV_ALPHA_B_SHIFT 3.4
#define PTRS_VR_OFFSET 0.9277
#define PTRS_VR_SCALE 3.6224
#define PTRS_VR_B_SHIFT 2.0
#define PTRS_K_SHIFT 0.43
#define PTRS_US_SQUEEZE 0.07
#define PTRS_US_TAIL 0.013
#define PTRS_K_LIMIT 0x1.0p53

#define HALF_LOG_TWO_PI 0x1.d67f1c864beb5p-1
#define STIRLING_1 (1.0 / 12.0)
#define STIRLING_3 (1.0 / 360.0)
#define STIRLING_5 (1.0 / 1260.0)
#define STIRLING_7 (1.0 / 1680.0)

/* log(k!) for k = 0..127: the same hex literals as PoissonSampler.LOG_FACTORIAL_TABLE. */
__constant double LOG_FACTORIAL_TABLE[LOG_FACTORIAL_TABLE_SIZE] = {
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

/* PoissonSampler.stirlingCorrection */
RNG_INLINE double stirling_correction(double k) {
    double r = 1.0 / k;
    double r2 = r * r;
    return r * (STIRLING_1 - r2 * (STIRLING_3 - r2 * (STIRLING_5 - r2 * STIRLING_7)));
}

/* PoissonSampler.logFactorial */
double log_factorial(long k) {
    if (k < LOG_FACTORIAL_TABLE_SIZE) {
        return LOG_FACTORIAL_TABLE[(int) k];
    }
    double kd = (double) k;
    return (kd + 0.5) * log(kd) - kd + HALF_LOG_TWO_PI + stirling_correction(kd);
}

/* PoissonSampler.logPoissonPmf: cancellation-free Stirling form for large k. */
RNG_INLINE double log_poisson_pmf(long k, double lambda, double log_lambda) {
    if (k < LOG_FACTORIAL_TABLE_SIZE) {
        return -lambda + (double) k * log_lambda - LOG_FACTORIAL_TABLE[(int) k];
    }
    double kd = (double) k;
    double excess = kd - lambda;
    double log_ratio = log1p(excess / lambda);
    return excess - kd * log_ratio - (HALF_LOG_TWO_PI + 0.5 * (log_lambda + log_ratio)) - stirling_correction(kd);
}

/* PoissonSampler.inversionSearch */
RNG_INLINE long poisson_inversion_search(double lambda, double exp_neg_lambda, counter_rng *rng) {
    double u = rng_uniform(rng);
    long k = 0;
    double pmf = exp_neg_lambda;
    double cdf = exp_neg_lambda;
    while (cdf < u) {
        k++;
        pmf *= lambda / (double) k;
        double next = cdf + pmf;
        if (next == cdf) {
            break;
        }
        cdf = next;
    }
    return k;
}

/* PoissonSampler.inversion */
long poisson_inversion(double lambda, counter_rng *rng) {
    return poisson_inversion_search(lambda, exp(-lambda), rng);
}

/* PoissonSampler.ptrsLoop */
RNG_INLINE long poisson_ptrs_loop(double lambda, double log_lambda, double a, double b, double log_inv_alpha,
                       double vr, counter_rng *rng) {
    while (true) {
        double u = rng_uniform(rng) - 0.5;
        double v = rng_uniform(rng);
        double us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + lambda + PTRS_K_SHIFT);
        if (us >= PTRS_US_SQUEEZE && v <= vr) {
            return (long) k;
        }
        if (!(k >= 0 && k < PTRS_K_LIMIT) || (us < PTRS_US_TAIL && v > us)) {
            continue;
        }
        if (log(v / (a / (us * us) + b)) + log_inv_alpha
                <= log_poisson_pmf((long) k, lambda, log_lambda)) {
            return (long) k;
        }
    }
}

/* PoissonSampler.ptrs */
long poisson_ptrs(double lambda, counter_rng *rng) {
    double slam = sqrt(lambda);
    double log_lambda = log(lambda);
    double b = PTRS_B_OFFSET + PTRS_B_SLOPE * slam;
    double a = PTRS_A_OFFSET + PTRS_A_SLOPE * b;
    double inv_alpha = PTRS_INV_ALPHA_OFFSET + PTRS_INV_ALPHA_SCALE / (b - PTRS_INV_ALPHA_B_SHIFT);
    double vr = PTRS_VR_OFFSET - PTRS_VR_SCALE / (b - PTRS_VR_B_SHIFT);
    return poisson_ptrs_loop(lambda, log_lambda, a, b, log(inv_alpha), vr, rng);
}

/* PoissonSampler.sample */
long poisson_sample(double lambda, counter_rng *rng) {
    if (lambda >= POISSON_PTRS_THRESHOLD) {
        return poisson_ptrs(lambda, rng);
    }
    if (lambda > 0) {
        return poisson_inversion(lambda, rng);
    }
    return 0;
}

/* PoissonSampler.Prepared (lambda is range-checked on the host). */
#define POISSON_METHOD_ZERO 0
#define POISSON_METHOD_INVERSION 1
#define POISSON_METHOD_PTRS 2

typedef struct {
    double lambda;
    int method;
    double exp_neg_lambda;
    double log_lambda;
    double a;
    double b;
    double log_inv_alpha;
    double vr;
} poisson_prepared;

/* new PoissonSampler.Prepared(lambda) */
poisson_prepared poisson_prepare(double lambda) {
    poisson_prepared p;
    p.lambda = lambda;
    if (lambda >= POISSON_PTRS_THRESHOLD) {
        double slam = sqrt(lambda);
        p.method = POISSON_METHOD_PTRS;
        p.log_lambda = log(lambda);
        p.b = PTRS_B_OFFSET + PTRS_B_SLOPE * slam;
        p.a = PTRS_A_OFFSET + PTRS_A_SLOPE * p.b;
        double inv_alpha = PTRS_INV_ALPHA_OFFSET + PTRS_INV_ALPHA_SCALE / (p.b - PTRS_INV_ALPHA_B_SHIFT);
        p.vr = PTRS_VR_OFFSET - PTRS_VR_SCALE / (p.b - PTRS_VR_B_SHIFT);
        p.log_inv_alpha = log(inv_alpha);
        p.exp_neg_lambda = 0;
    } else {
        p.method = lambda > 0 ? POISSON_METHOD_INVERSION : POISSON_METHOD_ZERO;
        p.exp_neg_lambda = exp(-lambda);
        p.log_lambda = 0;
        p.a = 0;
        p.b = 0;
        p.log_inv_alpha = 0;
        p.vr = 0;
    }
    return p;
}

/* PoissonSampler.Prepared.export, read back: the host's constants, EXPORT_WIDTH doubles. */
RNG_INLINE poisson_prepared poisson_prepared_load(__constant const double *c) {
    poisson_prepared p;
    p.lambda = c[0];
    p.method = (int) c[1];
    p.exp_neg_lambda = c[2];
    p.log_lambda = c[3];
    p.a = c[4];
    p.b = c[5];
    p.log_inv_alpha = c[6];
    p.vr = c[7];
    return p;
}

/* PoissonSampler.Prepared.sample */
RNG_INLINE long poisson_sample_prepared(const poisson_prepared *p, counter_rng *rng) {
    if (p->method == POISSON_METHOD_PTRS) {
        return poisson_ptrs_loop(p->lambda, p->log_lambda, p->a, p->b, p->log_inv_alpha, p->vr, rng);
    }
    if (p->method == POISSON_METHOD_INVERSION) {
        return poisson_inversion_search(p->lambda, p->exp_neg_lambda, rng);
    }
    return 0;
}
