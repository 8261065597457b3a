package org.balnet.sim.run;

import com.fasterxml.jackson.jr.ob.JSON;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.ForwardingEngine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.StepPlan;
import org.balnet.sim.StepSize;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.balnet.sim.monitor.MonitorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run lifecycle without a command line: resume byte for byte, the checkpoint cadence, interruption
 * and the states of run.json.
 */
class RecordedRunTest {
    static final PrintWriter QUIET = new PrintWriter(Writer.nullWriter());
    static final EngineFactory ENGINES = (backend, s, precision, sampler, threads, h) ->
            Backends.create(backend, s, precision, s.run().seed(), sampler, threads, h, QUIET);
    /** mv-6.1 at this n has h = 0.01: a step is 0.01 of time, a record interval is one step. */
    static final long N = 2000;
    static final double RECORD_EVERY = 0.01;

    @TempDir
    Path tmp;

    /** mv-6.1, seed 3, to tEnd, with a checkpoint every {@code every} of simulated time (null: none). */
    static RunConfig config(double tEnd, Double every, double imbalanceLimit) {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(N);
        Scenario s = base.withRun(new Scenario.RunSettings(tEnd, OptionalDouble.empty(), RECORD_EVERY, 3,
                base.run().scheme()));
        InitialPoint init = InitialPoint.resolve(s);
        StepSize.Choice step = StepSize.choose(s, init.jacobian());
        return new RunConfig(s, init, step, "cpu", Precision.FP64, Sampler.DEFAULT, 2, imbalanceLimit, false,
                RunConfig.checkpointSteps(every, s, step), MonitorConfig.NONE);
    }

    static RunConfig config(double tEnd, Double every) {
        return config(tEnd, every, 0.5);
    }

    static RecordedRun.Result run(Path dir, RunConfig config) {
        try (RecordedRun run = RecordedRun.start(dir, false, config, ENGINES, QUIET)) {
            return run.run(s -> { }, () -> false);
        }
    }

    static Resume resumeTo(Double tEnd) {
        return new Resume(tEnd, null, null, null, 2, null, null, false);
    }

    static RecordedRun.Result resume(Path dir, Resume request) {
        try (RecordedRun run = RecordedRun.resume(dir, request, ENGINES, QUIET)) {
            return run.run(s -> { }, () -> false);
        }
    }

