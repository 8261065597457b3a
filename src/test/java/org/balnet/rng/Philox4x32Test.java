package org.balnet.rng;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Philox4x32Test {
    /**
     * The philox4x32 10-round known-answer vectors of Random123 (D. E. Shaw Research), file
     * {@code tests/kat_vectors}, release v1.14.0 of github.com/DEShawResearch/random123: counter
     * c0..c3, key k0 k1, expected out[0..3]. Shared with {@link OpenClTwinTest}.
     */
    static final int[][] KAT_VECTORS = {
            // zeros
            {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
                    0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
            // all ones
            {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
                    0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
            // pi digits
            {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
                    0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
    };

    @Test
    void knownAnswerVectors() {
        int[] out = new int[4];
        for (int[] v : KAT_VECTORS) {
            Philox4x32.block(v[0], v[1], v[2], v[3], v[4], v[5], out);
            assertArrayEquals(new int[]{v[6], v[7], v[8], v[9]}, out,
                    () -> "Philox4x32-10 of counter " + hex(v, 0, 4) + " key " + hex(v, 4, 6)
                            + ": got " + hex(out, 0, 4) + ", expected " + hex(v, 6, 10));
        }
    }

    /**
     * Commons RNG's Philox4x32 (1.7) is seeded {k0, k1, c0, c1, c2, c3} and increments the counter
     * (with carry) before each block, so its first block is block(c0 + 1, c1, c2, c3): with c0 = -1
     * and c1 = step - 1 it produces draws 0, 1, 2, ... of address (step, ·) in order.
     */
    @Test
    void agreesWithCommonsRngPhilox() {
        SplittableRandom words = new SplittableRandom(20240517L);
        int[] out = new int[4];
        for (int trial = 0; trial < 200; trial++) {
            int k0 = words.nextInt();
            int k1 = words.nextInt();
            int c1 = words.nextInt(1, Integer.MAX_VALUE);
            int c2 = words.nextInt();
            int c3 = words.nextInt();
            org.apache.commons.rng.core.source32.Philox4x32 reference =
                    new org.apache.commons.rng.core.source32.Philox4x32(new int[]{k0, k1, -1, c1 - 1, c2, c3});
            for (int draw = 0; draw < 5; draw++) {
                Philox4x32.block(draw, c1, c2, c3, k0, k1, out);
                for (int w = 0; w < 4; w++) {
                    assertEquals(out[w], reference.nextInt(),
                            "trial " + trial + ", draw " + draw + ", word " + w);
                }
            }
        }
    }

    /** The same through CounterRng: its raw words are Commons RNG's ints, two at a time. */
    @Test
    void counterRngWordsAgreeWithCommonsRngStream() {
        long seed = 0x0123_4567_89AB_CDEFL;
        long step = 77;
        long neuron = (5L << 32) + 3;
        int stream = CounterRng.streamStep(1);
        CounterRng rng = new CounterRng(seed);
        rng.seek(step, neuron, stream);
        int c3 = (int) (neuron >>> 32) | stream << 24;
        org.apache.commons.rng.core.source32.Philox4x32 reference = new org.apache.commons.rng.core.source32.Philox4x32(
                new int[]{(int) seed, (int) (seed >>> 32), -1, (int) step - 1, (int) neuron, c3});
        for (int i = 0; i < 1000; i++) {
            long low = reference.nextInt() & 0xFFFF_FFFFL;
            long high = reference.nextInt() & 0xFFFF_FFFFL;
            assertEquals(high << 32 | low, rng.nextWord(), "word " + i);
        }
    }

    /** Counters of {@link Philox4x32#blocks}: its upper 64 bits, c3 2^32 + c2, count up from there, wrapping. */
    private static final long[] BLOCK_STARTS = {0, 5, (1L << 32) - 3, -7, 0x0123_4567_89AB_CDEFL};
    /** Counts that leave every remainder of the vector path's 8-block step. */
    private static final int[] BLOCK_COUNTS = {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 4096 + 5};

    /** {@link Philox4x32#blocks} (vector or scalar, whichever this JVM runs) against {@link Philox4x32#block}. */
    @Test
    void blocksEqualSingleBlocks() {
        System.out.println("Philox4x32.blocks on this JVM: " + Philox4x32.blocksImplementation());
        checkBlocks((c0, c1, c2, c3, k0, k1, count, first, second, offset) ->
                Philox4x32.blocks(c0, c1, c2, c3, k0, k1, count, first, second, offset));
    }

    /** The scalar path by itself, which runs wherever the Vector API module is absent. */
    @Test
    void scalarBlocksEqualSingleBlocks() {
        checkBlocks((c0, c1, c2, c3, k0, k1, count, first, second, offset) ->
                Philox4x32.blocksScalar(c0, c1, c2, c3, k0, k1, 0, count, first, second, offset));
    }

    /** The known-answer vectors through blocks of one. */
    @Test
    void knownAnswerVectorsThroughBlocks() {
        for (int[] v : KAT_VECTORS) {
            long[] first = new long[9];
            long[] second = new long[9];
            // Eight blocks ending at the vector's counter, so a vector path computes it in its last lane.
            long end = (long) v[3] << 32 | (v[2] & 0xFFFF_FFFFL);
            long start = end - 7;
            Philox4x32.blocks(v[0], v[1], (int) start, (int) (start >>> 32), v[4], v[5], 8, first, second, 1);
            assertEquals((long) v[7] << 32 | (v[6] & 0xFFFF_FFFFL), first[8], "KAT word 0 via blocks");
            assertEquals((long) v[9] << 32 | (v[8] & 0xFFFF_FFFFL), second[8], "KAT word 1 via blocks");
        }
    }

    private interface Blocks {
        void fill(int c0, int c1, int c2, int c3, int k0, int k1, int count, long[] first, long[] second, int offset);
    }

    private static void checkBlocks(Blocks blocks) {
        SplittableRandom random = new SplittableRandom(99);
        int[] out = new int[4];
        for (long start : BLOCK_STARTS) {
            for (int count : BLOCK_COUNTS) {
                int c0 = random.nextInt();
                int c1 = random.nextInt();
                int k0 = random.nextInt();
                int k1 = random.nextInt();
                int offset = random.nextInt(3);
                long[] first = new long[offset + count + 1];
                long[] second = new long[offset + count + 1];
                first[offset + count] = 42;
                blocks.fill(c0, c1, (int) start, (int) (start >>> 32), k0, k1, count, first, second, offset);
                for (int b = 0; b < count; b++) {
                    long counter = start + b;
                    Philox4x32.block(c0, c1, (int) counter, (int) (counter >>> 32), k0, k1, out);
                    String where = "start " + Long.toHexString(start) + ", count " + count + ", block " + b;
                    assertEquals((long) out[1] << 32 | (out[0] & 0xFFFF_FFFFL), first[offset + b], where + ", word 0");
                    assertEquals((long) out[3] << 32 | (out[2] & 0xFFFF_FFFFL), second[offset + b], where + ", word 1");
                }
                assertEquals(42, first[offset + count], "blocks wrote past count " + count);
            }
        }
    }

    private static String hex(int[] words, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(i > from ? " " : "").append(String.format("%08x", words[i]));
        }
        return s.toString();
    }
}
