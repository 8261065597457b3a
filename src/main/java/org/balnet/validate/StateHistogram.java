package org.balnet.validate;

import org.balnet.model.Population;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;

/**
 * A fine histogram of the states u_alpha^j of one population at one time, taken where the states live
 * ({@link Engine#histogram}: a billion states never come to the host), with the empirical mean and
 * variance of the same states from the simulator's reductions.
 *
 * @param population     alpha
 * @param time           t
 * @param lo             left edge of the first bin
 * @param hi             right edge of the last bin
 * @param counts         length bins + 2: [0] below lo, [1 .. bins] the bins, [bins + 1] at or above hi
 * @param sampleMean     v-hat_alpha(t), the centre of the range
 * @param sampleVariance K-hat_alpha(t)
 */
public record StateHistogram(Population population, double time, double lo, double hi, long[] counts,
                             double sampleMean, double sampleVariance) {
    /**
     * Half-width of the range in standard deviations: mean +- 8 sd. A Gaussian puts 1.2e-15 of its
     * mass outside, so every state of a Gaussian-like population up to n ~ 1e14 lands in a bin.
     */
    public static final double HALF_WIDTH_SD = 8.0;
    /** Fewest bins: keeps the binning error of KS below 1e-2 however small n is. */
    public static final int MIN_BINS = 2_000;
    /** Most bins (32 MiB of counts): reached at n ~ 1.7e8. */
    public static final int MAX_BINS = 1 << 22;
    /**
     * Bins per sqrt(n). The binning error of W1 is at most two bin widths, 2 x 16 sd / bins; its sampling
     * scale is about sd / sqrt(n) (Bobkov and Ledoux's bound, see {@link GaussianDistance}). 320 sqrt(n)
     * bins make the first a tenth of the second.
     */
    public static final double BINS_PER_SQRT_N = 320.0;

    /** The number of bins used for n states: 320 sqrt(n), within [{@value #MIN_BINS}, {@value #MAX_BINS}]. */
    public static int binsFor(long n) {
        double b = BINS_PER_SQRT_N * Math.sqrt((double) n);
        return (int) Math.max(MIN_BINS, Math.min(MAX_BINS, Math.round(b)));
    }

    /**
     * Histogram of population {@code p} over mean +- {@value #HALF_WIDTH_SD} sd of its current
     * observables, with {@link #binsFor} bins.
     *
     * @return null when the population has zero variance (nothing to compare a shape with)
     */
    public static StateHistogram capture(Engine engine, Population p, double t, Observables o) {
        double mean = o.mean()[p.index()];
        double variance = o.variance()[p.index()];
        if (!(variance > 0) || !Double.isFinite(mean) || !Double.isFinite(variance)) {
            return null;
        }
        double sd = Math.sqrt(variance);
        double lo = mean - HALF_WIDTH_SD * sd;
        double hi = mean + HALF_WIDTH_SD * sd;
        long[] counts = engine.histogram(p, lo, hi, binsFor(engine.n()));
        return new StateHistogram(p, t, lo, hi, counts, mean, variance);
    }

    public int bins() {
        return counts.length - 2;
    }

    /** Number of states counted. */
    public long total() {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /** Left edge of bin k (0-based), k = 0 .. bins. */
    public double edge(int k) {
        return lo + (hi - lo) * k / bins();
    }

    /**
     * The histogram as a probability density on {@code bins} equal bins over mean +- {@code halfWidthSd}
     * sd, for figures: each fine bin is assigned whole to the display bin holding its centre.
     *
     * @return [0] the display bin centres, [1] the densities (fraction of all states per unit of u)
     */
    public double[][] density(int bins, double halfWidthSd) {
        double sd = Math.sqrt(sampleVariance);
        double a = sampleMean - halfWidthSd * sd;
        double width = 2 * halfWidthSd * sd / bins;
        double[] centres = new double[bins];
        double[] density = new double[bins];
        for (int b = 0; b < bins; b++) {
            centres[b] = a + (b + 0.5) * width;
        }
        int fine = bins();
        double fineWidth = (hi - lo) / fine;
        for (int k = 0; k < fine; k++) {
            double c = lo + (k + 0.5) * fineWidth;
            int b = (int) Math.floor((c - a) / width);
            if (b >= 0 && b < bins) {
                density[b] += counts[k + 1];
            }
        }
        double norm = 1.0 / (total() * width);
        for (int b = 0; b < bins; b++) {
            density[b] *= norm;
        }
        return new double[][]{centres, density};
    }
}
