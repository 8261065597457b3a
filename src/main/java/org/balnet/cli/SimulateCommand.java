package org.balnet.cli;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.OutputDirectory;
import org.balnet.io.TimeGrid;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Runner;
import org.balnet.sim.Simulation;
import org.balnet.sim.TrajectoryColumns;
import org.balnet.sim.checkpoint.Checkpoint;
import org.balnet.sim.checkpoint.CheckpointException;
import org.balnet.sim.checkpoint.CheckpointFile;
import org.balnet.sim.checkpoint.CheckpointStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code balnet simulate}: the stochastic network, recorded to trajectory.csv, with checkpoints,
 * resume and clean interruption.
 *
 * <p>A run directory holds {@code run.json}, {@code trajectory.csv} and, once a checkpoint has been
 * written, {@code checkpoint/} ({@link CheckpointStore}). Checkpoints are written every
 * {@code --checkpoint-every} of simulated time and always when the run is interrupted by SIGINT or
 * SIGTERM; {@code --resume DIR} continues from the newest valid one, and because the generator is
 * counter-based and the checkpoint holds the exact state and observables, the continued
 * trajectory.csv is byte for byte the one an uninterrupted run writes.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate the 2n-neuron network (2.1)-(2.3) with the O(n) step by Poisson superposition.",
                "Writes DIR/trajectory.csv (t,v_e,v_i,K_e,K_i,F_e,F_i,Q_..,J_..: empirical means (4.1)-(4.2), "
                        + "variances (4.3)-(4.4), balance residuals, rates, Jacobian), DIR/run.json and, with "
                        + "checkpoints, DIR/checkpoint/.",
                "On SIGINT or SIGTERM the run finishes its step, writes a checkpoint and exits with 130 or 143; "
                        + "continue it with --resume DIR.",
                "Exit codes: 0 completed, 1 failed or left the balanced state, 2 bad input, 130/143 interrupted."})
public final class SimulateCommand implements Callable<Integer> {
    static final String TRAJECTORY_CSV = "trajectory.csv";
    static final String RUN_JSON = "run.json";
    /** Options that define the run being resumed, so --resume refuses them. */
    static final List<String> FIXED_ON_RESUME = List.of("--scenario", "--n", "--seed", "--scheme", "--dt",
            "--record-every", "--out", "--force");

