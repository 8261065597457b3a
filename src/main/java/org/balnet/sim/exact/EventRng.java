package org.balnet.sim.exact;

import org.balnet.rng.CounterRng;
import org.balnet.rng.Philox4x32;

/**
 * The random numbers of the exact backend: Philox4x32-10 blocks addressed by what they decide (the
 * initial state of one neuron, or one candidate event of one step), so that a run is reproducible from
 * its seed and a run resumed at a step boundary draws exactly what the uninterrupted run draws. The
 * layout is this backend's own; it shares nothing with the tau-leaped engines' {@link CounterRng}
 * layout except the generator and the uniform conversion {@link CounterRng#toUniform}.
 *
 * <h2>Counter layout (the one place it is written down)</h2>
 * key: k0 = seed bits 0..31, k1 = seed bits 32..63. Counter words (c0, c1, c2, c3):
 * <ul>
 *   <li>initial state of neuron j of population p: (j, 0, p, {@link #INITIAL}); the block's two 64-bit
 *       words are the two uniforms of one Box-Muller normal;</li>
 *   <li>candidate number c (0, 1, ... within the step) of step k: (c bits 0..31, c bits 32..63, k,
 *       {@link #CANDIDATE_A}) and the same with {@link #CANDIDATE_B}: four 64-bit words, in order the
 *       waiting time, the choice of source bucket, member and acceptance level, the fraction of that
 *       level, and the target neuron;</li>
 *   <li>spare words of candidate c, used only when a bounded-integer draw rejects (probability below
 *       bound / 2^64, about 1e-10 at the largest n): (c bits 0..31, c bits 32..63, k,
 *       {@link #SPARE} + q), q = 0, 1, ..., two words per block.</li>
 * </ul>
 * Distinct addresses are distinct counters, hence independent blocks. A block's words are read as in
 * {@link CounterRng}: out[1] &lt;&lt; 32 | out[0], then out[3] &lt;&lt; 32 | out[2].
 *
 * <p>Not thread-safe; allocation-free after construction.
 */
final class EventRng {
    /** c3 of the initial-state blocks. */
    static final int INITIAL = 0;
    /** c3 of a candidate's first block: waiting time, selection. */
    static final int CANDIDATE_A = 1;
    /** c3 of a candidate's second block: acceptance fraction, target. */
    static final int CANDIDATE_B = 2;
    /** c3 of a candidate's first spare block; spare block q has c3 = SPARE + q. */
    static final int SPARE = 3;

    private static final long LOW_32 = 0xFFFF_FFFFL;
    private static final double TWO_PI = 2 * Math.PI;

    private final int key0;
    private final int key1;
    private final int[] blockA = new int[4];
    private final int[] blockB = new int[4];
    private final int[] spare = new int[4];
    private int c0;
    private int c1;
    private int c2;
    private int spareBlocks;
    private int spareWordsUsed;

    EventRng(long seed) {
        this.key0 = (int) seed;
        this.key1 = (int) (seed >>> 32);
    }

    /** A standard normal for the initial state of neuron j of population p (Box-Muller, as CounterRng). */
    double initialNormal(int population, long neuron) {
        Philox4x32.block((int) neuron, (int) (neuron >>> 32), population, INITIAL, key0, key1, blockA);
        double u1 = CounterRng.toUniform(word(blockA, 0));
        double u2 = CounterRng.toUniform(word(blockA, 1));
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2);
    }

    /** Generates the two blocks of candidate {@code candidate} of step {@code step}. */
    void candidate(long step, long candidate) {
        c0 = (int) candidate;
        c1 = (int) (candidate >>> 32);
        c2 = (int) step;
        Philox4x32.blockPair(c0, c1, c2, CANDIDATE_A, CANDIDATE_B, key0, key1, blockA, blockB);
        spareBlocks = 0;
        spareWordsUsed = 2;
    }

    /** The word of the waiting time. */
    long waitWord() {
        return word(blockA, 0);
    }

    /** The word of the choice of bucket, member and acceptance level. */
    long selectWord() {
        return word(blockA, 1);
    }

    /** The word of the fraction of the acceptance level. */
    long fractionWord() {
        return word(blockB, 0);
    }

    /** The word of the target neuron. */
    long targetWord() {
        return word(blockB, 1);
    }

    /**
     * An integer uniform on [0, bound), exactly: Lemire's multiply-and-reject ("Fast random integer
     * generation in an interval", ACM TOMACS 29, 2019) on 64-bit words. {@code word} is the first try;
     * a rejected try (probability below bound / 2^64) takes the candidate's next spare word.
     *
     * @param bound 1 .. 2^63 - 1
     */
    long below(long word, long bound) {
        long x = word;
        long low = x * bound;
        if (Long.compareUnsigned(low, bound) < 0) {
            // The 2^64 mod bound smallest products are the surplus that would bias the result.
            long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(low, threshold) < 0) {
                x = spareWord();
                low = x * bound;
            }
        }
        // High 64 bits of the unsigned product; bound < 2^63, so only x's sign needs correcting.
        return Math.multiplyHigh(x, bound) + ((x >> 63) & bound);
    }

    private long spareWord() {
        if (spareWordsUsed == 2) {
            Philox4x32.block(c0, c1, c2, SPARE + spareBlocks, key0, key1, spare);
            spareBlocks++;
            spareWordsUsed = 0;
        }
        return word(spare, spareWordsUsed++);
    }

    private static long word(int[] block, int i) {
        return (long) block[2 * i + 1] << 32 | (block[2 * i] & LOW_32);
    }
}
