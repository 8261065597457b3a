package org.balnet.sim.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.io.Versions;
import org.balnet.sim.InitialPoint;

import java.util.Map;

/**
 * run.json of {@code simulate}: the run's settings, where it stands, and how it ended. The file is a
 * contract with the tools that read it: keys are added, never renamed. A null component is left out
 * of the file: the keys from {@code resumed_from} on appear as the run gets there.
 *
 * @param command                "simulate"
 * @param status                 {@link org.balnet.sim.RunStatus}: running, completed, failed, interrupted,
 *                               left-balanced-state
 * @param scenario               the resolved scenario ({@link org.balnet.model.Scenario#toMap()})
 * @param initialPoint           the balanced initial point and its J_v eigenvalues
 * @param backend                the engine, e.g. "cpu"
 * @param device                 the engine's device, in words
 * @param precision              "fp64" or "fp32"
 * @param sampler                how the spike counts are drawn: "table" or "ptrs" (docs/sampler.md); "none" for
 *                               the exact backend, which draws no counts
 * @param counterLayout          the version of the counter layout of the run's random numbers
 * @param scheme                 common-mode scheme ("none (event-driven)" for the exact backend)
 * @param h                      time step; absent for the exact backend, which has none
 * @param explicitStabilityBound the explicit scheme's largest stable step at the initial point
 * @param seed                   RNG key
 * @param threads                CPU threads
 * @param imbalanceLimit         relative imbalance at which the run stops
 * @param checkpointEvery        simulated time between periodic checkpoints; absent without them
 * @param versions               balnet, Java, OS
 * @param resumedFrom            the checkpoint a resumed run continued from
 * @param checkpoint             the newest checkpoint written
 * @param last                   the observables at the end
 * @param steps                  steps taken (by this invocation, when resumed)
 * @param tReached               simulated time reached
 * @param wallSeconds            wall time of the whole invocation
 * @param steppingSeconds        wall time of the stepping
 * @param neuronStepsPerSecond   2n steps / stepping seconds
 * @param explicitFallbackSteps  steps on which semi-implicit took the explicit shift
 * @param message                why the run stopped early, or what it noted on the way
 * @param checkpointError        why the checkpoint on interruption could not be written
 * @param error                  why the run failed
 * @param monitors               what the run records besides trajectory.csv; absent when nothing
 * @param work                   the exact backend's counts of candidates, spikes and rate evaluations
 */
public record RunJson(String command, String status, Map<String, Object> scenario,
                      @JsonProperty("initial_point") InitialPoint.Summary initialPoint,
                      String backend, String device, String precision, String sampler,
                      @JsonProperty("counter_layout") int counterLayout, String scheme, Double h,
                      @JsonProperty("explicit_stability_bound") double explicitStabilityBound, long seed,
                      int threads, @JsonProperty("imbalance_limit") double imbalanceLimit,
                      @JsonProperty("checkpoint_every") Double checkpointEvery, Versions versions,
                      @JsonProperty("resumed_from") ResumedFrom resumedFrom, Checkpoint checkpoint,
                      @JsonProperty("final") Final last, Long steps, @JsonProperty("t_reached") Double tReached,
                      @JsonProperty("wall_seconds") Double wallSeconds,
                      @JsonProperty("stepping_seconds") Double steppingSeconds,
                      @JsonProperty("neuron_steps_per_s") Double neuronStepsPerSecond,
                      @JsonProperty("explicit_fallback_steps") Long explicitFallbackSteps, String message,
                      @JsonProperty("checkpoint_error") String checkpointError, String error, Monitors monitors,
                      Map<String, Object> work) {
    /** The file's name in the run directory. */
    public static final String FILE = "run.json";

    /**
     * A checkpoint of the run.
     *
     * @param file the file, relative to the run directory
     * @param step its step
     * @param t    its time
     */
    public record Checkpoint(String file, long step, double t) {
    }

    /**
     * The monitors of the run.
     *
     * @param options the options that configure them, canonically spelled ("--record-neurons": "e:0-9,i:0-9")
     * @param files   the files they write, relative to the run directory
     */
    public record Monitors(Map<String, String> options, java.util.List<String> files) {
    }

    /** The checkpoint a resumed run continued from (its file under the key "checkpoint"). */
    public record ResumedFrom(String checkpoint, long step, double t) {
    }

    /**
     * The empirical moments (4.1)-(4.4) where the run ended.
     *
     * @param t         time
     * @param meanE     v-hat_e
     * @param meanI     v-hat_i
     * @param varianceE K-hat_e
     * @param varianceI K-hat_i
     */
    public record Final(double t, @JsonProperty("v_e") double meanE, @JsonProperty("v_i") double meanI,
                        @JsonProperty("K_e") double varianceE, @JsonProperty("K_i") double varianceI) {
    }
}
