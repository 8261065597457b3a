package org.balnet.sim.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.SimulationBatch;
import org.balnet.sim.StepSize;

import java.util.Arrays;
import java.util.List;

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
     * @param neuronStepsPerSecond     2n R steps / median seconds
     * @param spikesPerSecond          the exact backend's spikes per second over the timed steps (a step of
     *                                 it is one record interval); absent for the tau-leaped backends
     * @param replicas                 networks advanced together (each of n per population); the neuron-steps
     *                                 count all of them
     */
    public record Result(String backend, String device, String scenario, long n, String precision, String sampler,
                         String scheme,
                         int threads, int steps, int repeats, @JsonProperty("seconds_per_step") double secondsPerStep,
                         @JsonProperty("seconds_per_step_min") double secondsPerStepMin,
                         @JsonProperty("seconds_per_step_max") double secondsPerStepMax,
                         @JsonProperty("neuron_steps_per_s") double neuronStepsPerSecond,
                         @JsonProperty("spikes_per_s") Double spikesPerSecond, int replicas) {
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
        Simulation created;
        try {
            created = new Simulation(scenario, engine, scenario.run().scheme(), step.h(), initial.mean());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return measure(scenario, SimulationBatch.of(created), engine.backend(), engine.device(), engine.sampler(),
                engine.eventDriven(), precision, threads, warmup, steps, repeats);
    }

    /**
     * The step of R replicas advanced together ({@link EngineBatch}): neuron-steps count every replica's
     * neurons, 2 n R per step.
     *
     * @param scenarios replica r's network (its seed the engine's replica r's)
     * @param engines   the batch, which the benchmark closes
     */
    public static Result run(List<Scenario> scenarios, InitialPoint initial, StepSize.Choice step,
                             EngineBatch engines, Precision precision, int threads, int warmup, int steps,
                             int repeats) {
        SimulationBatch created;
        try {
            created = SimulationBatch.start(scenarios, engines, scenarios.get(0).run().scheme(), step.h(),
                    initial.mean());
        } catch (RuntimeException e) {
            engines.close();
            throw e;
        }
        return measure(scenarios.get(0), created, engines.backend(), engines.device(), engines.sampler(),
                engines.eventDriven(), precision, threads, warmup, steps, repeats);
    }

    private static Result measure(Scenario scenario, SimulationBatch created, String backend, String device,
                                  Sampler sampler, boolean eventDriven, Precision precision, int threads, int warmup,
                                  int steps, int repeats) {
        double[] seconds = new double[repeats];
        int replicas = created.size();
        boolean[] all = new boolean[replicas];
        Arrays.fill(all, true);
        long spikesBefore;
        Long spikesAfter;
        try (SimulationBatch batch = created) {
            for (int i = 0; i < warmup; i++) {
                batch.step(all);
            }
            spikesBefore = spikes(batch) == null ? 0 : spikes(batch);
            for (int rep = 0; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    batch.step(all);
                }
                seconds[rep] = (System.nanoTime() - t0) * 1e-9;
            }
            spikesAfter = spikes(batch);
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = repeats % 2 == 1 ? sorted[repeats / 2] : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);
        Double spikesPerSecond = spikesAfter == null ? null
                : (spikesAfter - spikesBefore) / Arrays.stream(seconds).sum();
        return new Result(backend, device, scenario.name(), scenario.n(), precision.key, sampler.key,
                eventDriven ? "none (event-driven)" : scenario.run().scheme().key, threads, steps, repeats,
                median / steps, sorted[0] / steps, sorted[repeats - 1] / steps,
                2.0 * scenario.n() * replicas * steps / median, spikesPerSecond, replicas);
    }

    /** The spikes the replicas' engines have counted (the exact backend), or null where they count none. */
    private static Long spikes(SimulationBatch batch) {
        Long total = null;
        for (Simulation sim : batch.simulations()) {
            Object spikes = sim.engine().counters().get("spikes");
            if (spikes != null) {
                total = (total == null ? 0 : total) + (Long) spikes;
            }
        }
        return total;
    }
}
