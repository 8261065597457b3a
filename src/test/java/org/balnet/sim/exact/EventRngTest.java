package org.balnet.sim.exact;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.balnet.rng.Philox4x32;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact backend's addressing and its bounded integers. */
class EventRngTest {
    static final long SEED = 0x1234_5678_9ABCL;

    static long word(int[] block, int i) {
        return (long) block[2 * i + 1] << 32 | (block[2 * i] & 0xFFFF_FFFFL);
    }

    @Test
    void aCandidatesWordsAreTheBlocksOfItsAddress() {
        EventRng rng = new EventRng(SEED);
        long candidate = (5L << 32) | 17;
        rng.candidate(42, candidate);
        int[] a = new int[4];
        int[] b = new int[4];
        Philox4x32.block(17, 5, 42, EventRng.CANDIDATE_A, (int) SEED, (int) (SEED >>> 32), a);
        Philox4x32.block(17, 5, 42, EventRng.CANDIDATE_B, (int) SEED, (int) (SEED >>> 32), b);
        assertEquals(word(a, 0), rng.waitWord());
        assertEquals(word(a, 1), rng.selectWord());
        assertEquals(word(b, 0), rng.fractionWord());
        assertEquals(word(b, 1), rng.targetWord());
        rng.candidate(43, candidate);
        assertNotEquals(word(a, 0), rng.waitWord(), "another step, another block");
    }

    @Test
    void aRejectedWordIsReplacedByTheCandidatesSpareWords() {
        EventRng rng = new EventRng(SEED);
        rng.candidate(7, 3);
        int[] spare = new int[4];
        Philox4x32.block(3, 0, 7, EventRng.SPARE, (int) SEED, (int) (SEED >>> 32), spare);
        // bound 3: 2^64 mod 3 = 1, so the word 0 (product 0) is the one word rejected
        long x = word(spare, 0);
        long want = Math.multiplyHigh(x, 3) + ((x >> 63) & 3);
        assertEquals(want, rng.below(0, 3));
        long y = word(spare, 1);
        assertEquals(Math.multiplyHigh(y, 3) + ((y >> 63) & 3), rng.below(0, 3), "then the second spare word");
    }

    @Test
    void boundedIntegersAreInRangeAndUniform() {
        EventRng rng = new EventRng(SEED);
        int bound = 7;
        long[] counts = new long[bound];
        for (long c = 0; c < 70_000; c++) {
            rng.candidate(0, c);
            long k = rng.below(rng.selectWord(), bound);
            assertTrue(k >= 0 && k < bound, "k = " + k);
            counts[(int) k]++;
            long big = rng.below(rng.targetWord(), (1L << 62) + 12345);
            assertTrue(big >= 0 && big < (1L << 62) + 12345, "k = " + big);
        }
        double[] expected = new double[bound];
        java.util.Arrays.fill(expected, 70_000.0 / bound);
        double p = new ChiSquareTest().chiSquareTest(expected, counts);
        double alpha = 0.001;
        assertTrue(p > alpha, String.format(Locale.ROOT, "counts %s over [0, 7): chi-square p = %.3g <= alpha = %s",
                java.util.Arrays.toString(counts), p, alpha));
    }
}
