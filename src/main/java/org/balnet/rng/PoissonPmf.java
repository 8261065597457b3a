package org.balnet.rng;

/**
 * The Poisson probability P(k) = e^-λ λ^k / k! in Loader's saddle-point form, free of the cancellation
 * of -λ + k log λ - log k! (whose terms reach 3e13 at λ = 1e12, where an ulp is 4e-3):
 * <pre>
 *   P(k) = exp(-stirlerr(k) - bd0(k, λ)) / sqrt(2π k),   k &ge; 1;   P(0) = e^-λ,
 * </pre>
 * with stirlerr(k) = log k! - log(sqrt(2π k) (k/e)^k), the error of Stirling's formula, and
 * bd0(k, λ) = k log(k/λ) + λ - k, the deviance term, summed as a series when k is near λ (C. Loader,
 * "Fast and accurate computation of binomial probabilities", 2000; the form of R's {@code dpois}).
 *
 * <p>Host only, for building {@link PoissonTable}s: the device never evaluates a pmf. Near the mode,
 * where the table anchors its recurrence, the exponent is below 1 in magnitude and the result is
 * within a few ulps (tested against mpmath in {@code PoissonPmfTest}).
 */
public final class PoissonPmf {
    /** 2π, correctly rounded. */
    private static final double TWO_PI = 0x1.921fb54442d18p+2;
    /** stirlerr is tabulated below this; the series is used from here on. */
    static final int STIRLERR_TABLE_SIZE = 32;
    // stirlerr(n) = 1/(12n) - 1/(360n^3) + 1/(1260n^5) - 1/(1680n^7) + 1/(1188n^9) - ...; from n = 32 the
    // first omitted term, 691/(360360 n^11), is below 6e-20, 2e-17 of the value.
    private static final double STIRLING_S0 = 1.0 / 12.0;
    private static final double STIRLING_S1 = 1.0 / 360.0;
    private static final double STIRLING_S2 = 1.0 / 1260.0;
    private static final double STIRLING_S3 = 1.0 / 1680.0;
    private static final double STIRLING_S4 = 1.0 / 1188.0;
    /** bd0 uses its series while |k - λ| &lt; this share of k + λ (Loader's choice). */
    private static final double BD0_SERIES_RANGE = 0.1;

    /**
     * stirlerr(n) for n = 0..31, each the correctly rounded double of the exact value (mpmath at 60
     * digits: {@code src/test/scripts/poisson_pmf_reference.py stirlerr}); stirlerr(0) is infinite.
     */
    private static final double[] STIRLERR_TABLE = {
            Double.POSITIVE_INFINITY, // 0
            0x1.4c071bcda0a5bp-4, // 1
            0x1.52a9b923ea649p-5, // 2
            0x1.c579a268d80b3p-6, // 3
            0x1.54a2662fd78a9p-6, // 4
            0x1.10b4e513fcbedp-6, // 5
            0x1.c6b167bebdf36p-7, // 6
            0x1.85d4d612e4a86p-7, // 7
            0x1.552805e7b3076p-7, // 8
            0x1.2f4871b12ab64p-7, // 9
            0x1.10f9d4c0743a7p-7, // 10
            0x1.f0593088014f8p-8, // 11
            0x1.c7018733aa9c6p-8, // 12
            0x1.a40514700f36cp-8, // 13
            0x1.86076c002d4a7p-8, // 14
            0x1.6c08f6f194a10p-8, // 15
            0x1.5549f7dd113bcp-8, // 16
            0x1.4137c74da35f2p-8, // 17
            0x1.2f604ff627d77p-8, // 18
            0x1.1f697dd857d8ep-8, // 19
            0x1.110b3ed261fb3p-8, // 20
            0x1.040b3999e0e2ap-8, // 21
            0x1.f0735f77a883ap-9, // 22
            0x1.dade5f5c049d4p-9, // 23
            0x1.c715b494f1b23p-9, // 24
            0x1.b4e224e78a104p-9, // 25
            0x1.a414f4a0d8468p-9, // 26
            0x1.948654042bccap-9, // 27
            0x1.861422f5d68c0p-9, // 28
            0x1.78a0f61376d1dp-9, // 29
            0x1.6c134df6e3d33p-9, // 30
            0x1.6054f550b26c0p-9, // 31
    };

    private PoissonPmf() {
    }

    /**
     * P(k) for Poisson(λ), Loader's saddle-point form.
     *
     * @param k      a count, &ge; 0
     * @param lambda the mean, &gt; 0 (λ = 0 is the point mass at 0, not handled here)
     */
    public static double saddlePoint(long k, double lambda) {
        if (k == 0) {
            return StrictMath.exp(-lambda);
        }
        double kd = k;
        return StrictMath.exp(-stirlerr(k) - bd0(kd, lambda)) / Math.sqrt(TWO_PI * kd);
    }

    /**
     * log n! - log(sqrt(2π n) (n/e)^n), for n &ge; 1: the table below {@link #STIRLERR_TABLE_SIZE},
     * the Stirling series beyond.
     */
    static double stirlerr(long n) {
        if (n < STIRLERR_TABLE_SIZE) {
            return STIRLERR_TABLE[(int) n];
        }
        double r = 1.0 / n;
        double r2 = r * r;
        return r * (STIRLING_S0 - r2 * (STIRLING_S1 - r2 * (STIRLING_S2 - r2 * (STIRLING_S3 - r2 * STIRLING_S4))));
    }

    /**
     * The deviance term k log(k/λ) + λ - k &ge; 0. Near λ its two parts cancel, so there it is summed
     * as the series (k - λ) v + 2k (v^3/3 + v^5/5 + ...), v = (k - λ)/(k + λ), whose terms are all
     * small: k - λ is exact (Sterbenz) for k in [λ/2, 2λ].
     */
    static double bd0(double k, double lambda) {
        double d = k - lambda;
        if (Math.abs(d) < BD0_SERIES_RANGE * (k + lambda)) {
            double v = d / (k + lambda);
            double s = d * v;
            double ej = 2 * k * v;
            double v2 = v * v;
            for (int j = 1; ; j++) {
                ej *= v2;
                double next = s + ej / (2 * j + 1);
                if (next == s) {
                    return next;
                }
                s = next;
            }
        }
        return k * StrictMath.log(k / lambda) + lambda - k;
    }
}
