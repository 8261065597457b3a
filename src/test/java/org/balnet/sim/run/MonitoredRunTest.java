package org.balnet.sim.run;

import org.balnet.model.Population;
import org.balnet.sim.RunStatus;
import org.balnet.sim.monitor.MonitorConfig;
import org.balnet.sim.monitor.Monitors;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitors through the run lifecycle: after an interruption or a crash, the resumed run leaves every
 * monitor file byte for byte as the uninterrupted run writes it.
 */
public class MonitoredRunTest {
    @TempDir
    Path tmp;

    /** {@link RecordedRunTest#config} with neurons, histograms every 0.05 and snapshots at 0.1 and 0.17. */
    static RunConfig config(double tEnd, Double every) {
        return config(tEnd, every, List.of(0.1, 0.17));
    }

    static RunConfig config(double tEnd, Double every, List<Double> snapshots) {
        RunConfig c = RecordedRunTest.config(tEnd, every);
        MonitorConfig m = MonitorConfig.of("e:0-9,i:1990-1999", 0.05, 16, snapshots, c.scenario(), c.step());
        return new RunConfig(c.scenario(), c.initial(), c.step(), c.backend(), c.precision(), c.sampler(), c.threads(),
                c.imbalanceLimit(), c.keepGoing(), c.checkpointEverySteps(), m);
    }