    static byte[] trajectory(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve(RecordedRun.TRAJECTORY_CSV));
    }

    static Map<String, Object> runJson(Path dir) throws IOException {
        return JSON.std.mapFrom(Files.readString(dir.resolve(RunJson.FILE)));
    }

    static Path checkpoint(Path dir, long step) {
        return dir.resolve(CheckpointStore.DIRECTORY).resolve(CheckpointStore.fileName(step));
    }

    @Test
    void aRunResumedAfterACrashWritesTheUninterruptedTrajectoryByteForByte() throws IOException {
        Path reference = tmp.resolve("reference");
        assertEquals(RunStatus.COMPLETED, run(reference, config(0.3, null)).status());

        Path dir = tmp.resolve("run");
        assertEquals(RunStatus.COMPLETED, run(dir, config(0.25, 0.1)).status());
        // A crash after the checkpoint at t = 0.2: the end checkpoint never made it, rows after t = 0.2 did,
        // and the last row is half written.
        Files.delete(checkpoint(dir, 25));
        Files.writeString(dir.resolve(RecordedRun.TRAJECTORY_CSV), "0.26,-4.9", StandardOpenOption.APPEND);

        try (RecordedRun resumed = RecordedRun.resume(dir, resumeTo(0.3), ENGINES, QUIET)) {
            assertEquals(20, resumed.startStep());
            assertEquals(checkpoint(dir, 20), resumed.resumedFrom().orElseThrow());
            assertTrue(resumed.skipped().isEmpty(), resumed.skipped().toString());
            assertEquals(RunStatus.COMPLETED, resumed.run(s -> { }, () -> false).status());
        }
        assertArrayEquals(trajectory(reference), trajectory(dir), "resumed trajectory.csv");
        Map<String, Object> json = runJson(dir);
        assertEquals("completed", json.get("status"));
        assertEquals(Map.of("checkpoint", "checkpoint/" + CheckpointStore.fileName(20), "step", 20, "t", 0.2),
                json.get("resumed_from"));
    }

    @Test
    void checkpointsFollowTheCadenceKeepTwoGenerationsAndEndWithTheFinalStep() throws IOException {
        Path dir = tmp.resolve("run");
        RunConfig config = config(0.35, 0.1);
        assertEquals(10, config.checkpointEverySteps());
        TreeSet<Long> seen = new TreeSet<>();
        CheckpointStore store = new CheckpointStore(dir);
        try (RecordedRun run = RecordedRun.start(dir, false, config, ENGINES, QUIET)) {
            run.run(s -> store.checkpoints().forEach(p -> seen.add(stepOf(p))), () -> false);
        }
        store.checkpoints().forEach(p -> seen.add(stepOf(p)));
        assertEquals(List.of(10L, 20L, 30L, 35L), List.copyOf(seen), "every 10 steps, and the end");
        assertEquals(List.of(checkpoint(dir, 35), checkpoint(dir, 30)), store.checkpoints(), "the newest two kept");
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) runJson(dir).get("checkpoint");
        assertEquals(35, last.get("step"));
        assertEquals(0.1, runJson(dir).get("checkpoint_every"));
    }

    private static long stepOf(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        return Long.parseLong(name.substring("checkpoint-".length(), name.length() - ".ckpt".length()));
    }

    @Test
    void withoutACadenceThereIsNoCheckpointAndNoCheckpointKey() throws IOException {
        Path dir = tmp.resolve("run");
        RecordedRun.Result r = run(dir, config(0.05, null));
        assertNull(r.checkpoint());
        assertFalse(Files.exists(dir.resolve(CheckpointStore.DIRECTORY)));
        Map<String, Object> json = runJson(dir);
        assertFalse(json.containsKey("checkpoint") || json.containsKey("checkpoint_every"), json.toString());
    }

    @Test
    void aStopRequestEndsTheRunWithACheckpointOfItsStepFromWhichItResumesExactly() throws IOException {
        Path reference = tmp.resolve("reference");
        run(reference, config(0.2, null));

        Path dir = tmp.resolve("run");
        int[] steps = {0};
        BooleanSupplier stopAfterSeven = () -> steps[0] >= 7;
        RecordedRun.Result r;
        try (RecordedRun run = RecordedRun.start(dir, false, config(0.2, 0.1), ENGINES, QUIET)) {
            r = run.run(s -> steps[0]++, stopAfterSeven);
        }
        assertEquals(RunStatus.INTERRUPTED, r.status());
        assertEquals(7, r.last().step());
        assertEquals(checkpoint(dir, 7), r.checkpoint(), "a checkpoint of the step it stopped at, off the cadence");
        assertNull(r.checkpointError());
        Map<String, Object> json = runJson(dir);
        assertEquals("interrupted", json.get("status"));
        assertEquals(7, json.get("steps"));

        assertEquals(RunStatus.COMPLETED, resume(dir, resumeTo(null)).status());
        assertArrayEquals(trajectory(reference), trajectory(dir));
    }

    @Test
    void aStopRequestedBeforeTheFirstStepStillLeavesARunToResume() throws IOException {
        Path reference = tmp.resolve("reference");
        run(reference, config(0.05, null));
        Path dir = tmp.resolve("run");
        RecordedRun.Result r;
        try (RecordedRun run = RecordedRun.start(dir, false, config(0.05, null), ENGINES, QUIET)) {
            r = run.run(s -> { }, () -> true);
        }
        assertEquals(RunStatus.INTERRUPTED, r.status());
        assertEquals(0, r.loop().steps());
        assertEquals(checkpoint(dir, 0), r.checkpoint());
        assertEquals(RunStatus.COMPLETED, resume(dir, resumeTo(null)).status());
        assertArrayEquals(trajectory(reference), trajectory(dir));
    }

    @Test
    void runJsonSaysRunningWhileTheRunIsOpenThenCompleted() throws IOException {
        Path dir = tmp.resolve("run");
        try (RecordedRun run = RecordedRun.start(dir, false, config(0.05, null), ENGINES, QUIET)) {
            Map<String, Object> running = runJson(dir);
            assertEquals("running", running.get("status"));
            assertEquals("simulate", running.get("command"));
            assertFalse(running.containsKey("final") || running.containsKey("steps"), running.toString());
            run.run(s -> { }, () -> false);
        }
        Map<String, Object> done = runJson(dir);
        assertEquals("completed", done.get("status"));
        assertEquals(5, done.get("steps"));
        assertEquals(List.of("t", "v_e", "v_i", "K_e", "K_i"),
                List.copyOf(((Map<?, ?>) done.get("final")).keySet()), "final's keys in the trajectory's order");
        assertFalse(done.containsKey("message") || done.containsKey("error"), done.toString());
    }

    @Test
    void aRunThatLeavesTheBalancedStateSaysSoInRunJson() throws IOException {
        Path dir = tmp.resolve("run");
        // mv-6.1 at n = 2000, seed 3: the relative imbalance is 0.0026 at t = 0 and 0.0061 at t = 0.03 (the
        // O(n^-1/2) offset of the means builds up), so a limit of 0.005 is crossed a few steps in. (A limit
        // below the imbalance of the initial draw is refused before the first step: SilentScenarioTest.)
        RecordedRun.Result r = run(dir, config(0.05, null, 0.005));
        assertEquals(RunStatus.LEFT_BALANCED_STATE, r.status());
        Map<String, Object> json = runJson(dir);
        assertEquals("left-balanced-state", json.get("status"));
        assertTrue(((String) json.get("message")).contains("relative imbalance"), json.toString());
    }

    @Test
    void aFailureDuringTheRunMarksRunJsonFailedAndNamesTheIntactCheckpoint() throws IOException {
        Path dir = tmp.resolve("run");
        // The engine's disk fails at step 15, after the checkpoint of step 10.
        EngineFactory failing = (backend, s, p, sampler, threads, h) -> new FailingAt(15, ENGINES.create(backend, s,
                p, sampler, threads, h));
        UncheckedIOException e;
        try (RecordedRun run = RecordedRun.start(dir, false, config(0.3, 0.1), failing, QUIET)) {
            e = assertThrows(UncheckedIOException.class, () -> run.run(s -> { }, () -> false));
        }
        assertTrue(e.getMessage().startsWith("disk full at step 15; the checkpoint " + checkpoint(dir, 10)
                + " (t = 0.1) is intact"), e.getMessage());
        Map<String, Object> json = runJson(dir);
        assertEquals("failed", json.get("status"));
        assertEquals("disk full at step 15", json.get("error"));
    }

    /** An engine whose step fails with an I/O error at a given step. */
    private static final class FailingAt extends ForwardingEngine {
        private final long failAt;

        FailingAt(long failAt, Engine engine) {
            super(engine);
            this.failAt = failAt;
        }

        @Override
        public PopulationSums[] step(StepPlan plan) {
            if (plan.step == failAt) {
                throw new UncheckedIOException("disk full at step " + failAt, new IOException("No space left"));
            }
            return inner.step(plan);
        }
    }

    @Test
    void aResumeCanChangeTheCadenceAndExtendAFinishedRun() throws IOException {
        Path reference = tmp.resolve("reference");
        run(reference, config(0.4, null));
        Path dir = tmp.resolve("run");
        run(dir, config(0.15, 0.1));
        RecordedRun.Result more = resume(dir, new Resume(0.4, null, null, null, 1, null, 0.2, false));
        assertEquals(RunStatus.COMPLETED, more.status());
        assertArrayEquals(trajectory(reference), trajectory(dir), "one thread or two: the same bytes");
        List<Path> kept = new ArrayList<>(new CheckpointStore(dir).checkpoints());
        assertEquals(List.of(checkpoint(dir, 40), checkpoint(dir, 20)), kept,
                "on the new cadence, every 20 steps: 20, and 40, the end");
        assertEquals(0.2, runJson(dir).get("checkpoint_every"));
    }
}
