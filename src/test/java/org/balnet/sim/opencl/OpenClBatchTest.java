package org.balnet.sim.opencl;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.SimulationBatch;
import org.balnet.sim.TimeLoop;
import org.balnet.validate.ReplicaSeeds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replicas on OpenCL advanced together (the batch {@link TimeLoop} over the one-launch engine of all of them,
 * {@link OpenClEngine#batch}, as {@code simulate --replicas} and {@code validate} build it on OpenCL; and over
 * separate engines stepped in turn, as a network split over several devices has them) against each replica run
 * alone on the same device: every row and the final states, bit for bit.
 */
@Tag("opencl")
class OpenClBatchTest {
    private static final long N = 3000;
    private static final double H = 0.01;
    private static final int STEPS = 20;
    private static final int REPLICAS = 3;

    private static Scenario scenario(long seed) {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(N);
        Scenario.RunSettings rs = base.run();
        return base.withRun(new Scenario.RunSettings(STEPS * H, rs.dt(), H, seed, rs.scheme()));
    }

    private static OpenClEngine engine(long seed) {
        return new OpenClEngine(scenario(seed), Precision.FP64, seed, Sampler.TABLE, OpenClTestDevice.device(),
                OpenClTestDevice.profile());
    }

    private static double[][] states(Engine engine) {
        double[][] s = new double[2][(int) N];
        for (Population pop : Population.values()) {
            engine.readState(pop, 0, s[pop.index()], (int) N);
        }
        return s;
    }

    @ParameterizedTest(name = "one launch: {0}")
    @ValueSource(booleans = {true, false})
    void batchedEqualsOneByOne(boolean oneLaunch) {
        OpenClTestDevice.device();
        long[] seeds = new long[REPLICAS];
        List<Scenario> scenarios = new ArrayList<>();
        List<OpenClEngine> engines = new ArrayList<>();
        List<List<double[]>> rows = new ArrayList<>();
        List<TimeLoop.Recorder> recorders = new ArrayList<>();
        List<TimeLoop.StepListener> listeners = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
            seeds[r] = ReplicaSeeds.of(4, N, r);
            scenarios.add(scenario(seeds[r]));
            engines.add(engine(seeds[r]));
            List<double[]> mine = new ArrayList<>();
            rows.add(mine);
            recorders.add(row -> mine.add(row.values()));
            listeners.add(x -> { });
        }
        TimeLoop loop = new TimeLoop(H, 1, Simulation.DEFAULT_IMBALANCE_LIMIT);
        EngineBatch engineBatch = EngineBatch.of(engines);
        if (oneLaunch) {
            engineBatch.close();
            engineBatch = OpenClEngine.batch(scenarios.get(0), Precision.FP64, seeds, Sampler.TABLE,
                    OpenClTestDevice.device(), OpenClTestDevice.profile());
        }
        try (SimulationBatch batch = SimulationBatch.start(scenarios, engineBatch, Scheme.SEMI_IMPLICIT, H,
                MV61_MEAN)) {
            for (int r = 0; r < REPLICAS; r++) {
                loop.recordIfDue(batch.get(r), recorders.get(r));
            }
            loop.run(batch, STEPS, recorders, listeners, () -> false);
            for (int r = 0; r < REPLICAS; r++) {
                List<double[]> alone = new ArrayList<>();
                try (Simulation sim = new Simulation(scenarios.get(r), engine(seeds[r]), Scheme.SEMI_IMPLICIT, H,
                        MV61_MEAN)) {
                    loop.recordIfDue(sim, row -> alone.add(row.values()));
                    loop.run(sim, STEPS, row -> alone.add(row.values()), x -> { }, () -> false);
                    assertEquals(alone.size(), rows.get(r).size(), "replica " + r + ": rows");
                    for (int k = 0; k < alone.size(); k++) {
                        assertArrayEquals(alone.get(k), rows.get(r).get(k), "replica " + r + ", row " + k);
                    }
                    double[][] a = states(sim.engine());
                    double[][] b = states(batch.get(r).engine());
                    assertArrayEquals(a[0], b[0], "replica " + r + ": final e states");
                    assertArrayEquals(a[1], b[1], "replica " + r + ": final i states");
                }
            }
        }
    }
}
