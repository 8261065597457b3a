package org.balnet.validate;

import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.OpenClTestDevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Replica#simulateAll}, which validate and reproduce use, against {@link Replica#simulate} one replica at
 * a time: the same rows, histograms, outcomes and seeds, bit for bit.
 */
class BatchedReplicasTest {
    @Test
    void replicasTogetherEqualReplicasOneByOne() {
        List<Replica.Spec> specs = specs("cpu", DeviceRequest.defaults());
        assertTrue(Replica.batchSize("cpu", specs.get(0).scenario().n(), Precision.FP64, specs.size()) > 1,
                "the heap holds several replicas of n = 3000: they are batched");
        assertTogetherEqualOneByOne(specs);
    }

    /** On OpenCL the replicas of a batch share one engine, one launch per step ({@code OpenClEngine.batch}). */
    @Test
    @Tag("opencl")
    void openClReplicasTogetherEqualReplicasOneByOne() {
        OpenClTestDevice.device();
        List<Replica.Spec> specs = specs("opencl", DeviceRequest.fromEnvironment(OpenClTestDevice.profile()));
        assertEquals(specs.size(), Replica.openClBatchSize(specs.get(0), specs.size()),
                "the device holds all the replicas of n = 3000: one batch");
        assertTogetherEqualOneByOne(specs);
    }

    private static List<Replica.Spec> specs(String backend, DeviceRequest devices) {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(3000);
        InitialPoint initial = InitialPoint.resolve(base);
        List<Replica.Spec> specs = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            Scenario s = base.withRun(new Scenario.RunSettings(0.3, OptionalDouble.empty(), 0.05,
                    ReplicaSeeds.of(9, base.n(), r), base.run().scheme()));
            specs.add(new Replica.Spec(s, initial, backend, Precision.FP64, Sampler.TABLE, devices, 2,
                    org.balnet.sim.Simulation.DEFAULT_IMBALANCE_LIMIT, new long[]{2, 6}));
        }
        return specs;
    }

    private static void assertTogetherEqualOneByOne(List<Replica.Spec> specs) {
        List<Replica> together = Replica.simulateAll(specs, Replica.QUIET);
        for (int r = 0; r < specs.size(); r++) {
            Replica alone = Replica.simulate(specs.get(r), r, Replica.QUIET);
            Replica batched = together.get(r);
            String what = "replica " + r;
            assertEquals(alone.index(), batched.index(), what);
            assertEquals(alone.seed(), batched.seed(), what);
            assertEquals(alone.status(), batched.status(), what);
            assertEquals(alone.steps(), batched.steps(), what);
            assertEquals(alone.rows().size(), batched.rows().size(), what);
            for (int k = 0; k < alone.rows().size(); k++) {
                assertArrayEquals(alone.rows().get(k).values(), batched.rows().get(k).values(), what + ", row " + k);
            }
            assertEquals(4, batched.histograms().size(), what + ": both populations at two times");
            for (int k = 0; k < alone.histograms().size(); k++) {
                StateHistogram a = alone.histograms().get(k);
                StateHistogram b = batched.histograms().get(k);
                assertEquals(List.of(a.population(), a.time(), a.lo(), a.hi(), a.sampleMean(), a.sampleVariance()),
                        List.of(b.population(), b.time(), b.lo(), b.hi(), b.sampleMean(), b.sampleVariance()),
                        what + ", histogram " + k);
                assertArrayEquals(a.counts(), b.counts(), what + ", histogram " + k + " counts");
            }
        }
    }
}