    @Mixin
    RunOptions options;

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

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its newest valid checkpoint; --t-end may extend it. "
                    + "Options that define the run (--scenario, --n, --seed, --scheme, --dt, --record-every) "
                    + "come from DIR and cannot be given.")
    Path resume;

    @Spec
    CommandSpec spec;

    /** Everything a run needs once set up, fresh or resumed. */
    private static final class Run implements AutoCloseable {
        Path dir;
        Scenario scenario;
        RunOptions.Resolved resolved;
        Engine engine;
        Simulation sim;
        CsvWriter csv;
        CheckpointStore store;
        String scenarioHash;
        double imbalanceLimit;
        long checkpointEverySteps;
        long startStep;
        /** Continues a run whose trajectory already holds the rows up to startStep. */
        boolean resumed;
        boolean scenarioSaved;
        long lastCheckpointStep = -1;
        double lastCheckpointTime;
        Path lastCheckpoint;
        Map<String, Object> runJson;

        Path runFile() {
            return dir.resolve(RUN_JSON);
        }

        @Override
        public void close() {
            try {
                if (csv != null) {
                    csv.close();
                }
            } finally {
                if (sim != null) {
                    sim.close();
                } else if (engine != null) {
                    engine.close();
                }
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        try (SignalTrap trap = SignalTrap.install(stderr)) {
            Run run = resume != null ? prepareResume(stderr) : prepareFresh(stderr);
            try (run) {
                return execute(run, trap, stdout, stderr);
            }
        }
    }

    // ---------------------------------------------------------------- set-up

    private Run prepareFresh(PrintWriter stderr) {
        if (out == null) {
            throw InputError.MISSING_KEY.exception("--out", "--out",
                    "the output directory; or --resume DIR to continue a run");
        }
        RunOptions.Resolved r = options.resolve(stderr);
        Scenario scenario = r.scenario();
        long every = checkpointSteps(checkpointEvery, scenario, r);
        long rows = r.step().totalSteps() / r.step().stepsPerRecord() + 1;
        DiskCheck.require(out, new DiskCheck.Need(rows, CheckpointFile.sizeEstimate(scenario.n(), r.precision()),
                every > 0 ? CheckpointStore.GENERATIONS : 0, 0));

        Run run = new Run();
        run.dir = out;
        run.scenario = scenario;
        run.resolved = r;
        run.scenarioHash = Checkpoint.scenarioHash(scenario);
        run.imbalanceLimit = r.imbalanceLimit();
        run.checkpointEverySteps = every;
        run.startStep = 0;
        // The engine first: it refuses an n the memory cannot hold before anything is written.
        run.engine = options.createEngine(r, stderr);
        try {
            OutputDirectory.prepare(out, force);
            run.store = new CheckpointStore(out);
            run.store.clear();
            run.runJson = runJson(run);
            AtomicFiles.writeString(run.runFile(), Json.write(run.runJson));
            run.sim = new Simulation(scenario, run.engine, scenario.run().scheme(), r.step().h(), r.initial().mean());
            run.csv = CsvWriter.create(out.resolve(TRAJECTORY_CSV), TrajectoryColumns.HEADER);
            return run;
        } catch (RuntimeException e) {
            markFailed(run, e, stderr);
            run.close();
            throw e;
        }
    }

    private Run prepareResume(PrintWriter stderr) {
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String option : FIXED_ON_RESUME) {
            if (parsed.hasMatchedOption(option)) {
                throw InputError.CONFLICT.exception(option, option + " cannot be used with --resume: the run in "
                        + resume + " continues with its own settings (" + resume.resolve(CheckpointStore.DIRECTORY)
                        .resolve(CheckpointStore.SCENARIO_FILE) + "); only --t-end, --checkpoint-every, --threads "
                        + "and --imbalance-limit may change");
            }
        }
        Precision askedPrecision = parsed.hasMatchedOption("--precision")
                ? Precision.fromKey(options.precision, "--precision") : null;
        String askedBackend = parsed.hasMatchedOption("--backend") ? Backends.check(options.backend) : null;

        CheckpointStore store = new CheckpointStore(resume);
        Scenario saved = store.loadScenario();
        List<Path> files = store.checkpoints();
        if (files.isEmpty()) {
            throw InputError.CONFLICT.exception("--resume", "--resume " + resume + ": no checkpoint in "
                    + store.directory() + " to resume from");
        }
        // Headers first (a few hundred bytes each): damaged ones are skipped with their reason, and the
        // scenario is compared before it is solved, so an edited scenario.toml is reported as such.
        List<String> skipped = new ArrayList<>();
        List<Path> readable = new ArrayList<>();
        List<CheckpointFile.Header> headers = new ArrayList<>();
        for (Path file : files) {
            try {
                CheckpointFile.Header header = CheckpointFile.readHeader(file);
                header.checkpoint().requireScenario(file.toString(), saved);
                readable.add(file);
                headers.add(header);
            } catch (CheckpointException e) {
                skipped.add(e.getMessage());
            }
        }
        RunOptions.Resolved r = readable.isEmpty() ? null
                : options.resolveSaved(saved, headers.get(0).checkpoint().backend());
        Path trajectory = resume.resolve(TRAJECTORY_CSV);
        Run run = null;
        try {
            for (int i = 0; i < readable.size(); i++) {
                Path file = readable.get(i);
                CheckpointFile.Header header = headers.get(i);
                Checkpoint c = header.checkpoint();
                c.requireSettings(file.toString(), r.step().h(), askedPrecision, askedBackend);
                if (c.step() > r.step().totalSteps()) {
                    throw InputError.outOfRange("--t-end", Json.number(r.scenario().run().tEnd()), String.format(
                            Locale.ROOT, "at least the time of the newest checkpoint, t = %s (a resumed run goes "
                                    + "forward from it)", Json.number(c.time())));
                }
                if (run == null) {
                    run = newResumedRun(store, r, c, stderr);
                }
                try {
                    CheckpointFile.restore(file, header, run.engine);
                } catch (CheckpointException e) {
                    skipped.add(e.getMessage());
                    continue;
                }
                try {
                    run.csv = CsvWriter.reopen(trajectory, TrajectoryColumns.HEADER, c.trajectoryLength(),
                            c.trajectoryChecksum());
                } catch (CsvWriter.PrefixMismatch e) {
                    skipped.add("checkpoint " + file + " does not match " + trajectory + ": " + e.getMessage());
                    continue;
                }
                for (String s : skipped) {
                    stderr.println("balnet: warning: skipped " + s);
                }
                stderr.flush();
                finishResumedRun(run, c, file);
                return run;
            }
        } catch (RuntimeException e) {
            if (run != null) {
                run.close();
            }
            throw e;
        }
        if (run != null) {
            run.close();
        }
        throw new RunFailure("--resume " + resume + ": no usable checkpoint:\n  " + String.join("\n  ", skipped)
                + "\nThe run cannot be continued; start it again.", Main.EXIT_FAILURE, null);
    }

    /** The resumed run's engine, created once the first checkpoint's header has passed its checks. */
    private Run newResumedRun(CheckpointStore store, RunOptions.Resolved r, Checkpoint c, PrintWriter stderr) {
        boolean limitGiven = spec.commandLine().getParseResult().hasMatchedOption("--imbalance-limit");
        Run run = new Run();
        run.dir = resume;
        run.store = store;
        run.scenario = r.scenario();
        run.resolved = new RunOptions.Resolved(r.scenario(), r.initial(), r.step(), c.precision(), r.threads(),
                limitGiven ? r.imbalanceLimit() : c.imbalanceLimit());
        run.imbalanceLimit = run.resolved.imbalanceLimit();
        run.scenarioHash = c.scenarioHash();
        run.checkpointEverySteps = checkpointEvery != null ? checkpointSteps(checkpointEvery, run.scenario, r)
                : c.checkpointEverySteps();
        long rows = (r.step().totalSteps() - c.step()) / r.step().stepsPerRecord() + 1;
        long existing = 0;
        for (Path p : store.checkpoints()) {
            try {
                existing += Files.size(p);
            } catch (IOException e) {
                // a file that cannot be sized frees nothing
            }
        }
        DiskCheck.require(resume, new DiskCheck.Need(rows, CheckpointFile.sizeEstimate(c.n(), c.precision()),
                run.checkpointEverySteps > 0 ? CheckpointStore.GENERATIONS : 1, existing));
        run.engine = options.createEngine(c.backend(), run.scenario, c.precision(), r.threads(), r.step().h(), stderr);
        return run;
    }

    private void finishResumedRun(Run run, Checkpoint c, Path file) {
        run.resumed = true;
        run.startStep = c.step();
        run.lastCheckpointStep = c.step();
        run.lastCheckpointTime = c.time();
        run.lastCheckpoint = file;
        run.sim = new Simulation(run.scenario, run.engine, run.scenario.run().scheme(), run.resolved.step().h(),
                c.observables());
        run.runJson = runJson(run);
        Map<String, Object> from = new LinkedHashMap<>();
        from.put("checkpoint", resume.relativize(file).toString());
        from.put("step", c.step());
        from.put("t", c.time());
        run.runJson.put("resumed_from", from);
        AtomicFiles.writeString(run.runFile(), Json.write(run.runJson));
    }

    /**
     * Steps between checkpoints for {@code --checkpoint-every D}; 0 without it. D must be a whole
     * multiple of the record interval, so that checkpoints fall on recorded rows.
     */
    private static long checkpointSteps(Double every, Scenario scenario, RunOptions.Resolved r) {
        if (every == null) {
            return 0;
        }
        RunOptions.positive("--checkpoint-every", every);
        double d = scenario.run().recordEvery();
        long k = TimeGrid.multiple(every, d);
        if (k < 1) {
            throw InputError.CONFLICT.exception("--checkpoint-every", String.format(Locale.ROOT,
                    "--checkpoint-every = %s must be a whole multiple of the record interval %s (run.record_every "
                            + "or --record-every), e.g. %s", Json.number(every), Json.number(d),
                    Json.number(d * Math.max(1, Math.round(every / d)))));
        }
        try {
            return Math.multiplyExact(k, r.step().stepsPerRecord());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private Map<String, Object> runJson(Run run) {
        RunOptions.Resolved r = run.resolved;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "simulate");
        m.put("status", RunStatus.RUNNING.key);
        m.put("scenario", run.scenario.toMap());
        m.put("initial_point", r.initial().toMap());
        m.put("backend", run.engine.backend());
        m.put("device", run.engine.device());
        m.put("precision", r.precision().key);
        boolean exact = run.engine.eventDriven();
        m.put("scheme", exact ? "none (event-driven)" : run.scenario.run().scheme().key);
        m.put("h", exact ? null : (Object) r.step().h());
        m.put("explicit_stability_bound", r.step().explicitBound());
        m.put("seed", run.scenario.run().seed());
        m.put("threads", r.threads());
        m.put("imbalance_limit", run.imbalanceLimit);
        if (run.checkpointEverySteps > 0) {
            m.put("checkpoint_every", run.checkpointEverySteps * r.step().h());
        }
        m.put("versions", Version.versions());
        return m;
    }

    // ---------------------------------------------------------------- the run

    private int execute(Run run, SignalTrap trap, PrintWriter stdout, PrintWriter stderr) {
        Scenario scenario = run.scenario;
        RunOptions.Resolved r = run.resolved;
        long finalStep = r.step().totalSteps();
        long started = System.nanoTime();
        Runner.Outcome outcome;
        try (Progress progress = Progress.start(stderr, "simulate", finalStep - run.startStep, scenario.n())) {
            Engine engine = run.engine;
            // The exact backend has no step: its driver steps are record intervals.
            String stepping = engine.eventDriven() ? "in continuous time (no time step)"
                    : String.format(Locale.ROOT, "%s, %s, h = %s", r.precision().key, scenario.run().scheme().key,
                    r.step().h());
            String steps = engine.eventDriven() ? "record intervals" : "steps";
            if (!run.resumed) {
                stdout.printf(Locale.ROOT, "simulating %s: n = %d per population, %s, %d %s to t = %s, backend %s (%s)%n",
                        scenario.name(), scenario.n(), stepping, finalStep, steps, scenario.run().tEnd(),
                        engine.backend(), engine.device());
            } else {
                stdout.printf(Locale.ROOT, "resuming %s from %s at t = %s (step %d): n = %d per population, %s, %d %s to "
                                + "t = %s, backend %s (%s)%n", scenario.name(), run.lastCheckpoint,
                        Json.number(run.sim.observables().time()), run.startStep, scenario.n(), stepping,
                        finalStep - run.startStep, steps, scenario.run().tEnd(), engine.backend(), engine.device());
            }
            stdout.flush();
            Runner runner = new Runner(scenario.run().recordEvery(), r.step().stepsPerRecord(), run.imbalanceLimit)
                    .keepGoing(options.keepGoing);
            Runner.Recorder recorder = (t, o) -> run.csv.row(TrajectoryColumns.row(t, o));
            // A resumed trajectory already holds the checkpoint's row (even at step 0, when the run was
            // interrupted before its first step): it was cut right after it.
            if (!run.resumed) {
                runner.recordIfDue(run.sim, recorder);
            }
            Runner.StepListener listener = s -> {
                progress.step(s.observables().time());
                long k = s.observables().step();
                if (run.checkpointEverySteps > 0 && k % run.checkpointEverySteps == 0) {
                    checkpoint(run);
                }
            };
            if (trap.stopRequested()) {
                // The signal came while the run was being set up: stop before the first step.
                Observables o = run.sim.observables();
                outcome = new Runner.Outcome(RunStatus.INTERRUPTED, "interrupted at t = " + o.time(), 0, 0, o.time());
            } else {
                outcome = runner.run(run.sim, finalStep, recorder, listener, trap::stopRequested);
            }
            if (outcome.status() == RunStatus.COMPLETED && run.checkpointEverySteps > 0
                    && run.lastCheckpointStep != run.sim.observables().step()) {
                // The end state, so that --resume --t-end can extend a finished run.
                checkpoint(run);
            }
        } catch (RuntimeException e) {
            markFailed(run, e, stderr);
            throw asRunFailure(run, e);
        }

        Map<String, Object> runJson = run.runJson;
        double wall = (System.nanoTime() - started) * 1e-9;
        Observables last = run.sim.observables();
        runJson.put("final", Map.of("t", last.time(), "v_e", last.mean()[0], "v_i", last.mean()[1],
                "K_e", last.variance()[0], "K_i", last.variance()[1]));
        runJson.put("status", outcome.status().key);
        runJson.put("steps", outcome.steps());
        runJson.put("t_reached", outcome.endTime());
        runJson.put("wall_seconds", wall);
        runJson.put("stepping_seconds", outcome.wallSeconds());
        runJson.put("neuron_steps_per_s", outcome.neuronStepsPerSecond(scenario.n()));
        if (!run.engine.counters().isEmpty()) {
            runJson.put("work", run.engine.counters());
        }
        long fallbacks = run.sim.explicitFallbacks();
        runJson.put("explicit_fallback_steps", fallbacks);
        if (fallbacks > 0) {
            stderr.printf(Locale.ROOT, "warning: on %d steps the empirical Jacobian had an unstable eigenvalue "
                    + "(h sqrt(n) Re > 1/2): the network was leaving the balanced manifold, and semi-implicit took "
                    + "the explicit shift there (see the zeta column of trajectory.csv)%n", fallbacks);
            stderr.flush();
        }
        if (!outcome.message().isEmpty()) {
            runJson.put("message", outcome.message());
            if (outcome.status() == RunStatus.COMPLETED) {
                stderr.println("note: " + outcome.message());
                stderr.flush();
            }
        }
        if (outcome.status() == RunStatus.INTERRUPTED) {
            return interrupted(run, trap, stdout, stderr);
        }
        AtomicFiles.writeString(run.runFile(), Json.write(runJson));
        stdout.printf(Locale.ROOT, "%s: %d steps in %.2f s (%.3g neuron-steps/s); wrote %s and %s%n",
                outcome.status().key, outcome.steps(), outcome.wallSeconds(),
                outcome.neuronStepsPerSecond(scenario.n()), run.dir.resolve(TRAJECTORY_CSV), run.runFile());
        stdout.flush();
        if (outcome.status() == RunStatus.LEFT_BALANCED_STATE) {
            throw new RunFailure(outcome.message() + "; everything up to then is in " + run.dir);
        }
        return Main.EXIT_OK;
    }

    /** After a signal: a checkpoint of the current step (always, whatever --checkpoint-every), run.json, exit code. */
    private int interrupted(Run run, SignalTrap trap, PrintWriter stdout, PrintWriter stderr) {
        Observables o = run.sim.observables();
        String failure = null;
        if (run.lastCheckpointStep != o.step()) {
            try {
                checkpoint(run);
            } catch (RuntimeException e) {
                failure = e.getMessage();
                run.runJson.put("checkpoint_error", failure);
            }
        }
        AtomicFiles.writeString(run.runFile(), Json.write(run.runJson));
        String where = String.format(Locale.ROOT, "interrupted by %s at t = %s (step %d)", trap.signalName(),
                Json.number(o.time()), o.step());
        if (failure == null) {
            stderr.printf(Locale.ROOT, "balnet: %s; checkpoint %s written; continue with: balnet simulate --resume %s%n",
                    where, run.lastCheckpoint, run.dir);
        } else if (run.lastCheckpoint != null) {
            stderr.printf(Locale.ROOT, "balnet: %s; %s; the previous checkpoint %s is intact: continue from it with: "
                    + "balnet simulate --resume %s%n", where, failure, run.lastCheckpoint, run.dir);
        } else {
            stderr.printf(Locale.ROOT, "balnet: %s; %s; there is no checkpoint to continue from%n", where, failure);
        }
        stderr.flush();
        stdout.printf(Locale.ROOT, "interrupted: %d steps; wrote %s and %s%n", o.step() - run.startStep,
                run.dir.resolve(TRAJECTORY_CSV), run.runFile());
        stdout.flush();
        return trap.exitCode();
    }

    /**
     * Writes a checkpoint of the current step. trajectory.csv is synced first: a checkpoint must never
     * refer to rows that a crash could still take away.
     */
    private void checkpoint(Run run) {
        if (!run.scenarioSaved) {
            run.store.saveScenario(run.scenario);
            run.scenarioSaved = true;
        }
        run.csv.sync();
        Engine engine = run.engine;
        RunOptions.Resolved r = run.resolved;
        Checkpoint c = new Checkpoint(run.scenario.n(), r.precision(), engine.backend(), run.scenario.run().scheme(),
                run.scenario.run().seed(), r.step().h(), run.scenarioHash, run.imbalanceLimit,
                run.checkpointEverySteps, run.csv.length(), run.csv.checksum(), Version.version(),
                run.sim.observables());
        run.lastCheckpoint = run.store.write(c, engine);
        run.lastCheckpointStep = c.step();
        run.lastCheckpointTime = c.time();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("file", run.dir.relativize(run.lastCheckpoint).toString());
        info.put("step", c.step());
        info.put("t", c.time());
        run.runJson.put("checkpoint", info);
        AtomicFiles.writeString(run.runFile(), Json.write(run.runJson));
    }

    /** Best effort: run.json says "failed" and why; a failure to write it must not hide the first one. */
    private static void markFailed(Run run, RuntimeException e, PrintWriter stderr) {
        if (run.runJson == null) {
            return;
        }
        run.runJson.put("status", RunStatus.FAILED.key);
        run.runJson.put("error", String.valueOf(e.getMessage()));
        try {
            AtomicFiles.writeString(run.runFile(), Json.write(run.runJson));
        } catch (UncheckedIOException again) {
            stderr.println("balnet: also could not record the failure in run.json: " + again.getMessage());
        }
    }

    /** An I/O failure during the run (a full disk) as a message that says what survives and how to go on. */
    private static RuntimeException asRunFailure(Run run, RuntimeException e) {
        if (!(e instanceof UncheckedIOException)) {
            return e;
        }
        String hint = run.lastCheckpoint != null
                ? String.format(Locale.ROOT, "; the checkpoint %s (t = %s) is intact: make room and continue with "
                        + "balnet simulate --resume %s", run.lastCheckpoint,
                Json.number(run.lastCheckpointTime), run.dir)
                : "; no checkpoint was written before (use --checkpoint-every to have some)";
        return new RunFailure(e.getMessage() + hint, Main.EXIT_FAILURE, e);
    }
}
