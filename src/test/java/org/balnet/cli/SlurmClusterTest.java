package org.balnet.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two properties of a real Slurm that {@code validate --plan slurm} builds on: an array job
 * submitted with {@code sbatch --wait} runs every task, each with its own SLURM_ARRAY_TASK_ID; and
 * sbatch's exit code is the highest of the tasks' exit codes. Skipped with the reason printed where
 * Slurm is not usable (see {@link SlurmCluster}).
 */
@Tag("slow")
class SlurmClusterTest {
    /** Queueing, a few seconds of sbatch's polling, and two tasks that each write one line. */
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    private Path script(String body) throws IOException {
        Path script = tmp.resolve("job.sh");
        Files.writeString(script, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void aTwoTaskArrayJobRunsBothTasks() throws IOException {
        SlurmCluster slurm = SlurmCluster.require();
        Path script = script("echo \"$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_JOB_ID\""
                + " > task-$SLURM_ARRAY_TASK_ID.txt\n");
        SlurmCluster.Result r = slurm.sbatchWait(tmp, JOB_TIMEOUT, "--array=0-1", "--job-name=balnet-test",
                "--output=" + tmp.resolve("slurm-%A_%a.out"), script.toString());
        assertFalse(r.timedOut(), r.toString());
        assertEquals(0, r.code(), r.toString());
        String arrayJob = SlurmCluster.jobId(r);
        for (int task = 0; task < 2; task++) {
            Path written = tmp.resolve("task-" + task + ".txt");
            assertTrue(Files.exists(written), "task " + task + " of array job " + arrayJob + " did not run; " + r);
            assertEquals(task + " 2 " + arrayJob, Files.readString(written).strip(), "task " + task + "'s environment");
        }
    }

    @Test
    void sbatchWaitExitsWithTheHighestExitCodeOfTheTasks() throws IOException {
        SlurmCluster slurm = SlurmCluster.require();
        // Task 1 fails with 3, task 2 with 2, task 0 succeeds: sbatch --wait must report 3, not the
        // last task's code nor the first.
        Path script = script("case $SLURM_ARRAY_TASK_ID in 1) exit 3 ;; 2) exit 2 ;; esac\n");
        SlurmCluster.Result r = slurm.sbatchWait(tmp, JOB_TIMEOUT, "--array=0-2", "--job-name=balnet-test",
                "--output=" + tmp.resolve("slurm-%A_%a.out"), script.toString());
        assertFalse(r.timedOut(), r.toString());
        assertEquals(3, r.code(), r.toString());
    }
}
