package org.balnet.validate.study;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * {@code replica.json} in a study replica's directory: which replica it is, how far it got, and, once
 * done, what {@link org.balnet.validate.Replica} needs beside trajectory.csv. Rewritten (atomically)
 * when a run of the replica starts and when it ends.
 *
 * @param studyId     the study it belongs to ({@link Manifest#studyId()})
 * @param n           neurons per population
 * @param replica     replica number
 * @param seed        its RNG key
 * @param status      the run's status after its last segment: running, interrupted, completed,
 *                    left-balanced-state
 * @param done        completed or left the balanced state: nothing more to run
 * @param message     why it stopped early (empty when completed)
 * @param h           time step
 * @param backend     engine of the last segment
 * @param device      its device
 * @param steps       steps taken in all
 * @param wallSeconds stepping time of all segments together
 * @param segments    one per run of the replica: the first, then each resumed one
 * @param histograms  files of the state histograms in the order they were taken (set when done)
 */
record ReplicaRecord(@JsonProperty("study_id") String studyId, long n, int replica, long seed, String status,
                     boolean done, String message, double h, String backend, String device, long steps,
                     @JsonProperty("wall_seconds") double wallSeconds, List<Segment> segments,
                     List<String> histograms) {
    static final String FILE = "replica.json";

    /**
     * One run of the replica: from the step it started (0, or its checkpoint's) to the step it ended.
     *
     * @param fromStep    first step
     * @param toStep      step reached
     * @param wallSeconds stepping time
     * @param status      how it ended
     */
    record Segment(@JsonProperty("from_step") long fromStep, @JsonProperty("to_step") long toStep,
                   @JsonProperty("wall_seconds") double wallSeconds, String status) {
    }
}
