package org.balnet.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Slurm cluster the Slurm tests submit to: the single node that {@code hosts/slurm-local.sh}
 * starts (CI does), or any Slurm whose {@code sinfo} shows a node up. Where there is none the calling
 * test is skipped with the reason printed, not failed; with {@value #REQUIRE}=1 in the environment
 * (.ci/run sets it) it fails instead, so that a cluster that did not start cannot pass CI as skipped
 * tests. How jobs, signals, requeue and exit codes behave on that node: docs/slurm.md.
 */
public final class SlurmCluster {
    /** Environment variable: "1" turns "Slurm is not usable here" from a skip into a failure. */
    public static final String REQUIRE = "BALNET_REQUIRE_SLURM";
    /** For sinfo, squeue, scancel, scontrol: each answers in well under a second on a live cluster. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    /** sinfo's node states in which a node takes jobs (a trailing "*", "~", "#"... marks a flag). */
    private static final List<String> UP_STATES = List.of("idle", "mix", "alloc", "comp");

    private static SlurmCluster cluster;
    private static String unusable;

    private final String nodes;

    private SlurmCluster(String nodes) {
        this.nodes = nodes;
    }

    /**
     * The cluster, probed once per JVM. Aborts the calling test (skipped, with the reason printed)
     * when sinfo is missing, fails or shows no node up; fails it instead when {@value #REQUIRE}=1.
     */
    public static synchronized SlurmCluster require() {
        if (cluster == null && unusable == null) {
            probe();
        }
        if (unusable != null) {
            if ("1".equals(System.getenv(REQUIRE))) {
                fail(REQUIRE + "=1 but Slurm is not usable: " + unusable);
            }
            System.out.println("Slurm test skipped: " + unusable);
            Assumptions.abort(unusable);
        }
        return cluster;
    }

    private static void probe() {
        String hint = " (as root, hosts/slurm-local.sh installs and starts a single-node cluster)";
        Result r;
        try {
            r = run(Path.of(System.getProperty("java.io.tmpdir")), QUERY_TIMEOUT, "sinfo", "-h", "-N", "-o", "%N %t");
        } catch (IOException e) {
            unusable = "cannot run sinfo: " + e.getMessage() + hint;
            return;
        }
        if (r.timedOut()) {
            unusable = "sinfo did not answer within " + QUERY_TIMEOUT.toSeconds() + " s (is slurmctld running?)" + hint;
            return;
        }
        if (r.code() != 0) {
            unusable = "sinfo exited " + r.code() + ": " + r.err().strip() + hint;
            return;
        }
        List<String> up = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            String[] nodeState = line.strip().split("\\s+");
            if (nodeState.length == 2 && UP_STATES.contains(nodeState[1].replaceAll("\\W+$", ""))) {
                up.add(nodeState[0]);
            }
        }
        if (up.isEmpty()) {
            unusable = "no Slurm node is up; sinfo shows: " + (r.out().isBlank() ? "no nodes" : r.out().strip()) + hint;
            return;
        }
        cluster = new SlurmCluster(String.join(",", up));
        System.out.println("Slurm tests on node(s) " + cluster.nodes);
    }

    /** The nodes sinfo showed up, comma-separated. */
    public String nodes() {
        return nodes;
    }

    /**
     * One finished command: its exit code (-1 when it was killed for taking longer than its
     * timeout), stdout and stderr.
     */
    public record Result(List<String> command, int code, boolean timedOut, String out, String err) {
        @Override
        public String toString() {
            return String.join(" ", command) + ": " + (timedOut ? "timed out" : "exit " + code)
                    + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs a Slurm client command (squeue, scancel, scontrol, ...) in {@code dir}. */
    public Result query(Path dir, String... command) throws IOException {
        return run(dir, QUERY_TIMEOUT, command);
    }

    /**
     * {@code sbatch --wait --parsable ARGUMENTS} in {@code dir}: submits and returns when the job
     * (every task of an array) has ended. Its exit code is the highest of the tasks' exit codes, a
     * task killed by a signal counting as 1 (docs/slurm.md). A job still running at the timeout is
     * cancelled and the result says it timed out.
     */
    public Result sbatchWait(Path dir, Duration timeout, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("sbatch", "--wait", "--parsable"));
        command.addAll(Arrays.asList(arguments));
        Result r = run(dir, timeout, command.toArray(String[]::new));
        if (r.timedOut()) {
            String jobId = jobId(r);
            if (!jobId.isEmpty()) {
                query(dir, "scancel", jobId);
            }
        }
        return r;
    }

    /** The job id --parsable printed ("123", or "123;cluster"), or "" if none was printed. */
    public static String jobId(Result sbatch) {
        String first = sbatch.out().strip().split("\n")[0];
        return first.split(";")[0].strip();
    }

    private static Result run(Path dir, Duration timeout, String... command) throws IOException {
        // Output goes to files, not pipes: a command that writes more than a pipe holds cannot block.
        Path out = Files.createTempFile(dir, "slurm-command", ".out");
        Path err = Files.createTempFile(dir, "slurm-command", ".err");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.destroyForcibly();
        }
        try {
            return new Result(List.of(command), finished ? p.exitValue() : -1, !finished,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
