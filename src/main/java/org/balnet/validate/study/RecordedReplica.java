package org.balnet.validate.study;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvTable;
import org.balnet.io.IoMessages;
import org.balnet.io.Json;
import org.balnet.io.TimeGrid;
import org.balnet.model.BadInputException;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Backends;
import org.balnet.sim.StepSize;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.checkpoint.CheckpointException;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.balnet.sim.monitor.MonitorConfig;
import org.balnet.sim.run.EngineFactory;
import org.balnet.sim.run.RecordedRun;
import org.balnet.sim.run.Resume;
import org.balnet.sim.run.RunConfig;
import org.balnet.validate.Replica;
import org.balnet.validate.ReplicaRecorder;
import org.balnet.validate.StateHistogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One replica of a study, run in a directory of its own as a {@link RecordedRun} (trajectory.csv,
 * run.json, checkpoints), so that a task stopped by SIGTERM resumes it from its checkpoint and writes
 * byte for byte what an uninterrupted run writes. Its state histograms go to files as they are taken
 * ({@link HistogramFile}), and {@code replica.json} ({@link ReplicaRecord}) says how far it got.
 * {@link #load} turns a finished directory back into the {@link Replica} that {@link Replica#simulate}
 * returns for the same spec.
 */
final class RecordedReplica {
    private RecordedReplica() {
    }

    /** replicas/n1000-r3 in the study directory. */
    static Path directory(Path study, long n, int replica) {
        return study.resolve("replicas").resolve("n" + n + "-r" + replica);
    }

    /**
     * Runs the replica to its end: nothing when replica.json says it is done, resumed from its newest
     * usable checkpoint when there is one, from the start otherwise.
     *
     * @param checkpointEvery simulated time between checkpoints, or null (one only when stopped)
     * @param stop            polled after every step: true checkpoints and returns (status interrupted)
     * @return replica.json as written at the end of this run
     * @throws UncheckedIOException when a file cannot be written; the checkpoints written so far stay
     */
    static ReplicaRecord run(String studyId, Replica.Spec spec, int index, Path dir, Double checkpointEvery,
                             EngineFactory engines, BooleanSupplier stop, PrintWriter log) {
        Scenario s = spec.scenario();
        String who = String.format(Locale.ROOT, "replica %d (n = %d, seed %d)", index, s.n(), s.run().seed());
        ReplicaRecord before = read(dir).filter(r -> isOf(r, studyId, spec, index)).orElse(null);
        if (before != null && before.done()) {
            // done, then stopped before its checkpoints were removed
            new CheckpointStore(dir).clear();
            return before;
        }
        List<ReplicaRecord.Segment> segments = new ArrayList<>();
        RecordedRun run = null;
        if (before != null && !new CheckpointStore(dir).checkpoints().isEmpty()) {
            try {
                run = RecordedRun.resume(dir, new Resume(null, spec.precision(), spec.backend(), spec.sampler(), spec.threads(), null,
                        null, false), engines, log);
                for (String skipped : run.skipped()) {
                    log.println("warning: " + who + ": skipped " + skipped);
                }
                log.printf(Locale.ROOT, "%s: resuming from t = %s (step %d)%n", who, Json.number(run.startTime()),
                        run.startStep());
                segments.addAll(before.segments());
            } catch (CheckpointException | BadInputException e) {
                log.println("warning: " + who + ": cannot resume (" + e.getMessage() + "); running it from the start");
            }
        }
        if (run == null) {
            deleteTree(dir);
            StepSize.Choice step = Backends.step(spec.backend(), s, spec.initial().jacobian());
            RunConfig config = new RunConfig(s, spec.initial(), step, spec.backend(), spec.precision(), spec.sampler(),
                    spec.threads(),
                    spec.imbalanceLimit(), false, RunConfig.checkpointSteps(checkpointEvery, s, step),
                    MonitorConfig.NONE);
            run = RecordedRun.start(dir, false, config, engines, log);
        }
        log.flush();
        try (RecordedRun r = run) {
            write(dir, record(studyId, spec, index, r, RunStatus.RUNNING, "", r.startStep(), segments, List.of()));
            ReplicaRecorder recorder = new ReplicaRecorder(r.engine(), r.step().stepsPerRecord(), spec.histogramRows(),
                    row -> { }, (k, h) -> HistogramFile.write(dir.resolve(HistogramFile.name(k, h.population())), h));
            long from = r.startStep();
            RecordedRun.Result result = r.run(recorder, x -> { }, stop);
            long reached = result.last().step();
            segments.add(new ReplicaRecord.Segment(from, reached, result.loop().wallSeconds(), result.status().key));
            boolean done = isFinal(result.status());
            ReplicaRecord after = record(studyId, spec, index, r, result.status(), result.loop().message(), reached,
                    segments, done ? histogramFiles(dir, spec.histogramRows()) : List.of());
            write(dir, after);
            if (done) {
                // at n = 1e9 a checkpoint is 16 GB: a finished replica keeps its trajectory and histograms only
                new CheckpointStore(dir).clear();
            }
            return after;
        }
    }

    /** Completed, or left the balanced state: either way the replica's data are final. */
    private static boolean isFinal(RunStatus s) {
        return s == RunStatus.COMPLETED || s == RunStatus.LEFT_BALANCED_STATE;
    }

    private static boolean isOf(ReplicaRecord r, String studyId, Replica.Spec spec, int index) {
        return studyId.equals(r.studyId()) && r.n() == spec.scenario().n() && r.replica() == index
                && r.seed() == spec.scenario().run().seed();
    }

    private static ReplicaRecord record(String studyId, Replica.Spec spec, int index, RecordedRun run, RunStatus status,
                                        String message, long steps, List<ReplicaRecord.Segment> segments,
                                        List<String> histograms) {
        double wall = segments.stream().mapToDouble(ReplicaRecord.Segment::wallSeconds).sum();
        return new ReplicaRecord(studyId, spec.scenario().n(), index, spec.scenario().run().seed(), status.key,
                isFinal(status), message, run.step().h(), run.engine().backend(), run.engine().device(), steps, wall,
                List.copyOf(segments), histograms);
    }

    /** The histogram files in the order {@link ReplicaRecorder} took them: by time, e before i. */
    private static List<String> histogramFiles(Path dir, long[] histogramRows) {
        long[] rows = histogramRows.clone();
        java.util.Arrays.sort(rows);
        List<String> files = new ArrayList<>();
        for (long k : rows) {
            for (Population p : Population.values()) {
                String name = HistogramFile.name(k, p);
                // absent: the run ended before t_k, or the population had no spread to histogram
                if (Files.isRegularFile(dir.resolve(name))) {
                    files.add(name);
                }
            }
        }
        return List.copyOf(files);
    }

    /** replica.json, or empty when there is none or it cannot be read (the replica then runs again). */
    static Optional<ReplicaRecord> read(Path dir) {
        Path file = dir.resolve(ReplicaRecord.FILE);
        try {
            return Optional.of(Json.read(Files.readString(file, StandardCharsets.UTF_8), ReplicaRecord.class));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void write(Path dir, ReplicaRecord r) {
        AtomicFiles.writeString(dir.resolve(ReplicaRecord.FILE), Json.write(r));
    }

    /**
     * The finished replica in {@code dir} as {@link Replica#simulate} returns it for {@code spec}: its
     * rows on the record grid from trajectory.csv, its histograms from their files.
     *
     * @throws IllegalStateException when the directory does not hold that replica, finished, with every file
     */
    static Replica load(Path dir, String studyId, Replica.Spec spec, int index) {
        ReplicaRecord r = read(dir).orElseThrow(() -> new IllegalStateException(dir.resolve(ReplicaRecord.FILE)
                + " is missing or unreadable"));
        if (!isOf(r, studyId, spec, index)) {
            throw new IllegalStateException(dir + " holds another replica (study " + r.studyId() + ", n = " + r.n()
                    + ", replica " + r.replica() + ", seed " + r.seed() + ")");
        }
        if (!r.done()) {
            throw new IllegalStateException(dir + ": the replica has not finished (" + r.status() + ")");
        }
        StepSize.Choice step = StepSize.choose(spec.scenario(), spec.initial().jacobian());
        if (r.h() != step.h()) {
            throw new IllegalStateException(dir + ": h = " + r.h() + ", the study's is " + step.h());
        }
        List<TrajectoryRow> rows = rows(dir.resolve(RecordedRun.TRAJECTORY_CSV), step.h(), step.stepsPerRecord());
        List<StateHistogram> histograms = new ArrayList<>();
        for (String f : r.histograms()) {
            histograms.add(HistogramFile.read(dir.resolve(f)));
        }
        return new Replica(r.n(), index, r.seed(), status(r.status()), r.message(), r.h(), r.backend(), r.device(),
                List.copyOf(rows), List.copyOf(histograms), r.wallSeconds(), r.steps());
    }

    private static RunStatus status(String key) {
        for (RunStatus s : RunStatus.values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown run status " + key);
    }

    /**
     * The rows of trajectory.csv that {@link ReplicaRecorder} keeps: those on the record grid. A row's
     * step is t / h rounded; the row of a departure from the balanced state lies between record times
     * unless it falls on one.
     */
    static List<TrajectoryRow> rows(Path csv, double h, long stepsPerRecord) {
        List<TrajectoryRow> rows = new ArrayList<>();
        TimeGrid steps = new TimeGrid(h);
        for (String[] cells : CsvTable.read(csv, TrajectoryRow.COLUMNS, c -> true).rows()) {
            double[] values = new double[TrajectoryRow.COLUMNS.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = CsvTable.number(cells[i]);
            }
            long step = Math.round(values[0] / h);
            if (ReplicaRecorder.onGrid(step, stepsPerRecord)) {
                rows.add(TrajectoryRow.fromValues(step, steps.stepTime(step), values));
            }
        }
        return rows;
    }

    /** Removes a replica's directory before it runs from the start: nothing of an earlier attempt remains. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + IoMessages.reason(e), e);
        }
    }
}
