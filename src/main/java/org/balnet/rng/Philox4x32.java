package org.balnet.rng;

/**
 * The Philox4x32-10 counter-based generator (Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC'11; the constants and round structure of Random123's {@code philox.h}).
 * A pure function: a 128-bit counter and a 64-bit key give 128 random bits, so any draw can be
 * addressed directly (see {@link CounterRng} for how balnet lays out the counter).
 *
 * <p>Twin: {@code kernels/philox.cl}, function {@code philox4x32_10}.
 */
public final class Philox4x32 {
    /** Number of rounds; 10 is Random123's default and the variant of its known-answer vectors. */
    public static final int ROUNDS = 10;

    /** Round multipliers PHILOX_M4x32_0 and PHILOX_M4x32_1 (Random123). */
    static final int PHILOX_M4x32_0 = 0xD2511F53;
    static final int PHILOX_M4x32_1 = 0xCD9E8D57;
    /** Weyl key increments: PHILOX_W32_0 is the golden ratio, PHILOX_W32_1 is sqrt(3) - 1, both times 2^32. */
    static final int PHILOX_W32_0 = 0x9E3779B9;
    static final int PHILOX_W32_1 = 0xBB67AE85;

    private static final long LOW_32 = 0xFFFF_FFFFL;
    /** Whether {@link #blocks} uses {@link PhiloxVector}: the module is present and vectors are 512-bit. */
    private static final boolean VECTOR = ModuleLayer.boot().findModule(PhiloxVector.MODULE).isPresent()
            && PhiloxVector.hasWideVectors(); // the module's classes are touched only after the first test

    private Philox4x32() {
    }

    /** The rounds and the round constants, for the generated header of the kernels (philox.cl). */
    public static String openClDefines() {
        return new OpenClDefines("Philox4x32")
                .define("PHILOX4X32_ROUNDS", ROUNDS)
                .defineUint("PHILOX_M4x32_0", PHILOX_M4x32_0)
                .defineUint("PHILOX_M4x32_1", PHILOX_M4x32_1)
                .defineUint("PHILOX_W32_0", PHILOX_W32_0)
                .defineUint("PHILOX_W32_1", PHILOX_W32_1)
                .toString();
    }

    /** How {@link #blocks} computes, for a device description: "vector 512-bit" or "scalar". */
    public static String blocksImplementation() {
        return VECTOR ? "vector " + PhiloxVector.LANES * Long.SIZE + "-bit" : "scalar";
    }

    /**
     * Many blocks at once, as the per-neuron loop wants them: block b = 0 .. count-1 has counter
     * (c0, c1, c2', c3') where c3' 2^32 + c2' = (c3 2^32 + c2 + b) mod 2^64, i.e. the counter's upper
     * 64 bits count up (in CounterRng's layout: consecutive neurons). Its words go out as CounterRng
     * reads them: first[offset + b] = out[1] 2^32 + out[0], second[offset + b] = out[3] 2^32 + out[2],
     * unsigned in a long. The same bits as {@link #block}; when the JVM was started with
     * {@code --add-modules jdk.incubator.vector} on a machine with 512-bit vectors, about six times
     * faster per block: eight blocks side by side per vector instruction ({@link PhiloxVector}). Else
     * one {@link #block} after another. No OpenCL twin: there each work-item computes its own block.
     *
     * @param count  number of blocks, &ge; 0
     * @param first  receives the first word of each block at [offset, offset + count)
     * @param second receives the second word of each block at [offset, offset + count)
     */
    public static void blocks(int c0, int c1, int c2, int c3, int k0, int k1, int count, long[] first, long[] second,
                              int offset) {
        int done = VECTOR ? PhiloxVector.blocks(c0, c1, c2, c3, k0, k1, count, first, second, offset) : 0;
        blocksScalar(c0, c1, c2, c3, k0, k1, done, count, first, second, offset);
    }

    /**
     * Blocks from .. count-1 of {@link #blocks}, one at a time. (Four interleaved in scalar code were
     * only 10% faster per block, measured with PhiloxBench: not worth a fourth copy of the round.)
     */
    static void blocksScalar(int c0, int c1, int c2, int c3, int k0, int k1, int from, int count, long[] first,
                             long[] second, int offset) {
        long start = (long) c3 << 32 | (c2 & LOW_32);
        int[] out = new int[4];
        for (int b = from; b < count; b++) {
            long counter = start + b;
            block(c0, c1, (int) counter, (int) (counter >>> 32), k0, k1, out);
            first[offset + b] = (long) out[1] << 32 | (out[0] & LOW_32);
            second[offset + b] = (long) out[3] << 32 | (out[2] & LOW_32);
        }
    }

    /**
     * One Philox4x32-10 block. All words are unsigned 32-bit values carried in Java {@code int}s.
     *
     * @param c0  counter word 0 (least significant)
     * @param c1  counter word 1
     * @param c2  counter word 2
     * @param c3  counter word 3 (most significant)
     * @param k0  key word 0 (least significant)
     * @param k1  key word 1
     * @param out receives the four output words out[0..3], in Random123's order; length &ge; 4
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += PHILOX_W32_0;
                k1 += PHILOX_W32_1;
            }
            // philox4x32round: two 32x32 -> 64-bit products, the high halves mixed with the
            // other two words and the key, the low halves passed on.
            long product0 = (PHILOX_M4x32_0 & LOW_32) * (c0 & LOW_32);
            long product1 = (PHILOX_M4x32_1 & LOW_32) * (c2 & LOW_32);
            int hi0 = (int) (product0 >>> 32);
            int lo0 = (int) product0;
            int hi1 = (int) (product1 >>> 32);
            int lo1 = (int) product1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /**
     * Two blocks whose counters differ only in word c3, computed together: each block is a chain of
     * ten dependent multiply rounds (latency-bound), so interleaving two independent chains nearly
     * halves their cost. Results are exactly those of two {@link #block} calls.
     *
     * @param c3a  counter word 3 of the first block
     * @param c3b  counter word 3 of the second block
     * @param outA receives the first block
     * @param outB receives the second block
     */
    public static void blockPair(int c0, int c1, int c2, int c3a, int c3b, int k0, int k1, int[] outA, int[] outB) {
        int a0 = c0, a1 = c1, a2 = c2, a3 = c3a;
        int b0 = c0, b1 = c1, b2 = c2, b3 = c3b;
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += PHILOX_W32_0;
                k1 += PHILOX_W32_1;
            }
            long pa0 = (PHILOX_M4x32_0 & LOW_32) * (a0 & LOW_32);
            long pa1 = (PHILOX_M4x32_1 & LOW_32) * (a2 & LOW_32);
            long pb0 = (PHILOX_M4x32_0 & LOW_32) * (b0 & LOW_32);
            long pb1 = (PHILOX_M4x32_1 & LOW_32) * (b2 & LOW_32);
            a0 = (int) (pa1 >>> 32) ^ a1 ^ k0;
            a1 = (int) pa1;
            a2 = (int) (pa0 >>> 32) ^ a3 ^ k1;
            a3 = (int) pa0;
            b0 = (int) (pb1 >>> 32) ^ b1 ^ k0;
            b1 = (int) pb1;
            b2 = (int) (pb0 >>> 32) ^ b3 ^ k1;
            b3 = (int) pb0;
        }
        outA[0] = a0;
        outA[1] = a1;
        outA[2] = a2;
        outA[3] = a3;
        outB[0] = b0;
        outB[1] = b1;
        outB[2] = b2;
        outB[3] = b3;
    }
}
