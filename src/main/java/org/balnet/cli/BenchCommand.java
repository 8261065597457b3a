package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.sim.Engine;
import org.balnet.sim.Simulation;
import org.balnet.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code balnet bench}: throughput of the time step, as one JSON line. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the simulation step: S steps after a warm-up, repeated; prints one JSON line with",
                "backend, device, n, precision, steps, repeats, seconds per step and neuron_steps_per_s",
                "(2n * steps / seconds, median of the repeats); with --backend exact a step is one record",
                "interval and the line adds spikes_per_s."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    RunOptions options;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "20", description = "Steps per repeat (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "5", description = "Timed repeats (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (steps < 1) {
            throw InputError.outOfRange("--steps", steps, ">= 1");
        }
        if (repeats < 1) {
            throw InputError.outOfRange("--repeats", repeats, ">= 1");
        }
        if (warmup < 0) {
            throw InputError.outOfRange("--warmup", warmup, ">= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RunOptions.Resolved r = options.resolve(err);
        Scenario scenario = r.scenario();
        double[] seconds = new double[repeats];
        Map<String, Object> line = new LinkedHashMap<>();
        try (Engine engine = options.createEngine(r, err);
             Simulation sim = new Simulation(scenario, engine, scenario.run().scheme(), r.step().h(),
                     r.initial().mean())) {
            for (int i = 0; i < warmup; i++) {
                sim.step();
            }
            Object spikesBefore = engine.counters().get("spikes");
            for (int rep = 0; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    sim.step();
                }
                seconds[rep] = (System.nanoTime() - t0) * 1e-9;
            }
            line.put("backend", engine.backend());
            line.put("device", engine.device());
            line.put("event_driven", engine.eventDriven());
            if (spikesBefore != null) {
                // The exact backend's work is its spikes, not neuron-steps (a step is one record interval).
                long spikes = (Long) engine.counters().get("spikes") - (Long) spikesBefore;
                line.put("spikes_per_s", spikes / java.util.Arrays.stream(seconds).sum());
                line.put("work", engine.counters());
            }
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = repeats % 2 == 1 ? sorted[repeats / 2] : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);
        line.put("scenario", scenario.name());
        line.put("n", scenario.n());
        line.put("precision", r.precision().key);
        line.put("scheme", Boolean.TRUE.equals(line.get("event_driven")) ? "none (event-driven)"
                : scenario.run().scheme().key);
        line.remove("event_driven");
        line.put("threads", r.threads());
        line.put("steps", steps);
        line.put("repeats", repeats);
        line.put("seconds_per_step", median / steps);
        line.put("seconds_per_step_min", sorted[0] / steps);
        line.put("seconds_per_step_max", sorted[repeats - 1] / steps);
        line.put("neuron_steps_per_s", 2.0 * scenario.n() * steps / median);
        out.println(Json.writeLine(line));
        out.flush();
        return Main.EXIT_OK;
    }
}