    /** Every file of a run directory but run.json and the checkpoints, by relative path. */
    public static Map<String, byte[]> outputs(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = dir.relativize(f).toString();
                if (Files.isRegularFile(f) && !rel.equals(RunJson.FILE) && !rel.startsWith(CheckpointStore.DIRECTORY)) {
                    m.put(rel, Files.readAllBytes(f));
                }
            }
        }
        return m;
    }

    public static void assertSameOutputs(Path reference, Path dir) throws IOException {
        Map<String, byte[]> want = outputs(reference);
        Map<String, byte[]> got = outputs(dir);
        assertEquals(want.keySet(), got.keySet());
        for (String f : want.keySet()) {
            assertArrayEquals(want.get(f), got.get(f), f + " byte for byte");
        }
    }

    @Test
    void aStopRequestThenAResumeLeavesEveryFileAsTheUninterruptedRunWritesIt() throws IOException {
        Path reference = tmp.resolve("reference");
        assertEquals(RunStatus.COMPLETED, RecordedRunTest.run(reference, config(0.2, null)).status());
        assertEquals(List.of("histograms.csv", "neurons.csv", "snapshots/e_t0.1.npy", "snapshots/e_t0.17.npy",
                "snapshots/i_t0.1.npy", "snapshots/i_t0.17.npy", "trajectory.csv"), List.copyOf(outputs(reference).keySet()));

        for (int stopAt : new int[]{0, 10, 13}) {
            Path dir = tmp.resolve("run-" + stopAt);
            int[] steps = {0};
            try (RecordedRun run = RecordedRun.start(dir, false, config(0.2, null), RecordedRunTest.ENGINES,
                    RecordedRunTest.QUIET)) {
                assertEquals(RunStatus.INTERRUPTED, run.run(s -> steps[0]++, () -> steps[0] >= stopAt).status());
            }
            assertEquals(RunStatus.COMPLETED, RecordedRunTest.resume(dir, RecordedRunTest.resumeTo(null)).status());
            assertSameOutputs(reference, dir);
        }
    }

    @Test
    void aRunResumedAfterACrashCutsEveryMonitorFileBackAndWritesItAgain() throws IOException {
        Path reference = tmp.resolve("reference");
        List<Double> snapshots = List.of(0.1, 0.17, 0.22);
        RecordedRunTest.run(reference, config(0.3, null, snapshots));
        Path dir = tmp.resolve("run");
        assertEquals(RunStatus.COMPLETED, RecordedRunTest.run(dir, config(0.25, 0.1, snapshots)).status());
        // A crash after the checkpoint at t = 0.2: the end checkpoint is lost, rows after t = 0.2 were written,
        // the last ones half, and a snapshot after the checkpoint is damaged (the disk lost its end).
        Files.delete(RecordedRunTest.checkpoint(dir, 25));
        Path late = Monitors.snapshotFile(dir, Population.I, 0.22);
        try (var ch = java.nio.channels.FileChannel.open(late, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        Files.writeString(dir.resolve(Monitors.NEURONS_CSV), "0.26,e,0,-4.", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve(Monitors.HISTOGRAMS_CSV), "0.25,i,-Inf", StandardOpenOption.APPEND);
        try (RecordedRun resumed = RecordedRun.resume(dir, RecordedRunTest.resumeTo(0.3), RecordedRunTest.ENGINES,
                RecordedRunTest.QUIET)) {
            assertEquals(20, resumed.startStep());
            assertTrue(resumed.skipped().isEmpty(), resumed.skipped().toString());
            assertEquals(RunStatus.COMPLETED, resumed.run(s -> { }, () -> false).status());
        }
        assertSameOutputs(reference, dir);
        @SuppressWarnings("unchecked")
        Map<String, Object> monitors = (Map<String, Object>) RecordedRunTest.runJson(dir).get("monitors");
        assertEquals(Map.of("--record-neurons", "e:0-9,i:1990-1999", "--histogram-every", "0.05",
                "--histogram-bins", "16", "--snapshot-at", "0.1,0.17,0.22"), monitors.get("options"));
    }

    @Test
    void aChangedMonitorFileMakesTheCheckpointUnusableAndNothingIsCut() throws IOException {
        Path dir = tmp.resolve("run");
        RecordedRunTest.run(dir, config(0.2, 0.1));
        Path neurons = dir.resolve(Monitors.NEURONS_CSV);
        byte[] edited = Files.readAllBytes(neurons);
        edited[40] ^= 0x01;
        Files.write(neurons, edited);
        byte[] trajectory = RecordedRunTest.trajectory(dir);
        byte[] histograms = Files.readAllBytes(dir.resolve(Monitors.HISTOGRAMS_CSV));
        org.balnet.sim.checkpoint.CheckpointException e = assertThrows(
                org.balnet.sim.checkpoint.CheckpointException.class,
                () -> RecordedRunTest.resume(dir, RecordedRunTest.resumeTo(0.3)));
        assertTrue(e.getMessage().contains("does not match the run's files") && e.getMessage().contains("neurons.csv"),
                e.getMessage());
        assertArrayEquals(trajectory, RecordedRunTest.trajectory(dir), "trajectory.csv untouched");
        assertArrayEquals(edited, Files.readAllBytes(neurons), "neurons.csv untouched");
        assertArrayEquals(histograms, Files.readAllBytes(dir.resolve(Monitors.HISTOGRAMS_CSV)), "histograms.csv untouched");
    }

    @Test
    void aFreshRunInAReusedDirectoryRemovesTheOldRunsMonitorFiles() throws IOException {
        Path dir = tmp.resolve("run");
        RecordedRunTest.run(dir, config(0.2, null));
        Files.writeString(dir.resolve(Monitors.SNAPSHOTS).resolve("notes.txt"), "mine");
        try (RecordedRun run = RecordedRun.start(dir, true, RecordedRunTest.config(0.05, null),
                RecordedRunTest.ENGINES, RecordedRunTest.QUIET)) {
            run.run(s -> { }, () -> false);
        }
        assertFalse(Files.exists(dir.resolve(Monitors.NEURONS_CSV)));
        assertFalse(Files.exists(dir.resolve(Monitors.HISTOGRAMS_CSV)));
        assertFalse(Files.exists(Monitors.snapshotFile(dir, Population.E, 0.1)));
        assertTrue(Files.exists(dir.resolve(Monitors.SNAPSHOTS).resolve("notes.txt")), "other files are kept");
        assertFalse(RecordedRunTest.runJson(dir).containsKey("monitors"));
    }
}
