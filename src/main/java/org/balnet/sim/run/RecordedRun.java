package org.balnet.sim.run;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.OutputDirectory;
import org.balnet.io.Versions;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Simulation;
import org.balnet.sim.SimulationBatch;
import org.balnet.sim.StepSize;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.checkpoint.Checkpoint;
import org.balnet.sim.checkpoint.CheckpointException;
import org.balnet.sim.checkpoint.CheckpointFile;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.balnet.sim.monitor.MonitorConfig;
import org.balnet.sim.monitor.Monitors;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A run of {@code balnet simulate} and its directory: {@code trajectory.csv} (a {@link TrajectoryRow} at
 * every record time), {@code run.json} ({@link RunJson}: running, then completed, failed, interrupted or
 * left-balanced-state), the files of its {@link Monitors} (neurons.csv, histograms.csv, snapshots/), handed
 * every trajectory row, and, once a checkpoint has been written, {@code checkpoint/} ({@link CheckpointStore}).
 *
 * <p>{@link #start} opens a fresh run, {@link #resume} continues one from its newest usable checkpoint:
 * a checkpoint whose file is damaged, or whose trajectory prefix no longer matches trajectory.csv, is
 * skipped for the one before it. {@link #run} drives the {@link TimeLoop} to the end time, writing a
 * checkpoint every {@link RunConfig#checkpointEverySteps} steps, at the end (so that a finished run can
 * be extended), and always when a stop is requested. Because the generator is counter-based and a
 * checkpoint holds the exact state and observables, a resumed run writes trajectory.csv byte for byte as
 * an uninterrupted run does, and so do the monitors with their files (the checkpoint records their
 * configuration and the prefix of each CSV file).
 *
 * <p>Before anything is written, a run that the disk cannot hold is refused ({@link DiskCheck}, bad
 * input). A failure during the run (a full disk) marks run.json failed and is reported with the
 * newest intact checkpoint to continue from.
 */
public final class RecordedRun implements AutoCloseable {
    /** The trajectory's file name in the run directory. */
    public static final String TRAJECTORY_CSV = "trajectory.csv";

    private final Path dir;
    private final Scenario scenario;
    private final InitialPoint initial;
    private final StepSize.Choice step;
    private final int threads;
    private final double imbalanceLimit;
    private final boolean keepGoing;
    private final long checkpointEverySteps;
    private final MonitorConfig monitorConfig;
    private final CheckpointStore store;
    private final Engine engine;
    private final Checkpoint.Identity identity;
    private final PrintWriter log;
    private Simulation sim;
    private CsvWriter csv;
    private Monitors monitors;
    private long startStep;
    private RunJson.ResumedFrom resumedFrom;
    private List<String> skipped = List.of();
    private boolean scenarioSaved;
    /** The newest checkpoint: written by this run, or the one it resumed from. */
    private Checkpoint lastCheckpoint;
    private Path lastCheckpointFile;
    /** The newest checkpoint this run wrote itself, as run.json records it. */
    private RunJson.Checkpoint written;
    /** What run.json says; null until the directory has been prepared. */
    private RunStatus status;
    private Result result;
    private String checkpointError;
    private String error;

    /**
     * How a run ended.
     *
     * @param loop              the time loop's outcome: status, message, steps, stepping time
     * @param last              the observables where it ended
     * @param wallSeconds       wall time of {@link #run}
     * @param explicitFallbacks steps on which semi-implicit took the explicit shift
     * @param checkpoint        the newest checkpoint, or null when there is none
     * @param checkpointError   why the checkpoint on interruption could not be written, or null
     */
    public record Result(TimeLoop.Outcome loop, Observables last, double wallSeconds, long explicitFallbacks,
                         Path checkpoint, String checkpointError) {
        public RunStatus status() {
            return loop.status();
        }
    }

    private RecordedRun(Path dir, Scenario scenario, InitialPoint initial, StepSize.Choice step, int threads,
                        double imbalanceLimit, boolean keepGoing, long checkpointEverySteps,
                        MonitorConfig monitorConfig, CheckpointStore store, Engine engine,
                        Checkpoint.Identity identity, PrintWriter log) {
        this.dir = dir;
        this.scenario = scenario;
        this.initial = initial;
        this.step = step;
        this.threads = threads;
        this.imbalanceLimit = imbalanceLimit;
        this.keepGoing = keepGoing;
        this.checkpointEverySteps = checkpointEverySteps;
        this.monitorConfig = monitorConfig;
        this.store = store;
        this.engine = engine;
        this.identity = identity;
        this.log = log;
    }

    // ---------------------------------------------------------------- opening

    /**
     * A fresh run in {@code dir}: checks the disk, creates the engine, prepares the directory (which
     * must be empty unless {@code force}; the checkpoints and monitor files of an earlier run are removed),
     * writes run.json "running" and opens the files.
     *
     * @param log where a failure to record a failure in run.json is reported
     * @throws org.balnet.model.BadInputException when the disk cannot hold the run or the directory is refused
     * @throws UncheckedIOException               when the directory or its files cannot be written
     */
    public static RecordedRun start(Path dir, boolean force, RunConfig config, EngineFactory engines,
                                    PrintWriter log) {
        Scenario scenario = config.scenario();
        StepSize.Choice step = config.step();
        long rows = step.totalSteps() / step.stepsPerRecord() + 1;
        MonitorConfig monitors = config.monitors();
        DiskCheck.require(dir, new DiskCheck.Need(rows,
                CheckpointFile.sizeEstimate(scenario.n(), config.precision(), monitored(monitors)),
                config.checkpointEverySteps() > 0 ? CheckpointStore.GENERATIONS : 0, 0,
                Monitors.diskBytes(monitors, scenario.n(), config.precision(), step.stepsPerRecord(), 0,
                        step.totalSteps(), false)));
        // The engine first: it refuses an n the memory cannot hold before anything is written.
        Engine engine = engines.create(config.backend(), scenario, config.precision(), config.sampler(),
                config.threads(), step.h());
        RecordedRun run = new RecordedRun(dir, scenario, config.initial(), step, config.threads(),
                config.imbalanceLimit(), config.keepGoing(), config.checkpointEverySteps(), monitors,
                new CheckpointStore(dir), engine, Checkpoint.Identity.of(scenario, step.h(), engine), log);
        try {
            OutputDirectory.prepare(dir, force);
            run.store.clear();
            Monitors.clear(dir);
            run.status = RunStatus.RUNNING;
            run.writeRunJson();
            run.sim = new Simulation(scenario, engine, scenario.run().scheme(), step.h(), config.initial().mean());
            run.csv = CsvWriter.create(dir.resolve(TRAJECTORY_CSV), TrajectoryRow.COLUMNS);
            run.monitors = Monitors.start(dir, monitors, engine);
            return run;
        } catch (RuntimeException e) {
            run.markFailed(e);
            run.close();
            throw e;
        }
    }

    /**
     * Continues the run in {@code dir} from its newest usable checkpoint, with the monitors it records.
     * Checkpoints are tried newest first; one that is damaged or whose prefixes no longer match
     * trajectory.csv or the monitor files is skipped ({@link #skipped} says why); the files are cut back
     * to the checkpoint's prefixes.
     *
     * @throws org.balnet.model.BadInputException when there is no run or no checkpoint in {@code dir}, a
     *                                            checkpoint belongs to another run, or {@code request}
     *                                            asks for what the run cannot do
     * @throws CheckpointException                when no checkpoint can be used
     */
    public static RecordedRun resume(Path dir, Resume request, EngineFactory engines, PrintWriter log) {
        CheckpointStore store = new CheckpointStore(dir);
        Scenario saved = store.loadScenario();
        List<Path> files = store.checkpoints();
        if (files.isEmpty()) {
            throw InputError.CONFLICT.exception("--resume", "--resume " + dir + ": no checkpoint in "
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
        Scenario scenario = saved;
        InitialPoint initial = null;
        StepSize.Choice step = null;
        if (!readable.isEmpty()) {
            if (request.tEnd() != null) {
                Scenario.RunSettings r = saved.run();
                scenario = saved.withRun(new Scenario.RunSettings(InputError.positive("--t-end", request.tEnd()),
                        r.dt(), r.recordEvery(), r.seed(), r.scheme()));
            }
            initial = InitialPoint.resolve(scenario);
            // The run's backend decides its step (the exact backend's is the record interval).
            step = Backends.step(headers.get(0).checkpoint().run().backend(), scenario, initial.jacobian());
        }
        Path trajectory = dir.resolve(TRAJECTORY_CSV);
        RecordedRun run = null;
        try {
            for (int i = 0; i < readable.size(); i++) {
                Path file = readable.get(i);
                Checkpoint c = headers.get(i).checkpoint();
                c.requireSettings(file.toString(), step.h(), request.precision(), request.backend(),
                        request.sampler());
                MonitorConfig monitors = MonitorConfig.fromOptions(c.monitors().options(), scenario, step);
                if (c.step() > step.totalSteps()) {
                    throw InputError.outOfRange("--t-end", Json.number(scenario.run().tEnd()), String.format(
                            Locale.ROOT, "at least the time of the newest checkpoint, t = %s (a resumed run goes "
                                    + "forward from it)", Json.number(c.time())));
                }
                if (run == null) {
                    run = resumed(dir, store, scenario, initial, step, request, c, monitors, engines, log);
                } else if (!monitors.equals(run.monitorConfig)) {
                    skipped.add("checkpoint " + file + " records other monitors (" + monitors + ") than the newer "
                            + "checkpoints of the run (" + run.monitorConfig + ")");
                    continue;
                }
                try {
                    CheckpointFile.restore(file, headers.get(i), run.engine);
                } catch (CheckpointException e) {
                    skipped.add(e.getMessage());
                    continue;
                }
                try {
                    // Every file is checked before any is cut: nothing is cut for a checkpoint that cannot be used.
                    CsvWriter.requirePrefix(trajectory, TrajectoryRow.COLUMNS, c.trajectory());
                    Monitors.check(dir, monitors, c.monitors().files());
                    run.csv = CsvWriter.reopen(trajectory, TrajectoryRow.COLUMNS, c.trajectory());
                    run.monitors = Monitors.reopen(dir, monitors, run.engine, c.monitors().files());
                } catch (CsvWriter.PrefixMismatch e) {
                    if (run.csv != null) {
                        run.csv.close();
                        run.csv = null;
                    }
                    skipped.add("checkpoint " + file + " does not match the run's files: " + e.getMessage());
                    continue;
                }
                run.continueFrom(c, file, skipped);
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
        throw new CheckpointException("--resume " + dir + ": no usable checkpoint:\n  " + String.join("\n  ", skipped)
                + "\nThe run cannot be continued; start it again.");
    }

    /** The resumed run's engine, created once the first checkpoint's header has passed its checks. */
    private static RecordedRun resumed(Path dir, CheckpointStore store, Scenario scenario, InitialPoint initial,
                                       StepSize.Choice step, Resume request, Checkpoint c, MonitorConfig monitors,
                                       EngineFactory engines, PrintWriter log) {
        double limit = request.imbalanceLimit() != null ? request.imbalanceLimit() : c.imbalanceLimit();
        long every = request.checkpointEvery() != null
                ? RunConfig.checkpointSteps(request.checkpointEvery(), scenario, step) : c.checkpointEverySteps();
        long rows = (step.totalSteps() - c.step()) / step.stepsPerRecord() + 1;
        long existing = 0;
        for (Path p : store.checkpoints()) {
            try {
                existing += Files.size(p);
            } catch (IOException e) {
                // a file that cannot be sized frees nothing
            }
        }
        Precision precision = c.run().precision();
        DiskCheck.require(dir, new DiskCheck.Need(rows,
                CheckpointFile.sizeEstimate(c.run().n(), precision, c.monitors()),
                every > 0 ? CheckpointStore.GENERATIONS : 1, existing,
                Monitors.diskBytes(monitors, c.run().n(), precision, step.stepsPerRecord(), c.step(),
                        step.totalSteps(), true)));
        Engine engine = engines.create(c.run().backend(), scenario, precision, c.run().sampler(), request.threads(),
                step.h());
        // The identity the run was started with: the hash of its scenario as it was (t_end is not hashed).
        return new RecordedRun(dir, scenario, initial, step, request.threads(), limit, request.keepGoing(), every,
                monitors, store, engine, c.run(), log);
    }

    private void continueFrom(Checkpoint c, Path file, List<String> skippedOnTheWay) {
        skipped = List.copyOf(skippedOnTheWay);
        startStep = c.step();
        lastCheckpoint = c;
        lastCheckpointFile = file;
        resumedFrom = new RunJson.ResumedFrom(relative(file), c.step(), c.time());
        sim = new Simulation(scenario, engine, scenario.run().scheme(), step.h(), c.observables());
        status = RunStatus.RUNNING;
        writeRunJson();
    }

    // ---------------------------------------------------------------- the run

    /**
     * Steps to the end time, recording every row, checkpointing as configured.
     *
     * @param afterStep     called after every step (progress display)
     * @param stopRequested polled after every step (and once before the first): true ends the run as
     *                      interrupted, after a checkpoint of the current step
     * @throws UncheckedIOException when a file cannot be written (a full disk): run.json says failed, and
     *                              the message says which checkpoint is intact
     */
    public Result run(TimeLoop.StepListener afterStep, BooleanSupplier stopRequested) {
        return run(row -> { }, afterStep, stopRequested);
    }

    /**
     * {@link #run(TimeLoop.StepListener, BooleanSupplier)}, handing each row also to {@code observer}
     * once it is in trajectory.csv and before the checkpoint of its step (a study's replica histograms
     * the states there). A resumed run does not hand over the row of its checkpoint again.
     */
    public Result run(TimeLoop.Recorder observer, TimeLoop.StepListener afterStep, BooleanSupplier stopRequested) {
        return runTogether(List.of(this), null, List.of(observer), afterStep, stopRequested).get(0);
    }

    /**
     * Runs several runs of the same settings (replicas: the same n, step, end time, record interval and
     * imbalance limit, each its own seed and directory) together: one step of their engines' batch per pass
     * ({@link TimeLoop#run(SimulationBatch, long, List, List, BooleanSupplier)}), each run recording,
     * checkpointing and ending as {@link #run} does alone, so each writes the files it writes alone. A run that
     * leaves the balanced state stops there; the others go on.
     *
     * @param runs          the runs, run r on {@code engines.replica(r)}
     * @param engines       their engines' batch, or null for a single run on its own engine
     * @param observers     per run, handed each row as {@link #run(TimeLoop.Recorder, TimeLoop.StepListener,
     *                      BooleanSupplier)} hands it
     * @param afterStep     called after every step of every run (progress display)
     * @param stopRequested polled after every pass: true ends every run still going as interrupted, each after
     *                      a checkpoint of its current step
     * @return per run how it ended
     * @throws UncheckedIOException when a file cannot be written (a full disk): every run.json says failed
     */
    public static List<Result> runTogether(List<RecordedRun> runs, EngineBatch engines,
                                           List<TimeLoop.Recorder> observers, TimeLoop.StepListener afterStep,
                                           BooleanSupplier stopRequested) {
        long started = System.nanoTime();
        RecordedRun first = runs.get(0);
        List<TimeLoop.Outcome> outcomes;
        try {
            TimeLoop loop = new TimeLoop(first.scenario.run().recordEvery(), first.step.stepsPerRecord(),
                    first.imbalanceLimit).keepGoing(first.keepGoing);
            List<TimeLoop.Recorder> recorders = new ArrayList<>();
            List<TimeLoop.StepListener> listeners = new ArrayList<>();
            List<Simulation> sims = new ArrayList<>();
            for (int r = 0; r < runs.size(); r++) {
                RecordedRun run = runs.get(r);
                TimeLoop.Recorder observer = observers.get(r);
                if (run.step.totalSteps() != first.step.totalSteps() || run.imbalanceLimit != first.imbalanceLimit
                        || run.keepGoing != first.keepGoing || run.step.h() != first.step.h()) {
                    throw new IllegalArgumentException("runs advanced together need the same step, end time and "
                            + "limits: " + run.dir + " differs from " + first.dir);
                }
                TimeLoop.Recorder recorder = row -> {
                    run.csv.row(row.values());
                    run.monitors.record(row);
                    observer.record(row);
                };
                // A resumed trajectory already holds the checkpoint's row (even at step 0, when the run was
                // interrupted before its first step): it was cut right after it.
                if (run.resumedFrom == null) {
                    loop.recordIfDue(run.sim, recorder);
                }
                recorders.add(recorder);
                listeners.add(s -> {
                    afterStep.afterStep(s);
                    if (run.checkpointEverySteps > 0 && s.observables().step() % run.checkpointEverySteps == 0) {
                        run.checkpoint();
                    }
                });
                sims.add(run.sim);
            }
            if (stopRequested.getAsBoolean()) {
                // The stop came while the run was being set up: stop before the first step.
                outcomes = new ArrayList<>();
                for (RecordedRun run : runs) {
                    Observables o = run.sim.observables();
                    outcomes.add(new TimeLoop.Outcome(RunStatus.INTERRUPTED, "interrupted at t = " + o.time(), 0, 0,
                            o.time()));
                }
            } else {
                SimulationBatch batch = engines == null ? SimulationBatch.of(first.sim)
                        : SimulationBatch.of(engines, sims);
                outcomes = loop.run(batch, first.step.totalSteps(), recorders, listeners, stopRequested);
            }
            for (int r = 0; r < runs.size(); r++) {
                RecordedRun run = runs.get(r);
                if (outcomes.get(r).status() == RunStatus.COMPLETED && run.checkpointEverySteps > 0
                        && !run.checkpointIsCurrent()) {
                    // The end state, so that a resume with a later t_end can extend a finished run.
                    run.checkpoint();
                }
            }
        } catch (RuntimeException e) {
            for (RecordedRun run : runs) {
                run.markFailed(e);
            }
            throw first.withWhatSurvives(e);
        }
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            RecordedRun run = runs.get(r);
            TimeLoop.Outcome outcome = outcomes.get(r);
            if (outcome.status() == RunStatus.INTERRUPTED && !run.checkpointIsCurrent()) {
                try {
                    run.checkpoint();
                } catch (RuntimeException e) {
                    run.checkpointError = e.getMessage();
                }
            }
            run.status = outcome.status();
            run.result = new Result(outcome, run.sim.observables(), (System.nanoTime() - started) * 1e-9,
                    run.sim.explicitFallbacks(), run.lastCheckpointFile, run.checkpointError);
            run.writeRunJson();
            results.add(run.result);
        }
        return results;
    }

    private boolean checkpointIsCurrent() {
        return lastCheckpoint != null && lastCheckpoint.step() == sim.observables().step();
    }

    /**
     * Writes a checkpoint of the current step. trajectory.csv and the monitor files are synced first: a
     * checkpoint must never refer to rows that a crash could still take away.
     */
    private void checkpoint() {
        if (!scenarioSaved) {
            store.saveScenario(scenario);
            scenarioSaved = true;
        }
        csv.sync();
        monitors.sync();
        Checkpoint c = new Checkpoint(identity, imbalanceLimit, checkpointEverySteps, csv.prefix(), Versions.balnetVersion(),
                sim.observables(), new Checkpoint.Monitored(monitorConfig.options(), monitors.prefixes()));
        lastCheckpointFile = store.write(c, engine);
        lastCheckpoint = c;
        written = new RunJson.Checkpoint(relative(lastCheckpointFile), c.step(), c.time());
        writeRunJson();
    }

    /** The monitors of a run as a checkpoint records them before any file has been written. */
    private static Checkpoint.Monitored monitored(MonitorConfig monitors) {
        return new Checkpoint.Monitored(monitors.options(), Map.of());
    }

    private void writeRunJson() {
        AtomicFiles.writeString(runFile(), Json.write(runJson()));
    }

    /** run.json as the run stands. */
    private RunJson runJson() {
        TimeLoop.Outcome end = result != null ? result.loop() : null;
        Observables last = result != null ? result.last() : null;
        // An event-driven engine (exact) has no step and no scheme; its work is counted in spikes.
        boolean exact = engine.eventDriven();
        return new RunJson("simulate", status.key, scenario.toMap(), initial.summary(), engine.backend(),
                engine.device(), engine.precision().key, engine.sampler().key, CounterRng.LAYOUT_VERSION,
                exact ? "none (event-driven)" : scenario.run().scheme().key, exact ? null : step.h(),
                step.explicitBound(), scenario.run().seed(), threads, imbalanceLimit,
                checkpointEverySteps > 0 ? checkpointEverySteps * step.h() : null, Versions.current(), resumedFrom,
                written,
                last != null ? new RunJson.Final(last.time(), last.mean()[0], last.mean()[1], last.variance()[0],
                        last.variance()[1]) : null,
                end != null ? end.steps() : null, end != null ? end.endTime() : null,
                result != null ? result.wallSeconds() : null, end != null ? end.wallSeconds() : null,
                end != null ? end.neuronStepsPerSecond(scenario.n()) : null,
                result != null ? result.explicitFallbacks() : null,
                end != null && !end.message().isEmpty() ? end.message() : null, checkpointError, error,
                monitorConfig.isEmpty() ? null : new RunJson.Monitors(monitorConfig.options(),
                        Monitors.fileNames(monitorConfig)),
                engine.counters().isEmpty() ? null : engine.counters());
    }

    /** Best effort: run.json says "failed" and why; a failure to write it must not hide the first one. */
    private void markFailed(RuntimeException e) {
        if (status == null) {
            return;
        }
        status = RunStatus.FAILED;
        error = String.valueOf(e.getMessage());
        try {
            writeRunJson();
        } catch (UncheckedIOException again) {
            log.println("balnet: also could not record the failure in run.json: " + again.getMessage());
            log.flush();
        }
    }

    /** An I/O failure during the run (a full disk), with what survives it and how to go on. */
    private RuntimeException withWhatSurvives(RuntimeException e) {
        if (!(e instanceof UncheckedIOException)) {
            return e;
        }
        String hint = lastCheckpoint != null
                ? String.format(Locale.ROOT, "; the checkpoint %s (t = %s) is intact: make room and continue with "
                        + "balnet simulate --resume %s", lastCheckpointFile, Json.number(lastCheckpoint.time()), dir)
                : "; no checkpoint was written before (use --checkpoint-every to have some)";
        return new UncheckedIOException(e.getMessage() + hint, ((UncheckedIOException) e).getCause());
    }

    private String relative(Path file) {
        return dir.relativize(file).toString();
    }

    // ---------------------------------------------------------------- what callers report

    public Path directory() {
        return dir;
    }

    public Path runFile() {
        return dir.resolve(RunJson.FILE);
    }

    public Path trajectoryFile() {
        return dir.resolve(TRAJECTORY_CSV);
    }

    public Scenario scenario() {
        return scenario;
    }

    public StepSize.Choice step() {
        return step;
    }

    public Engine engine() {
        return engine;
    }

    /** The step the run starts from: 0, or the checkpoint's when resumed. */
    public long startStep() {
        return startStep;
    }

    /** The simulated time the run starts from. */
    public double startTime() {
        return sim.observables().time();
    }

    /** The checkpoint a resumed run continues from. */
    public Optional<Path> resumedFrom() {
        return resumedFrom != null ? Optional.of(dir.resolve(resumedFrom.checkpoint())) : Optional.empty();
    }

    /** Why newer checkpoints of a resumed run were passed over: one sentence each. */
    public List<String> skipped() {
        return skipped;
    }

    /** The files of the run's monitors, relative to its directory (none when it records only the trajectory). */
    public List<String> monitorFiles() {
        return Monitors.fileNames(monitorConfig);
    }

    @Override
    public void close() {
        try {
            if (csv != null) {
                csv.close();
            }
        } finally {
            try {
                if (monitors != null) {
                    monitors.close();
                }
            } finally {
                closeEngine();
            }
        }
    }

    private void closeEngine() {
        if (sim != null) {
            sim.close();
        } else {
            engine.close();
        }
    }
}
