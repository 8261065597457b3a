package org.balnet.rng;

/**
 * A Philox4x32-10 stream addressed by (seed, step, neuron, stream): every random number of a run
 * has a fixed address, so thread counts, chunkings, backends and checkpoint/resume all see the
 * same numbers. Not thread-safe: use one instance per thread, {@link #seek} it to each address.
 * Allocation-free after construction.
 *
 * <h2>Counter layout, version {@value #LAYOUT_VERSION} (the one place it is written down; {@code kernels/philox.cl} refers here)</h2>
 * <ul>
 *   <li>key = the 64-bit seed: k0 = bits 0..31, k1 = bits 32..63;</li>
 *   <li>c0 = draw: the block index within one (step, neuron, stream), starting at 0 after
 *       {@link #seek} and incremented each time a block's two 64-bit words are used up;</li>
 *   <li>c1 = step: the time-step index, 32 bits; the initial condition uses step 0 with its own
 *       streams {@link #STREAM_INITIAL_E} and {@link #STREAM_INITIAL_I};</li>
 *   <li>c2 = neuron bits 0..31;</li>
 *   <li>c3 = neuron bits 32..55 | stream &lt;&lt; 24: neuron indices up to {@link #MAX_NEURON}
 *       (2^56 - 1), streams 0..255 ({@link #MAX_STREAM}).</li>
 * </ul>
 * Distinct addresses are distinct counters, hence independent blocks. The streams:
 * <ul>
 *   <li>0, 1: the standard normals of the initial condition of e and i (step 0);</li>
 *   <li>{@link #streamStep}(α) = 2 + α: the step block of neuron j of target α. With the
 *       {@link Sampler#TABLE table} sampler its two words are the draws of N_αe and N_αi
 *       ({@link PoissonTable}): one Philox block per neuron and step;</li>
 *   <li>{@link #streamPair}(α, β) = 4 + 2α + β: the pair's own sequence: {@link Sampler#PTRS ptrs}
 *       takes all its uniforms for N_αβ from it; the table sampler only when a draw escapes to a
 *       tail;</li>
 *   <li>8 + 2α + β: the per-synapse reference engine, neuron word j n + k (synapse k &rarr; j).</li>
 * </ul>
 * Version 1 (balnet 0.1.0) drew N_αβ from stream 2 + 2α + β with PTRS: two blocks per neuron-step
 * at least. A run's layout version is recorded in run.json and in its checkpoints, and a checkpoint
 * of another layout is refused: it would continue with other numbers.
 *
 * <h2>Uniform conversion</h2>
 * Each block out[0..3] gives two unsigned 64-bit words, first x = out[1] &lt;&lt; 32 | out[0], then
 * out[3] &lt;&lt; 32 | out[2]; words are consumed in that order and the next block (draw + 1) is
 * generated when both are used. A word x becomes u = ((x &gt;&gt;&gt; 12) + 0.5) * 2^-52, the
 * midpoint of one of 2^52 equal cells of [0, 1): every value is an exact double, the smallest is
 * 2^-53 and the largest 1 - 2^-53, so u lies strictly inside (0, 1) and log(u) is finite. (With
 * 53 bits, ((x &gt;&gt;&gt; 11) + 0.5) * 2^-53 would round to exactly 1.0 at x = 2^64 - 1, since
 * 1 - 2^-54 is not a double.)
 *
 * <p>Twin: the {@code counter_rng} struct and the {@code rng_*} functions in {@code kernels/philox.cl}.
 */
public final class CounterRng {
    /** Stream of the standard normals of the excitatory initial condition (6.5)-(6.6), at step 0. */
    public static final int STREAM_INITIAL_E = 0;
    /** Stream of the standard normals of the inhibitory initial condition (6.5)-(6.6), at step 0. */
    public static final int STREAM_INITIAL_I = 1;
    /** Largest neuron index the counter can hold (56 bits). */
    public static final long MAX_NEURON = (1L << 56) - 1;
    /** Largest stream number the counter can hold (8 bits). */
    public static final int MAX_STREAM = 255;
    /** Largest step index the counter can hold (32 bits, unsigned). */
    public static final long MAX_STEP = (1L << 32) - 1;
    /**
     * Version of the counter layout: which stream and word each random number of a run comes from.
     * Recorded in run.json and checkpoints; a change of it changes a run's numbers.
     */
    public static final int LAYOUT_VERSION = 2;
    private static final int STREAM_STEP_BASE = 2;
    private static final int STREAM_PAIR_BASE = 4;
    private static final int STREAM_SYNAPSE_BASE = 8;

