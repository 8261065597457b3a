package org.balnet.sim;

/**
 * The binning of {@link Engine#histogram}, shared by the Java backends so that they count states
 * alike: equal bins of [lo, hi), with one slot below and one at or above (and NaN).
 * Twin: histogram_population in kernels/histogram.cl.
 */
public final class StateBins {
    private StateBins() {
    }

    /**
     * The slot of state u: 0 below lo, 1 .. bins inside, bins + 1 at or above hi (and NaN, which fails
     * both comparisons).
     *
     * @param scale bins / (hi - lo)
     */
    public static int slot(double u, double lo, double hi, double scale, int bins) {
        if (u < lo) {
            return 0;
        }
        if (u < hi) {
            return 1 + Math.min(bins - 1, (int) ((u - lo) * scale));
        }
        return bins + 1;
    }

    /** Counts of states over the slots of {@link #slot}; length bins + 2. */
    public static long[] count(double[] states, double lo, double hi, int bins) {
        long[] counts = new long[bins + 2];
        double scale = bins / (hi - lo);
        for (double u : states) {
            counts[slot(u, lo, hi, scale, bins)]++;
        }
        return counts;
    }
}
