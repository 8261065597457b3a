package org.balnet.rng;

import java.util.stream.IntStream;

/**
 * The four Poisson laws of one step, Poisson(λ_αβ) for target α and source β, prepared once on the
 * host, and the draw of one neuron's two counts from them under counter layout
 * {@value CounterRng#LAYOUT_VERSION}. Every engine and check that draws the O(n) step's counts goes
 * through here, so they cannot disagree on which word feeds which count.
 *
 * <ul>
 *   <li>{@link Sampler#TABLE}: one {@link PoissonTable} per pair. Neuron j of target α takes the two
 *       words of its step block, at (step, j, {@link CounterRng#streamStep}(α)): the first is the draw
 *       of N_αe, the second that of N_αi. A draw that escapes to a tail continues on the pair's stream
 *       {@link CounterRng#streamPair}(α, β).</li>
 *   <li>{@link Sampler#PTRS}: one {@link PoissonSampler.Prepared} per pair; N_αβ takes its uniforms
 *       from (step, j, streamPair(α, β)), draw 0, 1, ...</li>
 * </ul>
 * Immutable; shared by threads, each with its own pair of {@link CounterRng}s.
 *
 * <p>Twin: the sampling in {@code step_population} (kernels/step.cl).
 */
public final class PoissonStep {
    /**
     * From this λ on (tables of 12,000 cells and more, a millisecond or more to build) the four tables
     * are built in parallel (the common fork-join pool); below it handing them to other threads costs
     * more than it saves. The tables are the same either way.
     */
    static final double PARALLEL_BUILD_LAMBDA = 1e6;

    private final Sampler sampler;
    /** [target][source] for TABLE, else null. */
    private final PoissonTable[][] tables;
    /** [target][source] for PTRS, else null. */
    private final PoissonSampler.Prepared[][] prepared;

    private PoissonStep(Sampler sampler, PoissonTable[][] tables, PoissonSampler.Prepared[][] prepared) {
        this.sampler = sampler;
        this.tables = tables;
        this.prepared = prepared;
    }

    /**
     * Prepares the four laws of a step.
     *
     * @param sampler how to draw
     * @param lambda  λ_αβ, [target][source], each in [0, {@link PoissonSampler#MAX_LAMBDA}]
     * @throws IllegalArgumentException if a λ is NaN or outside that range
     */
    public static PoissonStep prepare(Sampler sampler, double[][] lambda) {
        if (sampler == Sampler.TABLE) {
            PoissonTable[][] t = new PoissonTable[2][2];
            IntStream pairs = IntStream.range(0, 4);
            double largest = Math.max(Math.max(lambda[0][0], lambda[0][1]), Math.max(lambda[1][0], lambda[1][1]));
            if (largest >= PARALLEL_BUILD_LAMBDA) {
                pairs = pairs.parallel();
            }
            pairs.forEach(p -> t[p / 2][p % 2] = PoissonTable.build(lambda[p / 2][p % 2]));
            return new PoissonStep(sampler, t, null);
        }
        PoissonSampler.Prepared[][] p = new PoissonSampler.Prepared[2][2];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                p[a][b] = new PoissonSampler.Prepared(lambda[a][b]);
            }
        }
        return new PoissonStep(sampler, null, p);
    }

    public Sampler sampler() {
        return sampler;
    }

    /** The table of pair (target, source); only for {@link Sampler#TABLE}. */
    public PoissonTable table(int target, int source) {
        return tables[target][source];
    }

    /** The prepared PTRS constants of pair (target, source); only for {@link Sampler#PTRS}. */
    public PoissonSampler.Prepared prepared(int target, int source) {
        return prepared[target][source];
    }

    /**
     * N_αe and N_αi of one neuron into counts[0], counts[1].
     *
     * @param rng    a generator with the run's seed (moved to the neuron's step block or PTRS stream)
     * @param second a second one (the escape or the inhibitory PTRS stream)
     * @param step   the step k, 0..{@link CounterRng#MAX_STEP}
     * @param neuron the neuron j
     * @param target α: 0 = E, 1 = I
     */
    public void draw(CounterRng rng, CounterRng second, long step, long neuron, int target, long[] counts) {
        // Twin of drawChunk for one neuron; both must give the same counts.
        if (tables != null) {
            rng.seek(step, neuron, CounterRng.streamStep(target));
            long wordE = rng.nextWord();
            long wordI = rng.nextWord();
            counts[0] = tables[target][0].sample(wordE, second, step, neuron, CounterRng.streamPair(target, 0));
            counts[1] = tables[target][1].sample(wordI, second, step, neuron, CounterRng.streamPair(target, 1));
        } else {
            CounterRng.seekPair(rng, second, step, neuron, CounterRng.streamPair(target, 0),
                    CounterRng.streamPair(target, 1));
            counts[0] = prepared[target][0].sample(rng);
            counts[1] = prepared[target][1].sample(second);
        }
    }

    /**
     * N_αe and N_αi of neurons first .. first + count - 1 into countsE[0 .. count) and countsI[0 .. count):
     * for each neuron exactly what {@link #draw} gives. The table sampler computes the chunk's step
     * blocks together ({@link CounterRng#stepWords}: several blocks per vector instruction where the
     * Vector API is on), into the count arrays, then turns each word into its count in place.
     */
    public void drawChunk(CounterRng rng, CounterRng second, long step, long first, int target, int count,
                          long[] countsE, long[] countsI) {
        if (tables == null) {
            long[] pair = new long[2];
            for (int i = 0; i < count; i++) {
                draw(rng, second, step, first + i, target, pair);
                countsE[i] = pair[0];
                countsI[i] = pair[1];
            }
            return;
        }
        rng.stepWords(step, first, target, count, countsE, countsI);
        PoissonTable tableE = tables[target][0];
        PoissonTable tableI = tables[target][1];
        int streamE = CounterRng.streamPair(target, 0);
        int streamI = CounterRng.streamPair(target, 1);
        for (int i = 0; i < count; i++) {
            countsE[i] = tableE.sample(countsE[i], second, step, first + i, streamE);
            countsI[i] = tableI.sample(countsI[i], second, step, first + i, streamI);
        }
    }
}
