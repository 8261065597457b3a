package org.balnet.validate;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The exponent p of error ~ c n^p, fitted as the ordinary least-squares slope of ln(mean error) on
 * ln n over the sizes, with two confidence intervals:
 * <ul>
 *   <li>{@link #bootstrap}: percentile bootstrap over replicas. Each resample draws, at every n
 *       independently, as many replicas as there were, with replacement, and refits the slope of the
 *       resampled means. It measures how much the slope depends on which replicas happened to be run;
 *       it needs at least 2 replicas.</li>
 *   <li>{@link #ols}: the classical t-interval of the OLS slope through the k per-n means (k - 2 degrees
 *       of freedom). It also measures how far the means are from a straight line in log-log, but with
 *       3 sizes it has 1 degree of freedom (t = 12.7 at 95%) and is very wide.</li>
 * </ul>
 */
public final class PowerLawFit {
    /** Bootstrap resamples: the 2.5% and 97.5% percentiles then rest on 50 resamples each. */
    public static final int RESAMPLES = 2_000;

    /**
     * @param slope     fitted exponent p
     * @param intercept ln c
     * @param low       lower end of the interval (NaN when it cannot be computed)
     * @param high      upper end
     * @param method    how the interval was computed, in words
     */
    public record Fit(double slope, double intercept, double low, double high, String method) {
        /** [low, high], or empty when the fit has no interval (NaN bounds: too few sizes or replicas). */
        public java.util.Optional<java.util.List<Double>> interval() {
            return Double.isNaN(low) ? java.util.Optional.empty() : java.util.Optional.of(java.util.List.of(low, high));
        }

        public boolean contains(double p) {
            return low <= p && p <= high;
        }
    }

    private PowerLawFit() {
    }

    /** OLS slope and intercept of y on x. */
    static double[] line(double[] x, double[] y) {
        int k = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < k; i++) {
            mx += x[i] / k;
            my += y[i] / k;
        }
        double sxx = 0, sxy = 0;
        for (int i = 0; i < k; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        double slope = sxy / sxx;
        return new double[]{slope, my - slope * mx};
    }

    static double[] logs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.log(v[i]);
        }
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /**
     * OLS on (ln n, ln mean error) with the t-interval of the slope at {@code confidence}
     * (k - 2 degrees of freedom; NaN bounds for k = 2).
     *
     * @param sizes      n, at least 2 distinct values
     * @param meanErrors the mean error at each n, all &gt; 0
     */
    public static Fit ols(double[] sizes, double[] meanErrors, double confidence) {
        check(sizes);
        double[] x = logs(sizes);
        double[] y = logs(meanErrors);
        double[] ab = line(x, y);
        int k = x.length;
        if (k < 3) {
            return new Fit(ab[0], ab[1], Double.NaN, Double.NaN,
                    "OLS on the per-n means; no interval with 2 sizes (0 degrees of freedom)");
        }
        double mx = mean(x);
        double sxx = 0, sse = 0;
        for (int i = 0; i < k; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            double r = y[i] - (ab[1] + ab[0] * x[i]);
            sse += r * r;
        }
        double se = Math.sqrt(sse / (k - 2) / sxx);
        double t = new TDistribution(k - 2).inverseCumulativeProbability(0.5 + confidence / 2);
        return new Fit(ab[0], ab[1], ab[0] - t * se, ab[0] + t * se, String.format(java.util.Locale.ROOT,
                "OLS t-interval on the %d per-n means (%d degrees of freedom, t = %.3f)", k, k - 2, t));
    }

    /**
     * The slope of ln(mean error) on ln n with a percentile bootstrap interval over replicas.
     *
     * @param sizes      n, at least 2 distinct values
     * @param errors     errors[i][r]: the error of replica r at sizes[i]; at least 2 replicas each
     * @param confidence e.g. 0.95
     * @param seed       seed of the resampling (fixed, so the report is reproducible)
     */
    public static Fit bootstrap(double[] sizes, double[][] errors, double confidence, long seed) {
        check(sizes);
        int k = sizes.length;
        double[] x = logs(sizes);
        double[] means = new double[k];
        for (int i = 0; i < k; i++) {
            means[i] = mean(errors[i]);
        }
        double[] ab = line(x, logs(means));
        int minReplicas = Arrays.stream(errors).mapToInt(e -> e.length).min().orElse(0);
        if (minReplicas < 2) {
            return new Fit(ab[0], ab[1], Double.NaN, Double.NaN,
                    "OLS on the per-n means; no bootstrap interval with 1 replica");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] slopes = new double[RESAMPLES];
        double[] y = new double[k];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < k; i++) {
                double[] e = errors[i];
                double s = 0;
                for (int r = 0; r < e.length; r++) {
                    s += e[rng.nextInt(e.length)];
                }
                y[i] = Math.log(s / e.length);
            }
            slopes[b] = line(x, y)[0];
        }
        Arrays.sort(slopes);
        double tail = (1 - confidence) / 2;
        double low = quantile(slopes, tail);
        double high = quantile(slopes, 1 - tail);
        return new Fit(ab[0], ab[1], low, high, String.format(java.util.Locale.ROOT,
                "percentile bootstrap over replicas (%d resamples, seed %d)", RESAMPLES, seed));
    }

    /** Linear interpolation between order statistics (type 7 of Hyndman and Fan). */
    static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void check(double[] sizes) {
        if (sizes.length < 2 || Arrays.stream(sizes).distinct().count() < 2) {
            throw new IllegalArgumentException("a slope needs at least two different n, got " + Arrays.toString(sizes));
        }
    }
}
