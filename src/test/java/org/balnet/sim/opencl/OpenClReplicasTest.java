package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;
import org.balnet.rng.Sampler;
import org.balnet.sim.CommonMode;
import org.balnet.sim.Observables;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.StepPlan;
import org.balnet.validate.ReplicaSeeds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Locale;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.balnet.sim.opencl.OpenClEngineTest.H;
import static org.balnet.sim.opencl.OpenClEngineTest.UNIT_VARIANCE;
import static org.balnet.sim.opencl.OpenClEngineTest.compareCounts;
import static org.balnet.sim.opencl.OpenClEngineTest.mv61;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-launch batch ({@link OpenClEngine#batch}) against each replica run alone on the one-replica
 * engine: per step every replica's Poisson counts (recorded by the device, and equal to the Java draws),
 * its sums and, at the end, its states and histograms, bit for bit. One replica leaves after a few steps
 * (no plan: it keeps its state) while the others go on. n is not a whole number of tiles, so the replicas'
 * blocks are padded.
 */
@Tag("opencl")
class OpenClReplicasTest {
    private static final int N = 10_000;
    private static final int REPLICAS = 3;
    private static final int STEPS = 8;
    /** The replica that leaves, and the step from which it has no plan. */
    private static final int LEAVER = 1;
    private static final int LEAVES_AT = 4;

    private static OpenClEngine.Options recording(boolean tablesInGlobal) {
        return new OpenClEngine.Options(0, true, 0, 0, tablesInGlobal);
    }

    @ParameterizedTest(name = "{0}, {1}, tables in global memory: {2}")
    @CsvSource({"FP64, TABLE, false", "FP32, TABLE, false", "FP64, TABLE, true", "FP64, PTRS, false",
            "FP32, PTRS, false"})
    void eachReplicaIsItsEngineAlone(Precision precision, Sampler sampler, boolean tablesInGlobal) {
        DeviceInfo device = OpenClTestDevice.device();
        Scenario s = mv61(N);
        long[] seeds = new long[REPLICAS];
        OpenClEngine[] alone = new OpenClEngine[REPLICAS];
        for (int r = 0; r < REPLICAS; r++) {
            seeds[r] = ReplicaSeeds.of(7, N, r);
        }
        try (OpenClEngine batch = new OpenClEngine(s, precision, seeds, sampler, device, OpenClTestDevice.profile(),
                recording(tablesInGlobal))) {
            for (int r = 0; r < REPLICAS; r++) {
                alone[r] = new OpenClEngine(s, precision, seeds[r], sampler, device, OpenClTestDevice.profile(),
                        recording(tablesInGlobal));
            }
            assertEquals(REPLICAS, batch.replicas());
            double[][] variance = new double[REPLICAS][];
            double[][] mean = new double[REPLICAS][];
            for (int r = 0; r < REPLICAS; r++) {
                mean[r] = MV61_MEAN;
                variance[r] = UNIT_VARIANCE;
            }
            PopulationSums[][] together = batch.initialize(mean, variance);
            Observables[] obs = new Observables[REPLICAS];
            for (int r = 0; r < REPLICAS; r++) {
                PopulationSums[] one = alone[r].initialize(MV61_MEAN, UNIT_VARIANCE);
                assertSame(one, together[r], "replica " + r + ", initial state");
                obs[r] = Observables.from(s, 0, 0, one, MV61_MEAN);
            }
            CommonMode commonMode = new CommonMode(s, Scheme.SEMI_IMPLICIT, H);
            double[][] held = states(batch, LEAVER);
            long compared = 0;
            for (int step = 0; step < STEPS; step++) {
                StepPlan[] plans = new StepPlan[REPLICAS];
                for (int r = 0; r < REPLICAS; r++) {
                    if (r == LEAVER && step >= LEAVES_AT) {
                        continue;
                    }
                    plans[r] = new StepPlan();
                    commonMode.plan(obs[r], step, plans[r]);
                }
                if (step == LEAVES_AT) {
                    held = states(batch, LEAVER);
                }
                PopulationSums[][] sums = batch.step(plans);
                for (int r = 0; r < REPLICAS; r++) {
                    if (plans[r] == null) {
                        assertNull(sums[r], "replica " + r + " sat out step " + step);
                        continue;
                    }
                    PopulationSums[] one = alone[r].step(plans[r]);
                    assertSame(one, sums[r], "replica " + r + ", step " + step);
                    for (Population alpha : Population.values()) {
                        assertArrayEquals(alone[r].readCounts(alpha, 0, N), batch.readCounts(r, alpha, 0, N),
                                "replica " + r + ", step " + step + ": counts of " + alpha.label);
                    }
                    compared += compareCounts(batch, r, plans[r], sampler, seeds[r], 0, N, step);
                    obs[r] = Observables.from(s, step + 1, (step + 1) * H, one, plans[r].centre);
                }
            }
            double[][] after = states(batch, LEAVER);
            assertArrayEquals(held[0], after[0], "the replica that left keeps its e states");
            assertArrayEquals(held[1], after[1], "the replica that left keeps its i states");
            for (int r = 0; r < REPLICAS; r++) {
                double[][] a = states(alone[r]);
                double[][] b = states(batch, r);
                for (Population alpha : Population.values()) {
                    assertArrayEquals(a[alpha.index()], b[alpha.index()], "replica " + r + ": final "
                            + alpha.label + " states");
                    assertArrayEquals(alone[r].histogram(alpha, -8, 4, 50), batch.histogram(r, alpha, -8, 4, 50),
                            "replica " + r + ": histogram of " + alpha.label);
                }
            }
            System.out.printf(Locale.ROOT, "OpenCL batch of %d replicas (%s, %s): sums, states and counts of each "
                    + "identical to its engine alone; %d counts identical to Java%n", REPLICAS, precision.key,
                    sampler.key, compared);
        } finally {
            for (OpenClEngine e : alone) {
                if (e != null) {
                    e.close();
                }
            }
        }
    }

    /** Replicas that do not fit the device are refused before anything is allocated, naming --replicas. */
    @Test
    void tooManyReplicasNameTheOption() {
        DeviceInfo device = OpenClTestDevice.device();
        BadInputException over = assertThrows(BadInputException.class, () -> OpenClEngine.batch(mv61(N),
                Precision.FP64, new long[OpenClEngine.MAX_REPLICAS + 1], Sampler.TABLE, device,
                OpenClTestDevice.profile()));
        assertTrue(over.getMessage().contains("--replicas"), over.getMessage());
        // Each replica fits; together they do not.
        long n = (long) (OpenClTestDevice.profile().memoryFraction() * device.globalMemory() / 2 / 8 / 4);
        BadInputException large = assertThrows(BadInputException.class, () -> OpenClEngine.batch(mv61(n),
                Precision.FP64, new long[8], Sampler.TABLE, device, OpenClTestDevice.profile()));
        assertEquals(InputError.TOO_LARGE, large.kind());
        assertTrue(large.getMessage().contains("--replicas 8 of n = " + n), large.getMessage());
    }

    /** validate's batch size: all that are wanted at small n; at large n the most that pass the engine's check. */
    @Test
    void replicasThatFitAreWhatTheEngineAccepts() {
        DeviceInfo device = OpenClTestDevice.device();
        HostProfile profile = OpenClTestDevice.profile();
        assertEquals(64, OpenClEngine.replicasThatFit(N, Precision.FP64, device, profile, 64));
        assertEquals(OpenClEngine.MAX_REPLICAS, OpenClEngine.replicasThatFit(N, Precision.FP64, device, profile,
                1000));
        long n = (long) (profile.memoryFraction() * device.globalMemory() / 2 / 8 / 5.5);
        int fit = OpenClEngine.replicasThatFit(n, Precision.FP64, device, profile, 64);
        assertEquals(5, fit, "n = " + n);
        BadInputException over = assertThrows(BadInputException.class, () -> OpenClEngine.batch(mv61(n),
                Precision.FP64, new long[fit + 1], Sampler.TABLE, device, profile));
        assertTrue(over.getMessage().contains("--replicas " + (fit + 1)), over.getMessage());
    }

    private static void assertSame(PopulationSums[] expected, PopulationSums[] actual, String what) {
        for (int p = 0; p < 2; p++) {
            String where = what + ", population " + p;
            assertEquals(expected[p].count, actual[p].count, where + ": count");
            assertEquals(Double.doubleToRawLongBits(expected[p].sum), Double.doubleToRawLongBits(actual[p].sum),
                    where + ": sum");
            assertEquals(Double.doubleToRawLongBits(expected[p].sumSq), Double.doubleToRawLongBits(actual[p].sumSq),
                    where + ": sum of squares");
            for (int b = 0; b < 2; b++) {
                assertEquals(Double.doubleToRawLongBits(expected[p].rate[b]),
                        Double.doubleToRawLongBits(actual[p].rate[b]), where + ": rate " + b);
                assertEquals(Double.doubleToRawLongBits(expected[p].slope[b]),
                        Double.doubleToRawLongBits(actual[p].slope[b]), where + ": slope " + b);
            }
        }
    }

    private static double[][] states(OpenClEngine engine) {
        double[][] s = new double[2][N];
        for (Population pop : Population.values()) {
            engine.readState(pop, 0, s[pop.index()], N);
        }
        return s;
    }

    private static double[][] states(OpenClEngine batch, int r) {
        double[][] s = new double[2][N];
        for (Population pop : Population.values()) {
            batch.readState(r, pop, 0, s[pop.index()], N);
        }
        return s;
    }
}