    /** 2^-52: the width of one cell of the uniform conversion. */
    private static final double UNIFORM_CELL = 0x1.0p-52;
    /** Significant bits kept from a 64-bit word: 64 - 12 = 52. */
    private static final int UNIFORM_DROPPED_BITS = 12;
    private static final int STREAM_SHIFT = 24;
    private static final double TWO_PI = 2 * Math.PI;
    private static final long LOW_32 = 0xFFFF_FFFFL;
    /** {@link #wordsUsed} value of an empty block buffer. */
    private static final int WORDS_PER_BLOCK = 2;

    private final int key0;
    private final int key1;
    private int draw;
    private int step;
    private int neuronLow;
    private int neuronHighAndStream;
    private final int[] block = new int[4];
    private int wordsUsed = WORDS_PER_BLOCK;

    /**
     * The stream of the step block of target population α (counter layout 2): its two words are the
     * table sampler's draws of N_αe and N_αi, in that order.
     *
     * @param target population receiving the input: 0 = E, 1 = I
     * @return 2 + target
     */
    public static int streamStep(int target) {
        return STREAM_STEP_BASE + target;
    }

    /**
     * The pair's own stream, order αβ = target-source as everywhere: every uniform of a PTRS draw of
     * N_αβ, or the uniforms that complete a table draw that escaped to a tail.
     *
     * @param target population receiving the input: 0 = E, 1 = I
     * @param source population sending it: 0 = E, 1 = I
     * @return 4 + 2 * target + source, one of 4..7
     */
    public static int streamPair(int target, int source) {
        return STREAM_PAIR_BASE + 2 * target + source;
    }

    /**
     * The per-synapse reference engine's stream of the pair: the count of synapse k &rarr; j is drawn
     * at neuron word j n + k.
     *
     * @return 8 + 2 * target + source, one of 8..11
     */
    public static int streamSynapse(int target, int source) {
        return STREAM_SYNAPSE_BASE + 2 * target + source;
    }

    /**
     * The layout's version, stream numbers and uniform conversion as OpenCL {@code #define}s, for the
     * generated header of the kernels (philox.cl and the kernels that seek), so that they and this
     * class cannot disagree.
     */
    public static String openClDefines() {
        return new OpenClDefines("CounterRng: counter layout version " + LAYOUT_VERSION)
                .define("RNG_LAYOUT_VERSION", LAYOUT_VERSION)
                .define("RNG_STREAM_INITIAL_E", STREAM_INITIAL_E)
                .define("RNG_STREAM_INITIAL_I", STREAM_INITIAL_I)
                .raw("rng_stream_step(target)", "(" + STREAM_STEP_BASE + " + (target))")
                .raw("rng_stream_pair(target, source)", "(" + STREAM_PAIR_BASE + " + 2 * (target) + (source))")
                .define("RNG_STREAM_SHIFT", STREAM_SHIFT)
                .define("RNG_WORDS_PER_BLOCK", WORDS_PER_BLOCK)
                .define("RNG_UNIFORM_DROPPED_BITS", UNIFORM_DROPPED_BITS)
                .define("RNG_UNIFORM_CELL", UNIFORM_CELL)
                .define("RNG_TWO_PI", TWO_PI)
                .toString();
    }

    /**
     * @param seed the run's 64-bit seed, used as the Philox key (k0 = low 32 bits, k1 = high 32 bits)
     */
    public CounterRng(long seed) {
        this.key0 = (int) seed;
        this.key1 = (int) (seed >>> 32);
    }

