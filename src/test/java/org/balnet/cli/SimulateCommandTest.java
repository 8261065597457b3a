package org.balnet.cli;

import org.balnet.sim.checkpoint.CheckpointFile;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.balnet.sim.cpu.CpuEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateCommandTest {
    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** simulate mv-6.1 to t = 0.2, recording every 0.05; n = 2000 unless extra gives --n. */
    static String[] simulate(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("simulate", "--scenario", "mv-6.1", "--t-end", "0.2",
                "--record-every", "0.05", "--out", out.toString()));
        if (!List.of(extra).contains("--n") && List.of(extra).stream().noneMatch(x -> x.startsWith("--n="))) {
            a.addAll(List.of("--n", "2000"));
        }
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static void assertNoStackTrace(Result r) {
        assertFalse(r.err.contains("\tat ") || r.err.contains("Exception"), "no stack trace:\n" + r.err);
    }

    @Test
    void writesTrajectoryAndRunJson(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        // The backend explicitly: auto takes an OpenCL device where there is one.
        Result r = run(simulate(out, "--backend", "cpu"));
        assertEquals(0, r.exit, r.err);
        List<String> lines = Files.readAllLines(out.resolve("trajectory.csv"));
        assertTrue(lines.get(0).startsWith("t,v_e,v_i,K_e,K_i,"), lines.get(0));
        assertEquals(1 + 5, lines.size(), "rows at t = 0, 0.05, ..., 0.2");
        assertTrue(lines.get(1).startsWith("0.0,"));
        assertTrue(lines.get(3).startsWith("0.1,"), "t printed as a clean decimal: " + lines.get(3));
        assertTrue(lines.get(5).startsWith("0.2,"));
        String json = Files.readString(out.resolve("run.json"));
        for (String key : new String[]{"\"status\": \"completed\"", "\"backend\": \"cpu\"", "\"precision\": \"fp64\"",
                "\"scheme\": \"semi-implicit\"", "\"h\": 0.01", "\"seed\": 1", "\"neuron_steps_per_s\"",
                "\"wall_seconds\"", "\"balnet\"", "\"m_e\""}) {
            assertTrue(json.contains(key), key + " in run.json:\n" + json);
        }
        assertTrue(r.out.contains("completed"), r.out);
    }

    /** The states of a checkpoint file: its bytes after the header (the header records the run's options). */
    static byte[] checkpointStates(Path run, long step) throws IOException {
        Path file = run.resolve(CheckpointStore.DIRECTORY).resolve(CheckpointStore.fileName(step));
        byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, (int) CheckpointFile.readHeader(file).stateOffset(), all.length);
    }

    /**
     * n = 5 chunks + 17 (CpuEngine.CHUNK = 4096): 12 chunks over both populations, so 2, 3 and 8 threads
     * take them in changing orders and 64 threads outnumber them. trajectory.csv and the final states
     * (from the checkpoint at the end) must be the same bytes on every thread count; another seed
     * another file.
     */
    @Tag("slow")
    @Test
    void sameSeedGivesTheSameFileOnAnyThreadCount(@TempDir Path dir) throws IOException {
        String n = Long.toString(5L * CpuEngine.CHUNK + 17);
        String[] common = {"--backend", "cpu", "--n", n, "--seed", "5", "--checkpoint-every", "0.2"};
        Path one = dir.resolve("threads-1");
        Result first = run(simulate(one, concat(common, "--threads", "1")));
        assertEquals(0, first.exit, first.err);
        byte[] trajectory = Files.readAllBytes(one.resolve("trajectory.csv"));
        byte[] states = checkpointStates(one, 20);
        assertEquals(2 * 8 * (5L * CpuEngine.CHUNK + 17) + 4, states.length, "fp64 states and their checksum");
        for (int threads : new int[]{2, 3, 8, 64}) {
            Path other = dir.resolve("threads-" + threads);
            Result r = run(simulate(other, concat(common, "--threads", Integer.toString(threads))));
            assertEquals(0, r.exit, r.err);
            assertArrayEquals(trajectory, Files.readAllBytes(other.resolve("trajectory.csv")),
                    "trajectory.csv, 1 vs " + threads + " threads");
            assertArrayEquals(states, checkpointStates(other, 20), "final states, 1 vs " + threads + " threads");
        }
        Path again = dir.resolve("again");
        assertEquals(0, run(simulate(again, concat(common, "--threads", "2"))).exit);
        assertArrayEquals(trajectory, Files.readAllBytes(again.resolve("trajectory.csv")), "same seed twice");
        Path otherSeed = dir.resolve("seed-6");
        assertEquals(0, run(simulate(otherSeed, "--backend", "cpu", "--n", n, "--seed", "6")).exit);
        assertFalse(Arrays.equals(trajectory, Files.readAllBytes(otherSeed.resolve("trajectory.csv"))), "other seed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--n=0", "--n=-5", "--dt=0", "--dt=-0.01", "--dt=abc", "--record-every=0",
            "--record-every=-1", "--t-end=-1", "--t-end=NaN", "--backend=gpu", "--scheme=implicit",
            "--precision=fp16", "--threads=0", "--seed=-1", "--imbalance-limit=0", "--dt=0.03"})
    void badValuesExitTwoNamingTheOption(String bad, @TempDir Path dir) {
        Result r = run(simulate(dir.resolve("x"), bad));
        assertEquals(2, r.exit, bad + ": " + r.err);
        String option = bad.substring(0, bad.indexOf('='));
        if (bad.equals("--dt=0.03")) {
            option = "--record-every"; // 0.05 is not a multiple of 0.03
        }
        assertTrue(r.err.contains(option), bad + " -> " + r.err);
        assertNoStackTrace(r);
    }

    @Test
    void explicitAboveItsStabilityBoundIsRefusedBeforeTheRun(@TempDir Path dir) {
        Path out = dir.resolve("x");
        // n = 1e8: sqrt(n) |eig J| = 1.4e3, bound about 1.4e-3; nothing is allocated before the refusal.
        Result r = run("simulate", "--scenario", "mv-6.1", "--n", "100000000", "--scheme", "explicit", "--dt", "0.01",
                "--t-end", "0.1", "--out", out.toString());
        assertEquals(2, r.exit, r.err);
        assertTrue(r.err.contains("stability bound") && r.err.contains("semi-implicit"), r.err);
        assertFalse(Files.exists(out.resolve("trajectory.csv")), "refused before the run");
        assertNoStackTrace(r);
    }

    @Tag("slow")
    @Test
    void explicitAutoStepStaysInsideTheBound(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("x");
        Result r = run("simulate", "--scenario", "mv-6.1", "--n", "1000000", "--scheme", "explicit", "--t-end",
                "0.01", "--record-every", "0.01", "--out", out.toString());
        assertEquals(0, r.exit, r.err);
        String json = Files.readString(out.resolve("run.json"));
        double h = Double.parseDouble(json.replaceAll("(?s).*\"h\": ([0-9.eE-]+).*", "$1"));
        double bound = Double.parseDouble(json.replaceAll("(?s).*\"explicit_stability_bound\": ([0-9.eE-]+).*", "$1"));
        assertTrue(h <= bound / 4 * (1 + 1e-12), "h = " + h + " vs bound " + bound);
    }

    @Test
    void perSynapseIsRefusedAboveItsLimit(@TempDir Path dir) {
        Result r = run(simulate(dir.resolve("x"), "--backend", "per-synapse", "--n", "5000"));
        assertEquals(2, r.exit, r.err);
        assertTrue(r.err.contains("--n") && r.err.contains("2000"), r.err);
    }

    /**
     * A run that leaves the balanced state keeps every row up to the departure: they are the first rows
     * of the same run without the departure, byte for byte.
     */
    @Test
    void leavingTheBalancedStateStopsCleanlyAndKeepsTheRows(@TempDir Path dir) throws IOException {
        String[] everyStep = {"simulate", "--scenario", "mv-6.1", "--n", "2000", "--t-end", "0.1", "--record-every",
                "0.01", "--backend", "cpu"};
        Path full = dir.resolve("full");
        assertEquals(0, run(concat(everyStep, "--out", full.toString())).exit);
        Path out = dir.resolve("x");
        // At n = 2000 the relative imbalance is 0.004 at t = 0 and grows to 0.011 by t = 0.03 (the O(n^-1/2)
        // offset of the means builds up): a limit of 0.01 lets the run start and makes it "leave" a few steps
        // in. (A limit below the imbalance of the initial draw is refused before the first step, exit 2:
        // SilentScenarioTest.)
        Result r = run(concat(everyStep, "--imbalance-limit", "0.01", "--out", out.toString()));
        assertEquals(1, r.exit, r.err);
        assertTrue(r.err.contains("left the balanced state"), r.err);
        assertNoStackTrace(r);
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"status\": \"left-balanced-state\""));
        List<String> kept = Files.readAllLines(out.resolve("trajectory.csv"));
        List<String> all = Files.readAllLines(full.resolve("trajectory.csv"));
        assertTrue(kept.size() >= 2, "header and at least the row at t = 0: " + kept);
        assertTrue(kept.size() < all.size(), "it stopped early: " + kept.size() + " of " + all.size() + " lines");
        // The last kept row may be the departure's, off the record grid; every row before it is on the grid.
        assertEquals(all.subList(0, kept.size() - 1), kept.subList(0, kept.size() - 1),
                "the rows up to the departure, as the full run wrote them");
    }

    @Tag("slow")
    @Test
    void pastEtaTheUnstableJacobianStopsTheRunUnlessKeepGoing(@TempDir Path dir) throws IOException {
        // eta-finite's limit leaves the manifold at eta = 1.428; at n = 2e4 the network follows soon after.
        String[] base = {"simulate", "--scenario", "eta-finite", "--n", "20000", "--t-end", "3", "--record-every",
                "0.25"};
        Path stop = dir.resolve("stop");
        Result r = run(concat(base, "--out", stop.toString()));
        assertEquals(1, r.exit, r.err);
        assertTrue(r.err.contains("empirical Jacobian"), r.err);
        assertNoStackTrace(r);
        String json = Files.readString(stop.resolve("run.json"));
        assertTrue(json.contains("\"status\": \"left-balanced-state\""), json);
        List<String> rows = Files.readAllLines(stop.resolve("trajectory.csv"));
        String[] last = rows.get(rows.size() - 1).split(",");
        double t = Double.parseDouble(last[0]);
        assertTrue(t > 1.428 && t < 3, "left after the limit's eta and before T: t = " + t);
        assertTrue(Double.parseDouble(last[last.length - 1]) > 0, "zeta column positive at the departure");

        Path go = dir.resolve("go");
        Result k = run(concat(base, "--keep-going", "--out", go.toString()));
        assertEquals(0, k.exit, k.err);
        assertTrue(k.err.contains("continued past it"), k.err);
        String goJson = Files.readString(go.resolve("run.json"));
        assertTrue(goJson.contains("\"status\": \"completed\"") && goJson.contains("--keep-going"), goJson);
        List<String> all = Files.readAllLines(go.resolve("trajectory.csv"));
        assertTrue(all.get(all.size() - 1).startsWith("3.0,"), "ran to T");
        // The stopped run's last row is the departure, off the record grid; every row before it is kept as
        // the run that went on wrote it.
        assertEquals(all.subList(0, rows.size() - 1), rows.subList(0, rows.size() - 1),
                "the stopped run kept its rows, as the run past eta wrote them");
        assertTrue(Double.parseDouble(all.get(all.size() - 1).split(",")[1]) > 5,
                "excitation runs away past eta: " + all.get(all.size() - 1));
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void nonEmptyOutIsRefusedWithoutForce(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("x");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Result r = run(simulate(out));
        assertEquals(2, r.exit, r.err);
        assertTrue(r.err.contains("--out"), r.err);
        assertEquals(0, run(simulate(out, "--force")).exit);
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void benchPrintsOneJsonLine() {
        Result r = run("bench", "--scenario", "mv-6.1", "--n", "5000", "--steps", "3", "--repeats", "3", "--warmup", "1",
                "--backend", "cpu");
        assertEquals(0, r.exit, r.err);
        String line = r.out.trim();
        assertEquals(1, line.lines().count(), line);
        for (String key : new String[]{"\"backend\":\"cpu\"", "\"n\":5000", "\"precision\":\"fp64\"",
                "\"sampler\":\"table\"", "\"steps\":3", "\"neuron_steps_per_s\":"}) {
            assertTrue(line.contains(key), key + " in " + line);
        }
        assertEquals(2, run("bench", "--scenario", "mv-6.1", "--steps", "0").exit);
    }
}
