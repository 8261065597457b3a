package org.balnet.rng;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Philox4x32#blocks} eight blocks at a time with the Java Vector API (incubating in Java 17:
 * the module {@code jdk.incubator.vector} must be added at launch, which {@code hosts/balnet} does).
 * Each 64-bit lane holds one 32-bit word, so one lane-wise multiply gives the whole 32x32 -&gt; 64-bit
 * product, high and low halves. Only used on 512-bit vectors (AVX-512): with 256-bit ones the 64-bit
 * multiply is emulated and it is no faster than scalar blocks (PhiloxBench with -XX:UseAVX=2). Results are exactly {@link Philox4x32#block}'s (Philox4x32Test).
 *
 * <p>Loaded only by {@link Philox4x32}, after it has found the module in the boot layer.
 */
final class PhiloxVector {
    /** A compile-time constant, so reading it does not load this class. */
    static final String MODULE = "jdk.incubator.vector";
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_512;
    /** Blocks per vector step. */
    static final int LANES = SPECIES.length();
    private static final long LOW_32 = 0xFFFF_FFFFL;
    private static final long M0 = Philox4x32.PHILOX_M4x32_0 & LOW_32;
    private static final long M1 = Philox4x32.PHILOX_M4x32_1 & LOW_32;
    private static final long W0 = Philox4x32.PHILOX_W32_0 & LOW_32;
    private static final long W1 = Philox4x32.PHILOX_W32_1 & LOW_32;
    private static final long[] LANE_INDEX = new long[LANES];

    static {
        for (int lane = 0; lane < LANES; lane++) {
            LANE_INDEX[lane] = lane;
        }
    }

    private PhiloxVector() {
    }

    /** Whether the JIT has 512-bit vectors. Call only when the module is present. */
    static boolean hasWideVectors() {
        return LongVector.SPECIES_PREFERRED.vectorBitSize() >= SPECIES.vectorBitSize();
    }

    /**
     * The first count - count % LANES blocks of {@link Philox4x32#blocks}, same arguments.
     *
     * @return the number of blocks written, a multiple of {@link #LANES}
     */
    static int blocks(int c0, int c1, int c2, int c3, int k0, int k1, int count, long[] first, long[] second,
                      int offset) {
        long start = (long) c3 << 32 | (c2 & LOW_32);
        LongVector laneIndex = LongVector.fromArray(SPECIES, LANE_INDEX, 0);
        LongVector word0 = LongVector.broadcast(SPECIES, c0 & LOW_32);
        LongVector word1 = LongVector.broadcast(SPECIES, c1 & LOW_32);
        int done = 0;
        for (; done + LANES <= count; done += LANES) {
            LongVector counter = laneIndex.add(start + done);
            LongVector x0 = word0;
            LongVector x1 = word1;
            LongVector x2 = counter.and(LOW_32);
            LongVector x3 = counter.lanewise(VectorOperators.LSHR, 32);
            long key0 = k0 & LOW_32;
            long key1 = k1 & LOW_32;
            for (int round = 0; round < Philox4x32.ROUNDS; round++) {
                if (round > 0) {
                    key0 = (key0 + W0) & LOW_32;
                    key1 = (key1 + W1) & LOW_32;
                }
                LongVector product0 = x0.mul(M0);
                LongVector product1 = x2.mul(M1);
                x0 = product1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x1)
                        .lanewise(VectorOperators.XOR, key0);
                x1 = product1.and(LOW_32);
                x2 = product0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x3)
                        .lanewise(VectorOperators.XOR, key1);
                x3 = product0.and(LOW_32);
            }
            x1.lanewise(VectorOperators.LSHL, 32).or(x0).intoArray(first, offset + done);
            x3.lanewise(VectorOperators.LSHL, 32).or(x2).intoArray(second, offset + done);
        }
        return done;
    }
}