    /**
     * Moves to the start of one address: draw := 0, buffered words discarded.
     *
     * @param step   time-step index, 0..{@link #MAX_STEP}
     * @param neuron neuron index, 0..{@link #MAX_NEURON}
     * @param stream stream number, 0..{@link #MAX_STREAM}
     * @throws IllegalArgumentException if an argument does not fit its counter field (it would alias
     *                                  another address)
     */
    public void seek(long step, long neuron, int stream) {
        // One branch on the hot path; the message is built only when it fails.
        if (((step >>> 32) | (neuron >>> 56) | (stream >>> 8)) != 0) {
            throw new IllegalArgumentException(outOfRange(step, neuron, stream));
        }
        this.step = (int) step;
        this.neuronLow = (int) neuron;
        this.neuronHighAndStream = (int) (neuron >>> 32) | stream << STREAM_SHIFT;
        this.draw = 0;
        this.wordsUsed = WORDS_PER_BLOCK;
    }

    /**
     * Seeks two streams to the same (step, neuron), each to its own stream, computing their first
     * blocks together ({@link Philox4x32#blockPair}); afterwards each behaves exactly as after
     * {@link #seek}. Both must have the same seed.
     */
    public static void seekPair(CounterRng a, CounterRng b, long step, long neuron, int streamA, int streamB) {
        a.seek(step, neuron, streamA);
        b.seek(step, neuron, streamB);
        Philox4x32.blockPair(0, a.step, a.neuronLow, a.neuronHighAndStream, b.neuronHighAndStream, a.key0, a.key1,
                a.block, b.block);
        a.draw = 1;
        a.wordsUsed = 0;
        b.draw = 1;
        b.wordsUsed = 0;
    }

    /**
     * The two words of the step blocks of neurons first .. first + count - 1 of target α (counter
     * layout 2, {@link #streamStep}), computed together ({@link Philox4x32#blocks}): first[i] and
     * second[i] are what {@link #seek}(step, first + i, streamStep(target)) and two {@link #nextWord}
     * give. Does not move this generator.
     *
     * @throws IllegalArgumentException if the step or a neuron does not fit its counter field
     */
    public void stepWords(long step, long first, int target, int count, long[] firstWords, long[] secondWords) {
        int stream = streamStep(target);
        if (((step >>> 32) | ((first + count - 1) >>> 56) | (first >>> 56)) != 0 || count < 0) {
            throw new IllegalArgumentException(outOfRange(step, Math.max(first, first + count - 1), stream));
        }
        Philox4x32.blocks(0, (int) step, (int) first, (int) (first >>> 32) | stream << STREAM_SHIFT, key0, key1,
                count, firstWords, secondWords, 0);
    }

    private static String outOfRange(long step, long neuron, int stream) {
        if ((step >>> 32) != 0) {
            return "step = " + step + ": must be in 0.." + MAX_STEP;
        }
        if ((neuron >>> 56) != 0) {
            return "neuron = " + neuron + ": must be in 0.." + MAX_NEURON;
        }
        return "stream = " + stream + ": must be in 0.." + MAX_STREAM;
    }

    /**
     * The next raw 64-bit word of this address (unsigned, in a {@code long}); {@link #nextUniform}
     * is {@link #toUniform} of it.
     */
    public long nextWord() {
        if (wordsUsed == WORDS_PER_BLOCK) {
            Philox4x32.block(draw, step, neuronLow, neuronHighAndStream, key0, key1, block);
            draw++;
            wordsUsed = 0;
        }
        int low = block[2 * wordsUsed];
        int high = block[2 * wordsUsed + 1];
        wordsUsed++;
        return (long) high << 32 | (low & LOW_32);
    }

    /**
     * The uniform conversion of the class comment.
     *
     * @param word an unsigned 64-bit word
     * @return ((word &gt;&gt;&gt; 12) + 0.5) * 2^-52, in [2^-53, 1 - 2^-53]
     */
    public static double toUniform(long word) {
        return ((word >>> UNIFORM_DROPPED_BITS) + 0.5) * UNIFORM_CELL;
    }

    /** The next uniform variate, strictly inside (0, 1); consumes one word. */
    public double nextUniform() {
        return toUniform(nextWord());
    }

    /**
     * The next standard normal variate by Box–Muller from two consecutive uniforms u1, u2:
     * sqrt(-2 ln u1) * cos(2π u2) (the sine partner is not used, so each normal has its own two
     * uniforms). StrictMath, so the values are the same on every JVM and platform.
     */
    public double nextNormal() {
        double u1 = nextUniform();
        double u2 = nextUniform();
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2);
    }
}
