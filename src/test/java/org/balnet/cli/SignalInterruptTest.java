package org.balnet.cli;

import org.balnet.sim.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A real balnet process, interrupted by a real signal while it runs, then resumed: the interrupted
 * run must exit with 128 + the signal, leave run.json "interrupted" and a checkpoint, and the resumed
 * trajectory must be the uninterrupted one byte for byte.
 */
@Tag("slow")
class SignalInterruptTest {
    private static final long N = 10_000;
    /** Rows to wait for before the signal: the run is well under way, and far from its end. */
    private static final int ROWS_BEFORE_SIGNAL = 30;
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path tmp;

    /** True when this JVM ignores the signal: a child would inherit that, and the test cannot work. */
    private static boolean ignoredHere(int signal) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (mask & (1L << (signal - 1))) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return true; // not Linux: cannot tell, so do not rely on it
        }
        return true;
    }

    /**
     * GNU env's {@code --default-signal} (coreutils 8.31 and later) puts back the default action of
     * a signal this JVM ignores, so the child can be interrupted even when the tests run in the
     * background (where the shell starts them with SIGINT ignored, and a child inherits that).
     */
    private static boolean envCanRestore(String signal) {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=" + signal, "true").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Process start(Path out, List<String> prefix) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "simulate", "--scenario", "mv-6.1", "--n", Long.toString(N), "--seed", "3",
                "--threads", "1", "--t-end", "1000", "--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectOutput(out.resolveSibling("stdout.txt").toFile());
        pb.redirectError(out.resolveSibling("stderr.txt").toFile());
        return pb.start();
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 15, 143", "INT, 2, 130"})
    void aSignalledRunCheckpointsExitsAndResumesToTheUninterruptedTrajectory(String name, int number, int exit)
            throws Exception {
        List<String> prefix = List.of();
        if (ignoredHere(number)) {
            if (!envCanRestore(name)) {
                String reason = "SIG" + name + " is ignored in this process (started in the background), so a child "
                        + "ignores it too, and env --default-signal (GNU coreutils >= 8.31) is not there to restore it";
                System.out.println("skipped: " + reason);
                abort(reason);
            }
            prefix = List.of("env", "--default-signal=" + name);
        }
        Path dir = Files.createDirectories(tmp.resolve("signalled"));
        Path out = dir.resolve("run");
        Process p = start(out, prefix);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (lines(out.resolve("trajectory.csv")) < ROWS_BEFORE_SIGNAL + 1) {
                if (!p.isAlive()) {
                    fail("balnet ended before the signal, exit " + p.exitValue() + ":\n"
                            + Files.readString(dir.resolve("stderr.txt")));
                }
                if (System.nanoTime() > deadline) {
                    fail("no progress within " + TIMEOUT_SECONDS + " s");
                }
                Thread.sleep(20);
            }
            if (name.equals("TERM")) {
                p.destroy(); // SIGTERM on Unix
            } else {
                assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor());
            }
            assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "balnet did not stop");
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(exit, p.exitValue(), err);
        assertTrue(err.contains("interrupted by SIG" + name), err);
        assertTrue(!err.contains("\tat ") && !err.contains("Exception"), err);
        String json = Files.readString(out.resolve("run.json"));
        assertTrue(json.contains("\"status\": \"interrupted\""), json);
        String csv = Files.readString(out.resolve("trajectory.csv"));
        assertTrue(csv.endsWith("\n"), "complete rows only");
        List<Path> checkpoints = new CheckpointStore(out).checkpoints();
        assertEquals(1, checkpoints.size(), "one checkpoint, at the step the signal stopped");
        String file = checkpoints.get(0).getFileName().toString();
        long step = Long.parseLong(file.replaceAll("\\D", ""));
        assertTrue(step >= ROWS_BEFORE_SIGNAL && step < 100_000, file);

        // Resume past the checkpoint and compare with a run that was never interrupted.
        String tEnd = BigDecimal.valueOf(step + 15).movePointLeft(2).toPlainString();
        Cli.Result resumed = Cli.run("simulate", "--resume", out.toString(), "--t-end", tEnd);
        assertEquals(0, resumed.code(), resumed.toString());
        Path reference = tmp.resolve("reference");
        Cli.Result ref = Cli.run("simulate", "--scenario", "mv-6.1", "--n", Long.toString(N), "--seed", "3",
                "--threads", "2", "--t-end", tEnd, "--out", reference.toString());
        assertEquals(0, ref.code(), ref.toString());
        assertArrayEquals(Files.readAllBytes(reference.resolve("trajectory.csv")),
                Files.readAllBytes(out.resolve("trajectory.csv")), "resumed after SIG" + name + " at step " + step);
    }
}
