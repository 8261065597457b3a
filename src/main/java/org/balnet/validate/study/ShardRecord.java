package org.balnet.validate.study;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code shards/shard-I.json}: how the last run of array task I ended. Written (atomically) at the end
 * of every run of the task, so that {@code --collect} can tell a failed shard, with its cause, from one
 * that has not run or was stopped.
 *
 * @param studyId     the study ({@link Manifest#studyId()})
 * @param task        the array task index
 * @param status      {@link Status#key}
 * @param error       why the last run failed, or null
 * @param attempts    runs of the task so far
 * @param wallSeconds wall time of all its runs together
 * @param host        the machine of the last run
 * @param slurmJob    ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} of the last run, or null outside Slurm
 * @param restarts    $SLURM_RESTART_COUNT of the last run (0 outside Slurm or before any requeue)
 */
record ShardRecord(@JsonProperty("study_id") String studyId, int task, String status, String error, int attempts,
                   @JsonProperty("wall_seconds") double wallSeconds, String host,
                   @JsonProperty("slurm_job") String slurmJob, int restarts) {

    /** How a run of a shard ended. */
    enum Status {
        /** every replica is done */
        COMPLETED("completed"),
        /** stopped (SIGTERM, SIGINT) after a checkpoint: runs on when started again */
        INTERRUPTED("interrupted"),
        /** a failure at run time: the error says which */
        FAILED("failed");

        final String key;

        Status(String key) {
            this.key = key;
        }
    }

    boolean is(Status s) {
        return s.key.equals(status);
    }
}
