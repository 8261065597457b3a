package org.balnet.cli;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.OutputDirectory;
import org.balnet.model.Scenario;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Runner;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;
import org.balnet.sim.TrajectoryColumns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code balnet simulate}: the stochastic network, recorded to trajectory.csv. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate the 2n-neuron network (2.1)-(2.3) with the O(n) step by Poisson superposition.",
                "Writes DIR/trajectory.csv (t,v_e,v_i,K_e,K_i,F_e,F_i,Q_..,J_..: empirical means (4.1)-(4.2), "
                        + "variances (4.3)-(4.4), balance residuals, rates, Jacobian) and DIR/run.json.",
                "Exit codes: 0 completed, 1 failed or left the balanced state, 2 bad input."})
public final class SimulateCommand implements Callable<Integer> {
    @Mixin
    RunOptions options;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created; must be empty unless --force).")
    Path out;

    @Option(names = "--force", description = "Write into a non-empty --out directory.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        RunOptions.Resolved r = options.resolve(stderr);
        Scenario scenario = r.scenario();
        OutputDirectory.prepare(out, force);

        Map<String, Object> runJson = new LinkedHashMap<>();
        runJson.put("command", "simulate");
        runJson.put("status", RunStatus.RUNNING.key);
        runJson.put("scenario", scenario.toMap());
        runJson.put("initial_point", r.initial().toMap());
        runJson.put("backend", options.backend);
        runJson.put("precision", r.precision().key);
        runJson.put("scheme", scenario.run().scheme().key);
        runJson.put("h", r.step().h());
        runJson.put("explicit_stability_bound", r.step().explicitBound());
        runJson.put("seed", scenario.run().seed());
        runJson.put("threads", r.threads());
        runJson.put("imbalance_limit", r.imbalanceLimit());
        runJson.put("versions", Version.versions());
        Path runFile = out.resolve("run.json");
        AtomicFiles.writeString(runFile, Json.write(runJson));

        long started = System.nanoTime();
        Runner.Outcome outcome;
        try (Engine engine = options.createEngine(r, stderr);
             Simulation sim = new Simulation(scenario, engine, scenario.run().scheme(), r.step().h(),
                     r.initial().mean());
             CsvWriter csv = CsvWriter.create(out.resolve("trajectory.csv"), TrajectoryColumns.HEADER);
             Progress progress = Progress.start(stderr, "simulate", r.step().totalSteps(), scenario.n())) {
            runJson.put("backend", engine.backend());
            runJson.put("device", engine.device());
            stdout.printf(Locale.ROOT, "simulating %s: n = %d per population, %s, %s, h = %s, %d steps to t = %s, "
                            + "backend %s (%s)%n", scenario.name(), scenario.n(), r.precision().key,
                    scenario.run().scheme().key, r.step().h(), r.step().totalSteps(), scenario.run().tEnd(),
                    engine.backend(), engine.device());
            stdout.flush();
            Runner runner = new Runner(scenario.run().recordEvery(), r.step().stepsPerRecord(), r.imbalanceLimit());
            Runner.Recorder recorder = (t, o) -> csv.row(TrajectoryColumns.row(t, o));
            runner.recordIfDue(sim, recorder);
            outcome = runner.run(sim, r.step().totalSteps(), recorder, s -> progress.step(s.observables().time()),
                    () -> false);
            Observables last = sim.observables();
            runJson.put("final", Map.of("t", last.time(), "v_e", last.mean()[0], "v_i", last.mean()[1],
                    "K_e", last.variance()[0], "K_i", last.variance()[1]));
        } catch (RuntimeException e) {
            runJson.put("status", RunStatus.FAILED.key);
            runJson.put("error", String.valueOf(e.getMessage()));
            runJson.put("wall_seconds", (System.nanoTime() - started) * 1e-9);
            AtomicFiles.writeString(runFile, Json.write(runJson));
            throw e;
        }
        double wall = (System.nanoTime() - started) * 1e-9;
        runJson.put("status", outcome.status().key);
        runJson.put("steps", outcome.steps());
        runJson.put("t_reached", outcome.endTime());
        runJson.put("wall_seconds", wall);
        runJson.put("stepping_seconds", outcome.wallSeconds());
        runJson.put("neuron_steps_per_s", outcome.neuronStepsPerSecond(scenario.n()));
        if (!outcome.message().isEmpty()) {
            runJson.put("message", outcome.message());
        }
        AtomicFiles.writeString(runFile, Json.write(runJson));
        stdout.printf(Locale.ROOT, "%s: %d steps in %.2f s (%.3g neuron-steps/s); wrote %s and %s%n",
                outcome.status().key, outcome.steps(), outcome.wallSeconds(),
                outcome.neuronStepsPerSecond(scenario.n()), out.resolve("trajectory.csv"), runFile);
        stdout.flush();
        if (outcome.status() == RunStatus.LEFT_BALANCED_STATE) {
            throw new RunFailure(outcome.message() + "; everything up to then is in " + out);
        }
        return Main.EXIT_OK;
    }
}
