package org.balnet.sim.checkpoint;

import org.balnet.cli.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A disk that fills up while a checkpoint is written, end to end through the CLI. No small file
 * system can be mounted in a test, so the failure is injected where checkpoint files are opened
 * ({@link CheckpointStore#opener}): the second checkpoint's file fails after a few kilobytes with the
 * kernel's ENOSPC message.
 */
class CheckpointWriteFailureTest {
    @TempDir
    Path tmp;

    private final CheckpointStore.ChannelOpener normal = CheckpointStore.opener;

    @AfterEach
    void restoreOpener() {
        CheckpointStore.opener = normal;
    }

    private static Cli.Result simulate(Path out, String tEnd, String... extra) {
        String[] base = {"simulate", "--scenario", "mv-6.1", "--n", "2000", "--seed", "5", "--threads", "2",
                "--out", out.toString(), "--t-end", tEnd};
        return Cli.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @Test
    void aFullDiskFailsTheRunCleanlyAndTheRunResumesFromThePreviousCheckpoint() throws IOException {
        Path reference = tmp.resolve("reference");
        assertEquals(0, simulate(reference, "0.3").code());

        AtomicInteger opened = new AtomicInteger();
        CheckpointStore.ChannelOpener fullAfterFirst = CheckpointStoreTest.fullDiskAfter(4096);
        CheckpointStore.opener = f -> opened.incrementAndGet() == 1 ? normal.open(f) : fullAfterFirst.open(f);
        Path run = tmp.resolve("run");
        Cli.Result r = simulate(run, "0.3", "--checkpoint-every", "0.1");
        assertEquals(1, r.code(), r.toString());
        Path first = run.resolve("checkpoint").resolve(CheckpointStore.fileName(10));
        assertTrue(r.err().contains("cannot write checkpoint " + run.resolve("checkpoint")
                .resolve(CheckpointStore.fileName(20)) + ": No space left on device"), r.err());
        assertTrue(r.err().contains("the checkpoint " + first + " (t = 0.1) is intact")
                && r.err().contains("balnet simulate --resume " + run), r.err());
        r.assertNoStackTrace();
        String json = Files.readString(run.resolve("run.json"));
        assertTrue(json.contains("\"status\": \"failed\"") && json.contains("No space left on device"), json);
        try (Stream<Path> s = Files.list(run.resolve("checkpoint"))) {
            assertEquals(List.of(CheckpointStore.fileName(10), CheckpointStore.SCENARIO_FILE),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
        String csv = Files.readString(run.resolve("trajectory.csv"));
        assertTrue(csv.endsWith("\n"), "complete rows only");

        CheckpointStore.opener = normal;
        Cli.Result resumed = Cli.run("simulate", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.toString());
        assertArrayEquals(Files.readAllBytes(reference.resolve("trajectory.csv")),
                Files.readAllBytes(run.resolve("trajectory.csv")));
    }
}
