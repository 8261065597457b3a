package org.balnet.sim.cpu;

import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scenario;
import org.balnet.sim.PopulationSums;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * ns per neuron of {@link RateTable#accumulate}: both targets' rates and slopes of one source state,
 * over one chunk of states spread as in mv-6.1 (normal around -1.3, variance 1), for mv-6.1's rate
 * functions and for the same with the logistic or erf in place of tanh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateTableBench {
    public static final int NEURONS = CpuEngine.CHUNK;

    /** mv-6.1's rate functions, with every family replaced by this one (tanh: mv-6.1 itself). */
    @Param({"tanh", "logistic", "erf"})
    public String family;

    private RateTable rates;
    private final double[] states = new double[NEURONS];
    private final double[] sums = new double[PopulationSums.WIDTH];

    @Setup
    public void setUp() {
        rates = new RateTable(scenario(family));
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < NEURONS; i++) {
            states[i] = -1.3 + nextGaussian(random);
        }
    }

    /** mv-6.1 with every rate family replaced: the same amplitudes, offsets and slopes. */
    static Scenario scenario(String family) {
        try (InputStream in = RateTableBench.class.getResourceAsStream(ScenarioLoader.BUILTIN_PREFIX + "mv-6.1.toml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ScenarioLoader.parse(text.replace("family = \"tanh\"", "family = \"" + family + "\""),
                    "mv-6.1 with " + family, "mv-6.1-" + family);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double nextGaussian(SplittableRandom random) {
        double u1 = random.nextDouble(), u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Benchmark
    @OperationsPerInvocation(NEURONS)
    public double accumulateSourceE() {
        double[] s = sums;
        for (int i = 0; i < NEURONS; i++) {
            rates.accumulate(s, 0, states[i]);
        }
        return s[PopulationSums.SLOPE_I];
    }

    @Benchmark
    @OperationsPerInvocation(NEURONS)
    public double accumulateSourceI() {
        double[] s = sums;
        for (int i = 0; i < NEURONS; i++) {
            rates.accumulate(s, 1, states[i]);
        }
        return s[PopulationSums.SLOPE_I];
    }
}
