package org.balnet.sim.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.model.Scenario;
import org.balnet.sim.Engine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;

import java.util.Arrays;

/**
 * {@code balnet bench}: times the step of a simulation, S steps after a warm-up, repeated, and reports
 * the median as neuron-steps per second.
 */
public final class StepBenchmark {

    /**
     * What one benchmark measured: bench's JSON line. Its keys are a contract with the scripts that read
     * it (added, never renamed).
     *
     * @param backend                  the engine, e.g. "cpu"
     * @param device                   its device, in words
     * @param scenario                 scenario name
     * @param n                        neurons per population
     * @param precision                "fp64" or "fp32"
     * @param sampler                  how the spike counts are drawn: "table" or "ptrs"
     * @param scheme                   common-mode scheme
     * @param threads                  CPU threads
     * @param steps                    steps per repeat
     * @param repeats                  timed repeats
     * @param secondsPerStep           median over the repeats
     * @param secondsPerStepMin        fastest repeat
     * @param secondsPerStepMax        slowest repeat
     * @param neuronStepsPerSecond     2n steps / median seconds
     * @param spikesPerSecond          the exact backend's spikes per second over the timed steps (a step of
     *                                 it is one record interval); absent for the tau-leaped backends
     */
    public record Result(String backend, String device, String scenario, long n, String precision, String sampler,
                         String scheme,
                         int threads, int steps, int repeats, @JsonProperty("seconds_per_step") double secondsPerStep,
                         @JsonProperty("seconds_per_step_min") double secondsPerStepMin,
                         @JsonProperty("seconds_per_step_max") double secondsPerStepMax,
                         @JsonProperty("neuron_steps_per_s") double neuronStepsPerSecond,
                         @JsonProperty("spikes_per_s") Double spikesPerSecond) {
    }

    private StepBenchmark() {
    }

    /**
     * @param engine  the engine, which the benchmark closes
     * @param warmup  untimed steps first
     * @param steps   steps per repeat, at least 1
     * @param repeats timed repeats, at least 1
     */
    public static Result run(Scenario scenario, InitialPoint initial, StepSize.Choice step, Engine engine,
                             Precision precision, int threads, int warmup, int steps, int repeats) {
        double[] seconds = new double[repeats];
        String backend;
        String device;
        String sampler;
        boolean eventDriven;
        Object spikesBefore;
        Object spikesAfter;
        Simulation created;
        try {
            created = new Simulation(scenario, engine, scenario.run().scheme(), step.h(), initial.mean());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        try (Simulation sim = created) {
            for (int i = 0; i < warmup; i++) {
                sim.step();
            }
            spikesBefore = engine.counters().get("spikes");
            for (int rep = 0; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    sim.step();
                }
                seconds[rep] = (System.nanoTime() - t0) * 1e-9;
            }
            backend = engine.backend();
            device = engine.device();
            sampler = engine.sampler().key;
            eventDriven = engine.eventDriven();
            spikesAfter = engine.counters().get("spikes");
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = repeats % 2 == 1 ? sorted[repeats / 2] : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);
        Double spikesPerSecond = spikesAfter == null ? null
                : ((Long) spikesAfter - (Long) spikesBefore) / Arrays.stream(seconds).sum();
        return new Result(backend, device, scenario.name(), scenario.n(), precision.key, sampler,
                eventDriven ? "none (event-driven)" : scenario.run().scheme().key, threads, steps, repeats,
                median / steps, sorted[0] / steps, sorted[repeats - 1] / steps, 2.0 * scenario.n() * steps / median,
                spikesPerSecond);
    }
}
