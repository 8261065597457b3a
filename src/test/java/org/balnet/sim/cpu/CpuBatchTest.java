package org.balnet.sim.cpu;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.rng.Sampler;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Simulation;
import org.balnet.sim.SimulationBatch;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.TrajectoryRow;
import org.balnet.validate.ReplicaSeeds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched replicas ({@link CpuEngine#batch}, {@link SimulationBatch}, the batch {@link TimeLoop}) against the
 * same replicas run one by one: every row of every replica, its outcome and its final state the same bits,
 * on several thread counts, with replicas leaving the balanced state at different steps while the others go on.
 */
class CpuBatchTest {
    /** Two whole chunks and a partial one: a pass mixes replicas, populations and a short chunk. */
    private static final long N = 2L * CpuEngine.CHUNK + 17;
    private static final double H = 0.01;
    private static final int STEPS = 40;
    private static final int REPLICAS = 5;
    private static final long BASE_SEED = 11;

    private static Scenario scenario(long seed) {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(N);
        Scenario.RunSettings rs = base.run();
        return base.withRun(new Scenario.RunSettings(STEPS * H, rs.dt(), H, seed, rs.scheme()));
    }

    private static long seed(int r) {
        return ReplicaSeeds.of(BASE_SEED, N, r);
    }

    /** One replica's rows (every step is a record), its outcome and its final states [e, i]. */
    record Run(List<double[]> rows, RunStatus status, long steps, double[][] states) {
    }

    private static Run alone(Precision p, int r, int threads, Sampler sampler, double limit) {
        Scenario s = scenario(seed(r));
        List<double[]> rows = new ArrayList<>();
        try (Simulation sim = new Simulation(s, new CpuEngine(s, p, seed(r), threads, sampler), Scheme.SEMI_IMPLICIT,
                H, MV61_MEAN)) {
            TimeLoop loop = new TimeLoop(H, 1, limit);
            TimeLoop.Recorder rec = row -> rows.add(row.values());
            loop.recordIfDue(sim, rec);
            TimeLoop.Outcome o = loop.run(sim, STEPS, rec, x -> { }, () -> false);
            return new Run(rows, o.status(), o.steps(), states(sim.engine()));
        }
    }

    private static List<Run> batched(Precision p, int threads, Sampler sampler, double limit) {
        long[] seeds = new long[REPLICAS];
        List<Scenario> scenarios = new ArrayList<>();
        List<List<double[]>> rows = new ArrayList<>();
        List<TimeLoop.Recorder> recorders = new ArrayList<>();
        List<TimeLoop.StepListener> listeners = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
            seeds[r] = seed(r);
            scenarios.add(scenario(seeds[r]));
            List<double[]> mine = new ArrayList<>();
            rows.add(mine);
            recorders.add(row -> mine.add(row.values()));
            listeners.add(x -> { });
        }
        EngineBatch engines = CpuEngine.batch(scenarios.get(0), p, seeds, threads, sampler);
        try (SimulationBatch batch = SimulationBatch.start(scenarios, engines, Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            TimeLoop loop = new TimeLoop(H, 1, limit);
            for (int r = 0; r < REPLICAS; r++) {
                loop.recordIfDue(batch.get(r), recorders.get(r));
            }
            List<TimeLoop.Outcome> outcomes = loop.run(batch, STEPS, recorders, listeners, () -> false);
            List<Run> out = new ArrayList<>();
            for (int r = 0; r < REPLICAS; r++) {
                out.add(new Run(rows.get(r), outcomes.get(r).status(), outcomes.get(r).steps(),
                        states(batch.get(r).engine())));
            }
            return out;
        }
    }

    private static double[][] states(org.balnet.sim.Engine engine) {
        double[][] s = new double[2][(int) N];
        for (Population pop : Population.values()) {
            engine.readState(pop, 0, s[pop.index()], (int) N);
        }
        return s;
    }

    private static void assertSame(Run alone, Run batched, String what) {
        assertEquals(alone.status(), batched.status(), what + ": status");
        assertEquals(alone.steps(), batched.steps(), what + ": steps taken");
        assertEquals(alone.rows().size(), batched.rows().size(), what + ": rows");
        for (int k = 0; k < alone.rows().size(); k++) {
            assertArrayEquals(alone.rows().get(k), batched.rows().get(k), what + ": row " + k);
        }
        assertArrayEquals(alone.states()[0], batched.states()[0], what + ": final e states");
        assertArrayEquals(alone.states()[1], batched.states()[1], what + ": final i states");
    }

    /**
     * Five replicas batched on 1, 2 and 3 threads equal each replica run alone on one thread, bit for bit,
     * in both precisions and with both samplers; the imbalance limit is set between the replicas' largest
     * relative imbalances ({@link #relativeLimit}), so that some leave the balanced state (each at its own step) while the others go on to the end.
     */
    @Tag("slow")
    @ParameterizedTest
    @EnumSource(Precision.class)
    void batchedEqualsOneByOne(Precision p) {
        for (Sampler sampler : new Sampler[]{Sampler.TABLE, Sampler.PTRS}) {
            double limit = relativeLimit(p, sampler);
            List<Run> one = new ArrayList<>();
            for (int r = 0; r < REPLICAS; r++) {
                one.add(alone(p, r, 1, sampler, limit));
            }
            long left = one.stream().filter(x -> x.status() == RunStatus.LEFT_BALANCED_STATE).count();
            assertTrue(left > 0 && left < REPLICAS, "the limit should stop some replicas and not others: " + left
                    + " of " + REPLICAS + " left, " + p + ", " + sampler.key);
            for (int threads : new int[]{1, 2, 3}) {
                List<Run> together = batched(p, threads, sampler, limit);
                for (int r = 0; r < REPLICAS; r++) {
                    assertSame(one.get(r), together.get(r), p + ", " + sampler.key + ", " + threads
                            + " threads, replica " + r);
                }
            }
        }
    }

    /**
     * A relative-imbalance limit that splits the replicas: the median over replicas of each replica's largest
     * relative imbalance over the run (the quantity the departure test compares), found from runs without a limit.
     */
    private static double relativeLimit(Precision p, Sampler sampler) {
        double[] largest = new double[REPLICAS];
        for (int r = 0; r < REPLICAS; r++) {
            Scenario s = scenario(seed(r));
            try (Simulation sim = new Simulation(s, new CpuEngine(s, p, seed(r), 1, sampler), Scheme.SEMI_IMPLICIT, H,
                    MV61_MEAN)) {
                for (int k = 0; k <= STEPS; k++) {
                    Observables o = k == 0 ? sim.observables() : sim.step();
                    for (Population alpha : Population.values()) {
                        largest[r] = Math.max(largest[r], o.relativeImbalance(s, alpha));
                    }
                }
            }
        }
        Arrays.sort(largest);
        return 0.5 * (largest[REPLICAS / 2] + largest[REPLICAS / 2 - 1]);
    }

    /** Stepping through one replica's view moves that replica alone; the others keep their states. */
    @Test
    void aReplicaViewStepsItsReplicaAlone() {
        Scenario s = scenario(seed(0));
        long[] seeds = {seed(0), seed(1)};
        try (CpuEngine batch = CpuEngine.batch(s, Precision.FP64, seeds, 2, Sampler.TABLE);
             Simulation alone = new Simulation(scenario(seed(1)), new CpuEngine(s, Precision.FP64, seed(1), 1),
                     Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            Simulation first = new Simulation(scenario(seed(0)), batch.replica(0), Scheme.SEMI_IMPLICIT, H, MV61_MEAN);
            Simulation second = new Simulation(scenario(seed(1)), batch.replica(1), Scheme.SEMI_IMPLICIT, H, MV61_MEAN);
            double[][] before = states(batch.replica(0));
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(new TrajectoryRow(0, alone.step()).values(),
                        new TrajectoryRow(0, second.step()).values(), "replica 1 stepped alone, step " + k);
            }
            assertArrayEquals(before[0], states(batch.replica(0))[0], "replica 0 did not move");
            assertEquals(0, first.observables().step());
        }
    }

    /** An engine of several replicas is not an engine of one: its single-replica methods say so. */
    @Test
    void aBatchRefusesTheSingleReplicaCalls() {
        Scenario s = scenario(seed(0));
        try (CpuEngine batch = CpuEngine.batch(s, Precision.FP64, new long[]{1, 2}, 1, Sampler.TABLE)) {
            assertThrows(IllegalStateException.class, () -> batch.step(new org.balnet.sim.StepPlan()));
        }
    }
}
