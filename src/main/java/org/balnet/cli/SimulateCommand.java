package org.balnet.cli;

import org.balnet.io.Json;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.io.OutputDirectory;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.Observables;
import org.balnet.rng.Sampler;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.StepSize;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.checkpoint.CheckpointException;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.balnet.sim.monitor.MonitorConfig;
import org.balnet.sim.monitor.Monitors;
import org.balnet.sim.run.EngineFactory;
import org.balnet.sim.run.RecordedRun;
import org.balnet.sim.run.Resume;
import org.balnet.sim.run.RunConfig;
import org.balnet.sim.run.RunJson;
import org.balnet.validate.ReplicaSeeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code balnet simulate}: parses the options of a run, starts it ({@link RecordedRun#start}) or resumes
 * it ({@link RecordedRun#resume}), runs it with a progress display and SIGINT/SIGTERM as the stop
 * request ({@link SignalTrap}), says what happened and maps the outcome to an exit code. What a run
 * does with its directory (trajectory.csv, run.json, checkpoints) is {@link RecordedRun}'s.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Simulate the 2n-neuron network (2.1)-(2.3) with the O(n) step by Poisson superposition.",
        description = {
                "Writes DIR/trajectory.csv (t,v_e,v_i,K_e,K_i,F_e,F_i,Q_..,J_..: empirical means (4.1)-(4.2), "
                        + "variances (4.3)-(4.4), imbalances F, rates, Jacobian), DIR/run.json and, with "
                        + "checkpoints, DIR/checkpoint/; with monitors, DIR/neurons.csv, DIR/histograms.csv and "
                        + "DIR/snapshots/ (draw the histograms with balnet plot DIR).",
                "On SIGINT or SIGTERM the run finishes its step, writes a checkpoint and exits with 130 or 143; "
                        + "continue it with --resume DIR.",
                "Exit codes: 0 completed, 1 failed or left the balanced state, 2 bad input, 130/143 interrupted."})
public final class SimulateCommand implements Callable<Integer> {
    /** Options that define the run being resumed, so --resume refuses them. */
    static final List<String> FIXED_ON_RESUME = Stream.concat(Stream.of("--scenario", "--n", "--seed", "--scheme",
            "--dt", "--record-every", "--out", "--force", "--replicas"), MonitorOptions.NAMES.stream()).toList();
    /** The directory of replica r of a batched run, under --out. */
    static final String REPLICA_DIRECTORY = "replica-";

    @Mixin
    RunOptions options;

    @Mixin
    MonitorOptions monitors;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (created; must be empty unless --force). Required unless --resume.")
    Path out;

    @Option(names = "--force", description = "Write into a non-empty --out directory (its checkpoints are removed).")
    boolean force;

    @Option(names = "--checkpoint-every", paramLabel = "D",
            description = "Write a checkpoint every D of simulated time, a whole multiple of the record interval "
                    + "(the last two are kept in DIR/checkpoint/). Default: only when interrupted; when resuming, "
                    + "the resumed run's.")
    Double checkpointEvery;

    @Option(names = "--replicas", paramLabel = "R",
            description = "Simulate R independent networks of n neurons together (one pass of the engine per step), "
                    + "replica r in DIR/replica-r/ with the files a run alone writes, keyed by the seed validate "
                    + "derives from --seed for replica r (run.json records it): each replica's files are those of "
                    + "simulate --seed <that seed> alone, byte for byte. A replica that leaves the balanced state "
                    + "stops alone. Resume a replica with --resume DIR/replica-r.")
    Integer replicas;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its newest valid checkpoint; --t-end may extend it. "
                    + "Options that define the run (--scenario, --n, --seed, --scheme, --dt, --record-every, "
                    + "and what it records: --record-neurons, --histogram-every, --histogram-bins, --snapshot-at) "
                    + "come from DIR and cannot be given.")
    Path resume;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (replicas != null && resume == null) {
            return batched(stdout, stderr);
        }
        if (resume != null && !Files.exists(resume.resolve(RunJson.FILE))
                && Files.isDirectory(resume.resolve(REPLICA_DIRECTORY + 0))) {
            throw InputError.CONFLICT.exception("--resume", "--resume " + resume + " holds the replicas of a batched "
                    + "run (--replicas), each a run of its own: resume them one at a time, balnet simulate --resume "
                    + resume.resolve(REPLICA_DIRECTORY + "r") + " for r = 0, 1, ...");
        }
        try (SignalTrap trap = SignalTrap.install(stderr);
             RecordedRun run = resume != null ? resume(stderr) : start(stderr)) {
            announce(run, stdout, stderr);
            RecordedRun.Result result;
            long steps = run.step().totalSteps() - run.startStep();
            try (Progress progress = Progress.start(stderr, "simulate", steps, run.scenario().n())) {
                result = run.run(s -> progress.step(s.observables().time()), trap::stopRequested);
            }
            return report(run, result, trap, stdout, stderr);
        } catch (CheckpointException e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }

    /**
     * {@code --replicas R}: the R replicas' runs, each in its directory, on one batch of engines, run together;
     * then what each did. Exit 1 when any left the balanced state (the others are complete), 128 + the signal
     * when interrupted (each replica has a checkpoint).
     */
    private int batched(PrintWriter stdout, PrintWriter stderr) {
        if (replicas < 1) {
            throw InputError.outOfRange("--replicas", replicas, ">= 1");
        }
        if (out == null) {
            throw InputError.MISSING_KEY.exception("--out", "--out", "the output directory of the replicas");
        }
        RunOptions.Resolved r = options.resolve();
        List<Scenario> scenarios = ReplicaSeeds.scenarios(r.scenario(), replicas);
        long[] seeds = scenarios.stream().mapToLong(x -> x.run().seed()).toArray();
        long every = RunConfig.checkpointSteps(checkpointEvery, r.scenario(), r.step());
        MonitorConfig monitorConfig = monitors.resolve(r.scenario(), r.step());
        List<RecordedRun> runs = new ArrayList<>();
        // The batch first: it refuses replicas the memory cannot hold before anything is written.
        try (SignalTrap trap = SignalTrap.install(stderr);
             EngineBatch batch = options.engine.createBatch(options.engine.backend, r.scenario(), r.precision(),
                     seeds, r.sampler(), r.threads(), r.step().h(), stderr)) {
            try {
                OutputDirectory.prepare(out, force);
                for (int i = 0; i < replicas; i++) {
                    int replica = i;
                    RunConfig config = new RunConfig(scenarios.get(i), r.initial(), r.step(), options.engine.backend,
                            r.precision(), r.sampler(), r.threads(), r.imbalanceLimit(), options.keepGoing, every,
                            monitorConfig);
                    runs.add(RecordedRun.start(out.resolve(REPLICA_DIRECTORY + i), force, config,
                            (backend, scenario, precision, sampler, threads, h) -> batch.replica(replica), stderr));
                }
                Engine engine = batch.replica(0);
                stdout.printf(Locale.ROOT, "simulating %s: %d replicas of n = %d per population together, %s, %s, "
                                + "h = %s, %d steps to t = %s, backend %s (%s), into %s%n", r.scenario().name(), replicas,
                        r.scenario().n(), engine.precision().key, r.scenario().run().scheme().key, r.step().h(),
                        r.step().totalSteps(), r.scenario().run().tEnd(), engine.backend(), engine.device(),
                        out.resolve(REPLICA_DIRECTORY + "0") + " .. " + REPLICA_DIRECTORY + (replicas - 1));
                stdout.flush();
                List<RecordedRun.Result> results;
                try (Progress progress = Progress.start(stderr, "simulate", r.step().totalSteps() * replicas,
                        r.scenario().n())) {
                    results = RecordedRun.runTogether(runs, batch, runs.stream().map(x -> (TimeLoop.Recorder) row -> { })
                            .toList(), s -> progress.step(s.observables().time()),
                            trap::stopRequested);
                }
                return reportBatch(runs, results, trap, stdout, stderr);
            } finally {
                for (RecordedRun run : runs) {
                    run.close();
                }
            }
        } catch (CheckpointException e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }

    /** One line per replica; exit 1 naming the replicas that left the balanced state. */
    private static int reportBatch(List<RecordedRun> runs, List<RecordedRun.Result> results, SignalTrap trap,
                                   PrintWriter stdout, PrintWriter stderr) {
        List<String> left = new ArrayList<>();
        boolean interrupted = false;
        for (int i = 0; i < runs.size(); i++) {
            RecordedRun run = runs.get(i);
            RecordedRun.Result result = results.get(i);
            TimeLoop.Outcome outcome = result.loop();
            stdout.printf(Locale.ROOT, "replica %d (seed %d): %s, %d steps; wrote %s%s and %s%n", i,
                    run.scenario().run().seed(), outcome.status().key, outcome.steps(), run.trajectoryFile(),
                    monitorFiles(run), run.runFile());
            if (outcome.status() == RunStatus.LEFT_BALANCED_STATE) {
                left.add("replica " + i + ": " + outcome.message());
            } else if (outcome.status() == RunStatus.INTERRUPTED) {
                interrupted = true;
                if (result.checkpointError() != null) {
                    stderr.printf(Locale.ROOT, "balnet: replica %d: %s%n", i, result.checkpointError());
                }
            } else if (!outcome.message().isEmpty()) {
                stderr.println("note: replica " + i + ": " + outcome.message());
            }
        }
        TimeLoop.Outcome last = results.get(results.size() - 1).loop();
        long steps = results.stream().mapToLong(x -> x.loop().steps()).sum();
        double wall = results.stream().mapToDouble(x -> x.loop().wallSeconds()).max().orElse(0);
        if (steps > 0 && wall > 0) {
            stdout.printf(Locale.ROOT, "%d replica-steps in %.2f s (%.3g neuron-steps/s over all replicas)%n", steps,
                    wall, 2.0 * runs.get(0).scenario().n() * steps / wall);
        }
        stdout.flush();
        stderr.flush();
        if (interrupted) {
            stderr.printf(Locale.ROOT, "balnet: interrupted by %s at t = %s; every replica wrote a checkpoint; continue "
                    + "each with: balnet simulate --resume %s%n", trap.signalName(), Json.number(last.endTime()),
                    runs.get(0).directory().resolveSibling(REPLICA_DIRECTORY + "r") + " for r = 0 .. " + (runs.size() - 1));
            stderr.flush();
            return trap.exitCode();
        }
        if (!left.isEmpty()) {
            throw new CommandFailure(left.size() + " of " + runs.size() + " replicas left the balanced state (the "
                    + "others completed; everything up to then is in each replica's directory): "
                    + String.join("; ", left));
        }
        return Main.EXIT_OK;
    }

    private RecordedRun start(PrintWriter stderr) {
        if (out == null) {
            throw InputError.MISSING_KEY.exception("--out", "--out",
                    "the output directory; or --resume DIR to continue a run");
        }
        RunOptions.Resolved r = options.resolve();
        long every = RunConfig.checkpointSteps(checkpointEvery, r.scenario(), r.step());
        RunConfig config = new RunConfig(r.scenario(), r.initial(), r.step(), options.engine.backend, r.precision(),
                r.sampler(), r.threads(), r.imbalanceLimit(), options.keepGoing, every,
                monitors.resolve(r.scenario(), r.step()));
        return RecordedRun.start(out, force, config, engines(stderr), stderr);
    }

    private RecordedRun resume(PrintWriter stderr) {
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String option : FIXED_ON_RESUME) {
            if (parsed.hasMatchedOption(option)) {
                throw InputError.CONFLICT.exception(option, option + " cannot be used with --resume: the run in "
                        + resume + " continues with its own settings (" + resume.resolve(CheckpointStore.DIRECTORY)
                        .resolve(CheckpointStore.SCENARIO_FILE) + ", and the monitors its checkpoint records); only "
                        + "--t-end, --checkpoint-every, --threads and --imbalance-limit may change");
            }
        }
        Precision askedPrecision = parsed.hasMatchedOption("--precision") ? options.engine.precision() : null;
        String askedBackend = parsed.hasMatchedOption("--backend") ? options.engine.backend() : null;
        Sampler askedSampler = options.engine.sampler.given()
                ? Sampler.fromKey(options.engine.sampler.sampler, "--sampler") : null;
        Double limit = parsed.hasMatchedOption("--imbalance-limit") ? options.imbalance.imbalanceLimit() : null;
        Resume request = new Resume(options.scenario.tEnd, askedPrecision, askedBackend, askedSampler,
                options.engine.threads(), limit, checkpointEvery, options.keepGoing);
        RecordedRun run = RecordedRun.resume(resume, request, engines(stderr), stderr);
        for (String s : run.skipped()) {
            stderr.println("balnet: warning: skipped " + s);
        }
        stderr.flush();
        return run;
    }

    /** The engines of --backend (or a checkpoint's), on the device of --device and --host. */
    private EngineFactory engines(PrintWriter log) {
        return (backend, scenario, precision, sampler, threads, h) ->
                options.engine.create(backend, scenario, precision, sampler, threads, h, log);
    }

    private static void announce(RecordedRun run, PrintWriter stdout, PrintWriter stderr) {
        Scenario scenario = run.scenario();
        StepSize.Choice step = run.step();
        Engine engine = run.engine();
        long finalStep = step.totalSteps();
        Optional<Path> from = run.resumedFrom();
        // The exact backend has no step: its driver steps are record intervals.
        String stepping = engine.eventDriven() ? "in continuous time (no time step)"
                : String.format(Locale.ROOT, "%s, %s, h = %s", engine.precision().key, scenario.run().scheme().key,
                step.h());
        String steps = engine.eventDriven() ? "record intervals" : "steps";
        if (from.isEmpty()) {
            stdout.printf(Locale.ROOT, "simulating %s: n = %d per population, %s, %d %s to t = %s, backend %s (%s)%n",
                    scenario.name(), scenario.n(), stepping, finalStep, steps, scenario.run().tEnd(), engine.backend(),
                    engine.device());
        } else {
            stdout.printf(Locale.ROOT, "resuming %s from %s at t = %s (step %d): n = %d per population, %s, %d %s to "
                            + "t = %s, backend %s (%s)%n", scenario.name(), from.get(), Json.number(run.startTime()),
                    run.startStep(), scenario.n(), stepping, finalStep - run.startStep(), steps,
                    scenario.run().tEnd(), engine.backend(), engine.device());
        }
        stdout.flush();
    }

    /** What the run did, in words, and its exit code. */
    private static int report(RecordedRun run, RecordedRun.Result result, SignalTrap trap, PrintWriter stdout,
                              PrintWriter stderr) {
        TimeLoop.Outcome outcome = result.loop();
        if (result.explicitFallbacks() > 0) {
            stderr.printf(Locale.ROOT, "warning: on %d steps the empirical Jacobian had an unstable eigenvalue "
                    + "(h sqrt(n) Re > 1/2): the network was leaving the balanced manifold, and semi-implicit took "
                    + "the explicit shift there (see the zeta column of trajectory.csv)%n", result.explicitFallbacks());
            stderr.flush();
        }
        if (!outcome.message().isEmpty() && outcome.status() == RunStatus.COMPLETED) {
            stderr.println("note: " + outcome.message());
            stderr.flush();
        }
        if (outcome.status() == RunStatus.INTERRUPTED) {
            return interrupted(run, result, trap, stdout, stderr);
        }
        long n = run.scenario().n();
        // no rate for no steps (a resumed run that was already at its end): "NaN neuron-steps/s" says nothing
        String rate = outcome.steps() > 0
                ? String.format(Locale.ROOT, " (%.3g neuron-steps/s)", outcome.neuronStepsPerSecond(n)) : "";
        stdout.printf(Locale.ROOT, "%s: %d steps in %.2f s%s; wrote %s%s and %s%n", outcome.status().key,
                outcome.steps(), outcome.wallSeconds(), rate, run.trajectoryFile(), monitorFiles(run), run.runFile());
        stdout.flush();
        if (outcome.status() == RunStatus.LEFT_BALANCED_STATE) {
            throw new CommandFailure(outcome.message() + "; everything up to then is in " + run.directory());
        }
        return Main.EXIT_OK;
    }

    /** ", DIR/neurons.csv, DIR/histograms.csv, DIR/snapshots/" for the files the run's monitors write. */
    private static String monitorFiles(RecordedRun run) {
        StringBuilder b = new StringBuilder();
        boolean snapshots = false;
        for (String f : run.monitorFiles()) {
            if (f.startsWith(Monitors.SNAPSHOTS + "/")) {
                snapshots = true;
            } else {
                b.append(", ").append(run.directory().resolve(f));
            }
        }
        if (snapshots) {
            b.append(", ").append(run.directory().resolve(Monitors.SNAPSHOTS)).append('/');
        }
        return b.toString();
    }

    /** After a signal: where the run stopped, the checkpoint to continue from, and 128 + the signal. */
    private static int interrupted(RecordedRun run, RecordedRun.Result result, SignalTrap trap, PrintWriter stdout,
                                   PrintWriter stderr) {
        Observables o = result.last();
        String where = String.format(Locale.ROOT, "interrupted by %s at t = %s (step %d)", trap.signalName(),
                Json.number(o.time()), o.step());
        String failure = result.checkpointError();
        if (failure == null) {
            stderr.printf(Locale.ROOT, "balnet: %s; checkpoint %s written; continue with: balnet simulate --resume %s%n",
                    where, result.checkpoint(), run.directory());
        } else if (result.checkpoint() != null) {
            stderr.printf(Locale.ROOT, "balnet: %s; %s; the previous checkpoint %s is intact: continue from it with: "
                    + "balnet simulate --resume %s%n", where, failure, result.checkpoint(), run.directory());
        } else {
            stderr.printf(Locale.ROOT, "balnet: %s; %s; there is no checkpoint to continue from%n", where, failure);
        }
        stderr.flush();
        stdout.printf(Locale.ROOT, "interrupted: %d steps; wrote %s%s and %s%n", o.step() - run.startStep(),
                run.trajectoryFile(), monitorFiles(run), run.runFile());
        stdout.flush();
        return trap.exitCode();
    }
}
