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

    /** How {@link #blocks} computes, for a device description: "vector 512-bit" or "scalar". */
    public static String blocksImplementation() {
        return VECTOR ? "vector " + PhiloxVector.LANES * Long.SIZE + "-bit" : "scalar";
    }

    /**
     * Many blocks at once, as the per-neuron loop wants them: block b = 0 .. count-1 has counter
     * (c0, c1, c2', c3') where c3' 2^32 + c2' = (c3 2^32 + c2 + b) mod 2^64, i.e. the counter's upper
     * 64 bits count up (in CounterRng's layout: consecutive neurons). Its words go out as CounterRng
     * reads them: first[offset + b] = out[1] 2^32 + out[0], second[offset + b] = out[3] 2^32 + out[2],
     * unsigned in a long. The same bits as {@link #block}, but several times faster per block:
     * independent blocks are computed side by side, eight per vector instruction with the Vector API
     * when the JVM was started with {@code --add-modules jdk.incubator.vector} on a machine with
     * 512-bit vectors ({@link PhiloxVector}), else four interleaved in scalar code.
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

    /** Blocks from .. count-1 of {@link #blocks}, four at a time, then one at a time. */
    static void blocksScalar(int c0, int c1, int c2, int c3, int k0, int k1, int from, int count, long[] first,
                             long[] second, int offset) {
        long start = (long) c3 << 32 | (c2 & LOW_32);
        int b = from;
        for (; b + 4 <= count; b += 4) {
            fourBlocks(c0, c1, start + b, k0, k1, first, second, offset + b);
        }
        int[] out = new int[4];
        for (; b < count; b++) {
            long counter = start + b;
            block(c0, c1, (int) counter, (int) (counter >>> 32), k0, k1, out);
            first[offset + b] = (long) out[1] << 32 | (out[0] & LOW_32);
            second[offset + b] = (long) out[3] << 32 | (out[2] & LOW_32);
        }
    }

    /**
     * Four blocks with upper counters counter .. counter + 3, interleaved: a block is a chain of ten
     * dependent multiply rounds (latency-bound), four independent chains fill the pipelines.
     */
    private static void fourBlocks(int c0, int c1, long counter, int k0, int k1, long[] first, long[] second, int at) {
        int a0 = c0, a1 = c1, a2 = (int) counter, a3 = (int) (counter >>> 32);
        int b0 = c0, b1 = c1, b2 = (int) (counter + 1), b3 = (int) ((counter + 1) >>> 32);
        int d0 = c0, d1 = c1, d2 = (int) (counter + 2), d3 = (int) ((counter + 2) >>> 32);
        int e0 = c0, e1 = c1, e2 = (int) (counter + 3), e3 = (int) ((counter + 3) >>> 32);
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += PHILOX_W32_0;
                k1 += PHILOX_W32_1;
            }
            long pa0 = (PHILOX_M4x32_0 & LOW_32) * (a0 & LOW_32);
            long pa1 = (PHILOX_M4x32_1 & LOW_32) * (a2 & LOW_32);
            long pb0 = (PHILOX_M4x32_0 & LOW_32) * (b0 & LOW_32);
            long pb1 = (PHILOX_M4x32_1 & LOW_32) * (b2 & LOW_32);
            long pd0 = (PHILOX_M4x32_0 & LOW_32) * (d0 & LOW_32);
            long pd1 = (PHILOX_M4x32_1 & LOW_32) * (d2 & LOW_32);
            long pe0 = (PHILOX_M4x32_0 & LOW_32) * (e0 & LOW_32);
            long pe1 = (PHILOX_M4x32_1 & LOW_32) * (e2 & LOW_32);
            a0 = (int) (pa1 >>> 32) ^ a1 ^ k0;
            a1 = (int) pa1;
            a2 = (int) (pa0 >>> 32) ^ a3 ^ k1;
            a3 = (int) pa0;
            b0 = (int) (pb1 >>> 32) ^ b1 ^ k0;
            b1 = (int) pb1;
            b2 = (int) (pb0 >>> 32) ^ b3 ^ k1;
            b3 = (int) pb0;
            d0 = (int) (pd1 >>> 32) ^ d1 ^ k0;
            d1 = (int) pd1;
            d2 = (int) (pd0 >>> 32) ^ d3 ^ k1;
            d3 = (int) pd0;
            e0 = (int) (pe1 >>> 32) ^ e1 ^ k0;
            e1 = (int) pe1;
            e2 = (int) (pe0 >>> 32) ^ e3 ^ k1;
            e3 = (int) pe0;
        }
        first[at] = (long) a1 << 32 | (a0 & LOW_32);
        second[at] = (long) a3 << 32 | (a2 & LOW_32);
        first[at + 1] = (long) b1 << 32 | (b0 & LOW_32);
        second[at + 1] = (long) b3 << 32 | (b2 & LOW_32);
        first[at + 2] = (long) d1 << 32 | (d0 & LOW_32);
        second[at + 2] = (long) d3 << 32 | (d2 & LOW_32);
        first[at + 3] = (long) e1 << 32 | (e0 & LOW_32);
        second[at + 3] = (long) e3 << 32 | (e2 & LOW_32);
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
