package org.balnet.sim.cpu;

import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * ns per neuron-step of the whole CPU step (draws, update, rates, sums) on one thread, which runs in
 * the benchmark's thread: mv-6.1 at n = 1e5 per population, fp64, from its initial condition.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CpuStepBench {
    public static final int N = 100_000;
    private static final long SEED = 1;

    private CpuEngine engine;
    private Simulation simulation;

    @Setup(Level.Trial)
    public void setUp() {
        Scenario scenario = ScenarioLoader.load("mv-6.1").withN(N);
        InitialPoint initial = InitialPoint.resolve(scenario);
        double h = StepSize.choose(scenario, initial.jacobian()).h();
        engine = new CpuEngine(scenario, Precision.FP64, SEED, 1);
        simulation = new Simulation(scenario, engine, scenario.run().scheme(), h, initial.mean());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simulation.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * N)
    public Object step() {
        return simulation.step();
    }
}
