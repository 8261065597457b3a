package org.balnet.rng;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per Poisson draw of each sampler, one thread, at the λ of networks from n = 50 to 5e11
 * (λ = h n Q with h Q near 0.01):
 * <ul>
 *   <li>{@code draw}: what an engine does per count ({@link PoissonStep#draw}, both counts of a neuron,
 *       time per count): the table sampler's half Philox block and lookup, or PTRS with its uniforms;</li>
 *   <li>{@code drawChunk}: the same a chunk of neurons at a time, as the CPU engine draws
 *       ({@link PoissonStep#drawChunk}: the table sampler's step blocks computed together, several per
 *       vector instruction with the Vector API);</li>
 *   <li>{@code lookup}: the table alone, on words drawn beforehand;</li>
 *   <li>{@code build}: one table, once per step and pair on the host (O(sqrt λ));</li>
 *   <li>{@code prepareStep}: the four tables of a step ({@link PoissonStep#prepare}, in parallel from
 *       λ = 1e6), all at this λ.</li>
 * </ul>
 * λ = 5e3 .. 5e6 are the λ of n = 1e6 .. 1e9 in mv-6.1 (h = 0.01, Q near 0.5). {@code lookup},
 * {@code build} and {@code prepareStep} do not depend on the sampler parameter: run them with
 * {@code -p sampler=table}. Run: {@code mvn -B -q -Pjmh test-compile exec:exec
 * -Djmh.args="PoissonSamplerBench"} (the jmh profile).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoissonSamplerBench {
    /** Neurons per invocation of {@code draw}: two counts each. */
    private static final int NEURONS = 1024;
    private static final int WORDS = 4096;

    @Param({"0.5", "5", "50", "5e3", "5e4", "5e5", "5e6", "5e9"})
    public double lambda;

    @Param({"table", "ptrs"})
    public String sampler;

    private PoissonStep laws;
    private PoissonTable table;
    private final CounterRng rng = new CounterRng(42);
    private final CounterRng second = new CounterRng(42);
    private final long[] counts = new long[2];
    private final long[] countsE = new long[NEURONS];
    private final long[] countsI = new long[NEURONS];
    private final long[] words = new long[WORDS];
    private long neuron;

    @Setup
    public void setUp() {
        laws = PoissonStep.prepare(Sampler.fromKey(sampler, "sampler"), new double[][]{{lambda, lambda}, {0, 0}});
        table = PoissonTable.build(lambda);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < WORDS; i++) {
            words[i] = random.nextLong();
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * NEURONS)
    public void draw(Blackhole hole) {
        long sum = 0;
        for (int i = 0; i < NEURONS; i++) {
            laws.draw(rng, second, 3, neuron++, 0, counts);
            sum += counts[0] + counts[1];
        }
        hole.consume(sum);
    }

    @Benchmark
    @OperationsPerInvocation(2 * NEURONS)
    public void drawChunk(Blackhole hole) {
        laws.drawChunk(rng, second, 3, neuron, 0, NEURONS, countsE, countsI);
        neuron += NEURONS;
        hole.consume(countsE);
        hole.consume(countsI);
    }

    @Benchmark
    @OperationsPerInvocation(WORDS)
    public void lookup(Blackhole hole) {
        long sum = 0;
        for (int i = 0; i < WORDS; i++) {
            sum += table.sample(words[i], second, 3, i, 4);
        }
        hole.consume(sum);
    }

    @Benchmark
    public PoissonTable build() {
        return PoissonTable.build(lambda);
    }

    @Benchmark
    public PoissonStep prepareStep() {
        return PoissonStep.prepare(Sampler.TABLE, new double[][]{{lambda, lambda}, {lambda, lambda}});
    }
}
