package org.balnet.validate.study;

import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.Precision;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.validate.Replica;
import org.balnet.validate.StateHistogram;
import org.balnet.validate.Validation;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small studies on the Java engine for the tests of this package, and how to compare their replicas. */
final class Studies {
    private Studies() {
    }

    /**
     * A study of {@code scenario} at {@code sizes}, T = tEnd recorded every {@code every}, Gaussianity at
     * {@code gaussTimes}, on the Java engine with one thread, base seed 7.
     */
    static Validation.Config config(String scenario, long[] sizes, int replicas, double tEnd, double every,
                                    double[] gaussTimes) {
        Scenario s = ScenarioLoader.load(scenario);
        Scenario.RunSettings r = s.run();
        s = s.withRun(new Scenario.RunSettings(tEnd, r.dt(), every, 7, r.scheme()));
        return new Validation.Config(s, sizes, replicas, 7, "cpu", Precision.FP64, Sampler.DEFAULT,
                DeviceRequest.defaults(), 1,
                Math.min(1.0, tEnd / 2), gaussTimes, Validation.DEFAULT_ALPHA, 0.5);
    }

    /** The study directory of {@code c}, planned with {@code perShard} replicas per shard. */
    static Manifest plan(Path dir, Validation.Config c, int perShard, Double checkpointEvery) {
        return StudyPlan.write(dir, false, c, new StudyPlan.Request("auto", null, 1, checkpointEvery, perShard,
                "balnet validate (test)"));
    }

    /**
     * A stop request that comes after {@code steps} steps: RecordedRun polls once before the first step,
     * then after every step.
     */
    static BooleanSupplier stopAfter(long steps) {
        long[] polls = {0};
        return () -> ++polls[0] > steps;
    }

    static final BooleanSupplier NEVER = () -> false;

    /** A log that keeps what it is told, for messages in assertions. */
    static final class Log {
        final StringWriter text = new StringWriter();
        final PrintWriter writer = new PrintWriter(text, true);

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** Everything of two replicas but their wall times: rows (t, step, every value) and histograms. */
    static void assertSameReplica(Replica expected, Replica actual) {
        String who = "replica " + expected.index() + " at n = " + expected.n() + ": ";
        assertEquals(expected.n(), actual.n(), who + "n");
        assertEquals(expected.index(), actual.index(), who + "index");
        assertEquals(expected.seed(), actual.seed(), who + "seed");
        assertEquals(expected.status(), actual.status(), who + "status");
        assertEquals(expected.message(), actual.message(), who + "message");
        assertEquals(expected.h(), actual.h(), who + "h");
        assertEquals(expected.backend(), actual.backend(), who + "backend");
        assertEquals(expected.device(), actual.device(), who + "device");
        assertEquals(expected.steps(), actual.steps(), who + "steps");
        assertEquals(expected.rows().size(), actual.rows().size(), who + "rows");
        for (int i = 0; i < expected.rows().size(); i++) {
            TrajectoryRow a = expected.rows().get(i);
            TrajectoryRow b = actual.rows().get(i);
            assertEquals(a.observables().step(), b.observables().step(), who + "step of row " + i);
            assertEquals(a.observables().time(), b.observables().time(), who + "time of row " + i);
            assertArrayEquals(a.values(), b.values(), who + "row " + i + " at t = " + a.t());
        }
        assertEquals(expected.histograms().size(), actual.histograms().size(), who + "histograms");
        for (int i = 0; i < expected.histograms().size(); i++) {
            StateHistogram a = expected.histograms().get(i);
            StateHistogram b = actual.histograms().get(i);
            String h = who + "histogram " + i + " (u_" + a.population().label + " at t = " + a.time() + "): ";
            assertEquals(a.population(), b.population(), h + "population");
            assertEquals(a.time(), b.time(), h + "time");
            assertEquals(a.lo(), b.lo(), h + "lo");
            assertEquals(a.hi(), b.hi(), h + "hi");
            assertEquals(a.sampleMean(), b.sampleMean(), h + "mean");
            assertEquals(a.sampleVariance(), b.sampleVariance(), h + "variance");
            assertArrayEquals(a.counts(), b.counts(), h + "counts");
        }
    }
}
