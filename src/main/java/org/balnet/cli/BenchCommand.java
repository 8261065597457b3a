package org.balnet.cli;

import org.balnet.io.Json;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.validate.ReplicaSeeds;
import org.balnet.sim.run.StepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code balnet bench}: throughput of the time step ({@link StepBenchmark}), as one JSON line. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Time the simulation step and print its throughput as one JSON line.",
        description = {"Runs S steps after a warm-up, repeated, and prints one JSON line with backend, device, n, "
                + "precision, steps, repeats, seconds per step and neuron_steps_per_s (2n * steps / seconds, median "
                + "of the repeats); with --backend exact a step is one record interval and the line adds "
                + "spikes_per_s."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    RunOptions options;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "20", description = "Steps per repeat (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "5", description = "Timed repeats (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--replicas", paramLabel = "R",
            description = "Advance R independent networks of n neurons together (replica r keyed by the seed "
                    + "validate derives for it from --seed); neuron_steps_per_s counts all of them (default: one "
                    + "network, keyed by --seed).")
    Integer replicas;

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
        if (replicas != null && replicas < 1) {
            throw InputError.outOfRange("--replicas", replicas, ">= 1");
        }
        RunOptions.Resolved r = options.resolve();
        StepBenchmark.Result result;
        if (replicas == null) {
            result = StepBenchmark.run(r.scenario(), r.initial(), r.step(), options.createEngine(r, err), r.precision(),
                    r.threads(), warmup, steps, repeats);
        } else {
            List<Scenario> scenarios = ReplicaSeeds.scenarios(r.scenario(), replicas);
            long[] seeds = scenarios.stream().mapToLong(s -> s.run().seed()).toArray();
            result = StepBenchmark.run(scenarios, r.initial(), r.step(), options.engine.createBatch(
                    options.engine.backend(), r.scenario(), r.precision(), seeds, r.sampler(), r.threads(),
                    r.step().h(), err), r.precision(), r.threads(), warmup, steps, repeats);
        }
        out.println(Json.writeLine(result));
        out.flush();
        return Main.EXIT_OK;
    }
}
