package org.balnet.cli;

import org.balnet.io.Json;
import org.balnet.sim.run.RecordedRun;
import org.balnet.sim.run.RunJson;
import org.balnet.validate.ReplicaSeeds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code simulate --replicas R} and {@code bench --replicas R} through the command line: each replica's
 * directory holds, byte for byte, what {@code simulate --seed <its seed>} alone writes (run.json apart from
 * the wall-clock fields and the thread count), also after a resume; bad input exits 2 with a message.
 */
class BatchedReplicasTest {
    private static final long N = 2000;
    private static final long BASE_SEED = 3;
    /** run.json fields that measure the machine, not the run. */
    private static final List<String> WALL_CLOCK = List.of("wall_seconds", "stepping_seconds", "neuron_steps_per_s",
            "device", "threads");

    @TempDir
    Path tmp;

    static Cli.Result simulate(Path out, String threads, String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", "--scenario", "mv-6.1", "--n", Long.toString(N),
                "--threads", threads, "--backend", "cpu", "--out", out.toString()));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static Map<String, Object> runJson(Path dir) throws IOException {
        Map<String, Object> node = new java.util.LinkedHashMap<>(Json.readObject(Files.readString(
                dir.resolve(RunJson.FILE))));
        node.keySet().removeAll(WALL_CLOCK);
        return node;
    }

    static void assertSameRun(Path alone, Path replica, List<String> files) throws IOException {
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(alone.resolve(f)), Files.readAllBytes(replica.resolve(f)),
                    f + " of " + replica + " against " + alone);
        }
        assertEquals(runJson(alone), runJson(replica), "run.json of " + replica + " against " + alone);
    }

    /**
     * Three replicas batched on 2 threads, with the neuron monitor: each replica's trajectory.csv, neurons.csv
     * and run.json are those of the replica run alone (1 and 3 threads) with the seed validate derives for it.
     */
    @Tag("slow")
    @Test
    void eachReplicaIsTheRunAlone() throws IOException {
        Path batched = tmp.resolve("batched");
        Cli.Result r = simulate(batched, "2", "--seed", Long.toString(BASE_SEED), "--t-end", "0.3", "--replicas", "3",
                "--record-neurons", "e:0-4,i:7");
        assertEquals(0, r.code(), r.toString());
        for (int i = 0; i < 3; i++) {
            long seed = ReplicaSeeds.of(BASE_SEED, N, i);
            Path alone = tmp.resolve("alone-" + i);
            Cli.Result a = simulate(alone, i == 1 ? "3" : "1", "--seed", Long.toString(seed), "--t-end", "0.3",
                    "--record-neurons", "e:0-4,i:7");
            assertEquals(0, a.code(), a.toString());
            assertSameRun(alone, batched.resolve("replica-" + i), List.of(RecordedRun.TRAJECTORY_CSV, "neurons.csv"));
        }
    }

    /**
     * A batched run with checkpoints, extended by resuming one replica's directory alone, writes what that
     * replica run alone to the later end time writes.
     */
    @Tag("slow")
    @Test
    void aReplicaResumesAlone() throws IOException {
        Path batched = tmp.resolve("batched");
        Cli.Result r = simulate(batched, "2", "--seed", Long.toString(BASE_SEED), "--t-end", "0.2", "--replicas", "2",
                "--checkpoint-every", "0.1");
        assertEquals(0, r.code(), r.toString());
        Path replica = batched.resolve("replica-1");
        Cli.Result resumed = SimulateResumeTest.resume(replica, "--t-end", "0.3", "--threads", "2");
        assertEquals(0, resumed.code(), resumed.toString());
        Path alone = tmp.resolve("alone");
        Cli.Result a = simulate(alone, "2", "--seed", Long.toString(ReplicaSeeds.of(BASE_SEED, N, 1)), "--t-end", "0.3");
        assertEquals(0, a.code(), a.toString());
        assertArrayEquals(Files.readAllBytes(alone.resolve(RecordedRun.TRAJECTORY_CSV)),
                Files.readAllBytes(replica.resolve(RecordedRun.TRAJECTORY_CSV)), "trajectory after the resume");
        Cli.Result parent = SimulateResumeTest.resume(batched);
        assertEquals(2, parent.code(), parent.toString());
        assertTrue(parent.err().contains("--resume") && parent.err().contains("replica-r"), parent.toString());
        parent.assertNoStackTrace();
    }

    @Test
    void replicasBelowOneAreRefused() {
        for (String command : new String[]{"simulate", "bench"}) {
            List<String> args = new ArrayList<>(List.of(command, "--scenario", "mv-6.1", "--n", "1000", "--backend",
                    "cpu", "--replicas", "0"));
            if (command.equals("simulate")) {
                args.addAll(List.of("--out", tmp.resolve("zero").toString()));
            }
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), command + ": " + r);
            assertTrue(r.err().contains("--replicas = 0") && r.err().contains(">= 1"), command + ": " + r);
            r.assertNoStackTrace();
        }
    }

    /** Replicas the heap cannot hold together are refused before anything is written, naming --replicas. */
    @Test
    void replicasTheHeapCannotHoldAreRefused() {
        Path out = tmp.resolve("huge");
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "1e8", "--backend", "cpu", "--replicas",
                "10000", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--replicas 10000") && r.err().contains("heap"), r.toString());
        assertTrue(!Files.exists(out), "nothing written");
        r.assertNoStackTrace();
        Cli.Result b = Cli.run("bench", "--scenario", "mv-6.1", "--n", "1e8", "--backend", "cpu", "--replicas", "10000");
        assertEquals(2, b.code(), b.toString());
        assertTrue(b.err().contains("--replicas 10000"), b.toString());
    }
}
