package org.balnet.validate;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.balnet.model.Population;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KS and W1 from a histogram, against distributions whose distances are known in closed form. */
class GaussianDistanceTest {
    private static final NormalDistribution STANDARD = new NormalDistribution(0, 1);

    /** The histogram an engine would produce (same binning rule as Engine.histogram) over mean +- 8 sd. */
    static StateHistogram histogram(double[] u) {
        int n = u.length;
        double mean = Arrays.stream(u).sum() / n;
        double var = Arrays.stream(u).map(x -> (x - mean) * (x - mean)).sum() / n;
        double sd = Math.sqrt(var);
        double lo = mean - StateHistogram.HALF_WIDTH_SD * sd;
        double hi = mean + StateHistogram.HALF_WIDTH_SD * sd;
        int bins = StateHistogram.binsFor(n);
        long[] counts = new long[bins + 2];
        double scale = bins / (hi - lo);
        for (double x : u) {
            int b = x < lo ? 0 : x < hi ? 1 + Math.min(bins - 1, (int) ((x - lo) * scale)) : bins + 1;
            counts[b]++;
        }
        return new StateHistogram(Population.E, 1.0, lo, hi, counts, mean, var);
    }

    /** x_j = mean + sd Phi^-1((j - 1/2) / n): the sample whose empirical CDF is closest to N(mean, sd^2). */
    static double[] quantiles(int n, double mean, double sd) {
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = mean + sd * STANDARD.inverseCumulativeProbability((j + 0.5) / n);
        }
        return x;
    }

    /** sup |F_n - Phi| exactly, from the sorted sample. */
    static double exactKs(double[] u, double mean, double sd) {
        double[] s = u.clone();
        Arrays.sort(s);
        double d = 0;
        for (int j = 0; j < s.length; j++) {
            double g = GaussianDistance.normalCdf(s[j], mean, sd);
            d = Math.max(d, Math.max(Math.abs((j + 1.0) / s.length - g), Math.abs((double) j / s.length - g)));
        }
        return d;
    }

    /** integral |F_n - Phi| dx exactly, piece by piece between sorted samples (Phi integrated in closed form). */
    static double exactW1(double[] u, double mean, double sd) {
        double[] s = u.clone();
        Arrays.sort(s);
        int n = s.length;
        double w = 0;
        // F_n = k/n on [s_(k), s_(k+1)); integrate |k/n - Phi| on each piece with Simpson on a fine subdivision
        double left = Math.min(s[0], mean - 12 * sd);
        double right = Math.max(s[n - 1], mean + 12 * sd);
        double[] edges = new double[n + 2];
        edges[0] = left;
        System.arraycopy(s, 0, edges, 1, n);
        edges[n + 1] = right;
        for (int k = 0; k <= n; k++) {
            double a = edges[k];
            double b = edges[k + 1];
            if (b <= a) {
                continue;
            }
            double f = (double) k / n;
            int m = 16;
            double h = (b - a) / m;
            double sum = 0;
            for (int i = 0; i <= m; i++) {
                double x = a + i * h;
                double y = Math.abs(f - GaussianDistance.normalCdf(x, mean, sd));
                sum += (i == 0 || i == m ? 1 : (i % 2 == 1 ? 4 : 2)) * y;
            }
            w += sum * h / 3;
        }
        return w;
    }

    @Test
    void exactNormalQuantilesAreAtDistanceOneOverTwoN() {
        int n = 100_000;
        double[] u = quantiles(n, -2.5, 0.8);
        GaussianDistance.Result d = GaussianDistance.compare(histogram(u), -2.5, 0.8);
        // for x_j = Phi^-1((j - 1/2) / n), sup |F_n - Phi| = 1 / (2n) = 5e-6 exactly
        assertTrue(d.ks() <= 0.5 / n + 1e-12, "KS lower bound " + d.ks() + " above 1/(2n) = " + 0.5 / n);
        assertTrue(d.ksUpper() >= 0.5 / n - 1e-12, "KS upper bound " + d.ksUpper() + " below the true 1/(2n)");
        assertTrue(d.ksUpper() < 2e-4, "binning widened KS to " + d.ksUpper() + " (expected < 2e-4)");
        assertEquals(0, d.outside());
        double exact = exactW1(u, -2.5, 0.8);
        assertTrue(Math.abs(d.w1() - exact) <= d.w1Bound(), String.format(Locale.ROOT,
                "W1 estimate %.3g, exact %.3g, stated bound %.3g", d.w1(), exact, d.w1Bound()));
        assertTrue(d.w1() < 1e-3, "W1 of exact quantiles " + d.w1());
    }

    @Test
    void aShiftedGaussianHasTheKnownDistances() {
        // N(delta, 1) against N(0, 1): KS = 2 Phi(delta / 2) - 1 (at x = delta / 2), W1 = |delta|
        int n = 100_000;
        double delta = 0.3;
        double[] u = quantiles(n, delta, 1.0);
        GaussianDistance.Result d = GaussianDistance.compare(histogram(u), 0.0, 1.0);
        double ks = 2 * STANDARD.cumulativeProbability(delta / 2) - 1;
        assertTrue(d.ks() <= ks + 0.5 / n + 1e-12 && ks - 0.5 / n - 1e-12 <= d.ksUpper(), String.format(Locale.ROOT,
                "KS in [%.6f, %.6f], known %.6f (+- 1/2n from the finite sample)", d.ks(), d.ksUpper(), ks));
        assertEquals(ks, d.ks(), 2e-4);
        assertTrue(Math.abs(d.w1() - delta) <= d.w1Bound() + 1e-4, String.format(Locale.ROOT,
                "W1 %.6f +- %.2g, known %.6f", d.w1(), d.w1Bound(), delta));
    }

    @Test
    void aWiderGaussianHasTheKnownDistances() {
        // N(0, s^2) against N(0, 1): W1 = |s - 1| E|Z| = |s - 1| sqrt(2/pi); KS at the crossing of the densities,
        // x* = s sqrt(2 ln s / (s^2 - 1))
        int n = 100_000;
        double s = 1.5;
        double[] u = quantiles(n, 0, s);
        GaussianDistance.Result d = GaussianDistance.compare(histogram(u), 0.0, 1.0);
        double x = s * Math.sqrt(2 * Math.log(s) / (s * s - 1));
        double ks = STANDARD.cumulativeProbability(x) - STANDARD.cumulativeProbability(x / s);
        assertEquals(ks, d.ks(), 2e-4, "KS of N(0, 2.25) against N(0, 1)");
        double w1 = (s - 1) * Math.sqrt(2 / Math.PI);
        assertTrue(Math.abs(d.w1() - w1) <= d.w1Bound() + 1e-4, String.format(Locale.ROOT,
                "W1 %.6f +- %.2g, known %.6f", d.w1(), d.w1Bound(), w1));
    }

    @Test
    void theStatedBoundsHoldWithStatesOutsideTheRange() {
        // 10 far outliers: they fall outside mean +- 8 sd; the tail bound must still cover the exact W1
        int n = 20_000;
        double[] core = quantiles(n, 0, 1);
        double[] u = Arrays.copyOf(core, n + 10);
        Arrays.fill(u, n, n + 10, 30.0);
        StateHistogram h = histogram(u);
        double mean = h.sampleMean();
        double sd = Math.sqrt(h.sampleVariance());
        GaussianDistance.Result d = GaussianDistance.compare(h, mean, sd);
        assertEquals(10, d.outside());
        double exactW = exactW1(u, mean, sd);
        double exactK = exactKs(u, mean, sd);
        assertTrue(Math.abs(d.w1() - exactW) <= d.w1Bound(), String.format(Locale.ROOT,
                "W1 estimate %.5f, exact %.5f, stated bound %.5f", d.w1(), exactW, d.w1Bound()));
        assertTrue(d.ks() <= exactK + 1e-12 && exactK <= d.ksUpper() + 1e-12, String.format(Locale.ROOT,
                "exact KS %.6f outside the stated [%.6f, %.6f]", exactK, d.ks(), d.ksUpper()));
    }

    @Tag("slow")
    @Test
    void ksOfGaussianSamplesExceedsTheDkwThresholdNoMoreOftenThanAlpha() {
        // 300 samples of n = 2000 standard normals (fixed seed); KS against the true N(0, 1). DKW says
        // P(KS > eps(a)) <= a = 0.1, so the number of exceedances is at most Binomial(300, 0.1); a one-sided
        // binomial test at alpha = 0.001 checks that the histogram-based KS is not inflated.
        int samples = 300;
        int n = 2000;
        double a = 0.1;
        double eps = GaussianDistance.dkwThreshold(n, a);
        Well19937c rng = new Well19937c(20240611L);
        NormalDistribution z = new NormalDistribution(rng, 0, 1);
        int exceed = 0;
        for (int s = 0; s < samples; s++) {
            double[] u = z.sample(n);
            GaussianDistance.Result d = GaussianDistance.compare(histogram(u), 0, 1);
            assertTrue(d.ks() <= exactKs(u, 0, 1) + 1e-12 && exactKs(u, 0, 1) <= d.ksUpper() + 1e-12,
                    "exact KS outside the histogram's bounds");
            if (d.ksUpper() > eps) {
                exceed++;
            }
        }
        double alpha = 0.001;
        BinomialDistribution b = new BinomialDistribution(samples, a);
        double p = 1 - b.cumulativeProbability(exceed - 1);
        assertTrue(p > alpha, String.format(Locale.ROOT, "%d of %d KS upper bounds above the DKW threshold %.4f "
                + "(a = %s): P(Binomial(%d, %s) >= %d) = %.3g <= alpha = %s", exceed, samples, eps, a, samples, a,
                exceed, p, alpha));
    }

    @Test
    void dkwThresholdMatchesMassartsFormula() {
        assertEquals(Math.sqrt(Math.log(2 / (0.01 / 32)) / 10_000), GaussianDistance.dkwThreshold(5000, 0.01 / 32),
                1e-15);
        assertEquals(0.02960, GaussianDistance.dkwThreshold(5000, 0.01 / 32), 5e-6);
    }

    @Test
    void binsGrowWithTheSquareRootOfNWithinTheirLimits() {
        assertEquals(StateHistogram.MIN_BINS, StateHistogram.binsFor(10));
        assertEquals(Math.round(320 * Math.sqrt(1e3)), StateHistogram.binsFor(1000));
        assertEquals(Math.round(320 * Math.sqrt(1e5)), StateHistogram.binsFor(100_000));
        assertEquals(StateHistogram.MAX_BINS, StateHistogram.binsFor(1_000_000_000L));
    }
}
