package org.balnet.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A study through a real Slurm: {@code validate --plan slurm} writes the job array, {@code sbatch --wait}
 * runs it (each task a balnet process, {@code validate --task I DIR} under srun), {@code --collect}
 * merges it, and the files are those of a local validate of the same study, byte for byte but for the wall
 * times ({@link StudyFiles}). Then a running task is sent SIGTERM through Slurm: it checkpoints, exits
 * 143, the batch script requeues it, the restarted task resumes from its checkpoint, and the study still
 * collects to the local validate's files. Skipped with the reason printed where Slurm is not usable, failed
 * there under BALNET_REQUIRE_SLURM=1 ({@link SlurmCluster}).
 */
@Tag("slow")
class SlurmStudyTest {
    /** Queueing, Slurm's scheduling passes (5 s here), a JVM per task, a requeue (10 s and more). */
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(8);
    private static final long SIGNAL_TIMEOUT_SECONDS = 240;

    @TempDir
    Path tmp;

    /** A launcher for the tasks: this JVM's java and class path, as hosts/balnet runs the jar. */
    private Path launcher() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = tmp.resolve("balnet-launcher.sh");
        Files.writeString(script, "#!/bin/bash\nexec '" + java + "' -Xmx512m -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertFalse(System.getProperty("java.class.path").contains("'"), "a class path the launcher can quote");
        return script;
    }

    private static String jobName() {
        return "balnet-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String log(Path study) throws IOException {
        StringBuilder sb = new StringBuilder();
        Path logs = study.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> s = Files.list(logs)) {
                for (Path p : s.sorted().toList()) {
                    sb.append("--- ").append(p.getFileName()).append('\n').append(Files.readString(p));
                }
            }
        }
        return sb.toString();
    }

    /** A local validate's exit code and files (moved aside). */
    private record Local(int code, Path files) {
    }

    /**
     * Runs {@code study} here into {@code out}, moves its files aside, then plans the same study for Slurm
     * into {@code out}: both then report the same command.
     */
    private Local localThenPlan(List<String> study, Path out, String... planOptions) throws IOException {
        Cli.Result local = Cli.run(ValidateStudyCommandTest.args(study, "--out", out.toString()));
        assertTrue(local.code() == 0 || local.code() == 1, local.toString());
        Path files = ValidateStudyCommandTest.moveAside(out);
        List<String> plan = new java.util.ArrayList<>(List.of("--out", out.toString(), "--plan", "slurm",
                "--launcher", launcher().toString()));
        plan.addAll(List.of(planOptions));
        Cli.Result planned = Cli.run(ValidateStudyCommandTest.args(study, plan.toArray(String[]::new)));
        assertEquals(0, planned.code(), planned.toString());
        return new Local(local.code(), files);
    }

    @Test
    void aStudyThroughSlurmCollectsToTheFilesOfALocalValidate() throws IOException {
        SlurmCluster slurm = SlurmCluster.require();
        // n = 1e3 and 1e4, 4 replicas, two per shard: 4 array tasks of one core each
        List<String> study = List.of("validate", "--scenario", "mv-6.1", "--n", "1e3,1e4", "--replicas", "4",
                "--t-end", "2", "--seed", "3", "--backend", "cpu", "--threads", "1");
        Path out = tmp.resolve("study");
        Local local = localThenPlan(study, out, "--replicas-per-shard", "2");
        SlurmCluster.Result job = slurm.sbatchWait(tmp, JOB_TIMEOUT, "--job-name=" + jobName(),
                out.resolve("study.sbatch").toString());
        assertFalse(job.timedOut(), job + log(out));
        assertEquals(0, job.code(), job + log(out));
        String logs = log(out);
        for (int task = 0; task < 4; task++) {
            assertTrue(logs.contains("task " + task + " completed"), "task " + task + "\n" + logs);
        }

        Cli.Result collect = Cli.run("validate", "--collect", out.toString());
        assertEquals(local.code(), collect.code(), "the same checks pass and fail\n" + collect + logs);
        collect.assertNoStackTrace();
        StudyFiles.assertSameExceptWallTimes(local.files(), out);
    }

    @Test
    void aTaskSignalledThroughSlurmCheckpointsIsRequeuedResumesAndTheStudyCompletes() throws Exception {
        SlurmCluster slurm = SlurmCluster.require();
        // task 1 (n = 1e4, 2000 steps, several seconds) is signalled once its trajectory has 100 rows
        List<String> study = List.of("validate", "--scenario", "mv-6.1", "--n", "1e3,1e4", "--replicas", "1",
                "--t-end", "20", "--seed", "4", "--backend", "cpu", "--threads", "1");
        Path out = tmp.resolve("study");
        Local local = localThenPlan(study, out);
        String name = jobName();
        CompletableFuture<SlurmCluster.Result> job = CompletableFuture.supplyAsync(() -> {
            try {
                return slurm.sbatchWait(tmp, JOB_TIMEOUT, "--job-name=" + name, out.resolve("study.sbatch").toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path trajectory = out.resolve("replicas").resolve("n10000-r0").resolve("trajectory.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SIGNAL_TIMEOUT_SECONDS);
        while (lines(trajectory) < 100) {
            if (job.isDone()) {
                fail("the job ended before task 1 was under way: " + job.get() + log(out));
            }
            if (System.nanoTime() > deadline) {
                fail("task 1 did not get under way within " + SIGNAL_TIMEOUT_SECONDS + " s\n" + log(out));
            }
            Thread.sleep(100);
        }
        SlurmCluster.Result ids = slurm.query(tmp, "squeue", "-h", "-n", name, "-o", "%F");
        String arrayJob = ids.out().strip().split("\n")[0].strip();
        assertFalse(arrayJob.isEmpty(), ids.toString());
        SlurmCluster.Result signal = slurm.query(tmp, "scancel", "--signal=TERM", arrayJob + "_1");
        assertEquals(0, signal.code(), signal.toString());

        SlurmCluster.Result done = job.get(JOB_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
        assertFalse(done.timedOut(), done + log(out));
        assertEquals(0, done.code(), done + log(out));
        String logs = log(out);
        String task1 = logs.substring(logs.indexOf("--- task-1.log"));
        assertTrue(task1.contains("SIGTERM received"), task1);
        assertTrue(task1.contains("task 1 interrupted by SIGTERM after a checkpoint"), task1);
        assertTrue(task1.contains("batch script: requeueing " + arrayJob + "_1"), task1);
        assertTrue(task1.contains("start 2"), "the task ran again after its requeue\n" + task1);
        assertTrue(task1.contains("resuming from t = "), task1);
        assertTrue(task1.contains("task 1 completed"), task1);
        String shard = Files.readString(out.resolve("shards").resolve("shard-1.json"));
        assertTrue(shard.contains("\"restarts\": 1") && shard.contains("\"attempts\": 2"), shard);

        Cli.Result collect = Cli.run("validate", "--collect", out.toString());
        assertEquals(local.code(), collect.code(), collect + logs);
        StudyFiles.assertSameExceptWallTimes(local.files(), out);
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        }
    }
}
