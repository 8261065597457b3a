package org.balnet.sim;

import org.balnet.rng.OpenClDefines;

/**
 * Sums over the neurons of one source population beta, shifted by a centre c (the previous mean)
 * so that the variance does not cancel: in fp32 the variance of 1e9 values near -5 cancels
 * catastrophically without the shift. Mutable accumulator; engines fill one per chunk and the host
 * adds the chunks in a fixed order, so totals do not depend on the thread count.
 */
public final class PopulationSums {
    /** Number of doubles in the flat layout used by kernels and chunk arrays. */
    public static final int WIDTH = 6;
    /** Flat layout offsets: sum(u-c), sum((u-c)^2), sum f_{e,beta}(u), sum f_{i,beta}(u), sum f'_{e,beta}, sum f'_{i,beta}. */
    public static final int SUM = 0, SUM_SQ = 1, RATE_E = 2, RATE_I = 3, SLOPE_E = 4, SLOPE_I = 5;

    /** The flat layout, for the generated header of the kernels: reduce.cl writes each group's sums in it. */
    public static String openClDefines() {
        return new OpenClDefines("PopulationSums: the flat layout of a group's sums")
                .define("SUMS_WIDTH", WIDTH)
                .define("SUMS_SUM", SUM)
                .define("SUMS_SUM_SQ", SUM_SQ)
                .define("SUMS_RATE_E", RATE_E)
                .define("SUMS_RATE_I", RATE_I)
                .define("SUMS_SLOPE_E", SLOPE_E)
                .define("SUMS_SLOPE_I", SLOPE_I)
                .toString();
    }

    public long count;
    /** sum (u - c). */
    public double sum;
    /** sum (u - c)^2. */
    public double sumSq;
    /** sum_k f_{alpha beta}(u_beta^k), indexed by target alpha. */
    public final double[] rate = new double[2];
    /** sum_k f'_{alpha beta}(u_beta^k), indexed by target alpha. */
    public final double[] slope = new double[2];

    /** Adds a chunk stored flat at {@code flat[offset .. offset + WIDTH)}. */
    public void addFlat(double[] flat, int offset, long chunkCount) {
        count += chunkCount;
        sum += flat[offset + SUM];
        sumSq += flat[offset + SUM_SQ];
        rate[0] += flat[offset + RATE_E];
        rate[1] += flat[offset + RATE_I];
        slope[0] += flat[offset + SLOPE_E];
        slope[1] += flat[offset + SLOPE_I];
    }
}
