package org.balnet.validate.study;

import org.balnet.io.Versions;
import org.balnet.validate.Validation;
import org.balnet.validate.ValidationReport;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code validate --collect DIR}: checks that every shard of the study has finished, then builds the
 * study from its replicas exactly as a local {@code validate} does ({@link Validation#run} with the
 * replicas read back from their directories) and writes the same files into DIR: convergence.csv,
 * runs.csv, gaussianity.csv, summary.json, report.md and the figures. The same seeds give the same
 * bytes, but for the wall times: a replica's is its stepping time summed over its runs, the study's is
 * the sum of its tasks' wall times and the collecting (compute time, not elapsed time).
 */
public final class StudyCollector {
    private StudyCollector() {
    }

    /** A study with shards that have not finished: one line per shard, and how to run them again. */
    public static final class IncompleteStudy extends RuntimeException {
        IncompleteStudy(String message) {
            super(message);
        }
    }

    /**
     * Collects the study in {@code dir} and writes its files there.
     *
     * @throws IncompleteStudy                     when a shard has not finished or failed
     * @throws org.balnet.model.BadInputException  when {@code dir} is not a study directory or was changed
     * @throws org.balnet.limit.LimitFailure       when the limit or the closure cannot be solved
     */
    public static Validation.Result collect(Path dir, PrintWriter log) {
        Manifest m = Manifest.read(dir, "--collect");
        List<String> problems = new ArrayList<>();
        List<Integer> rerun = new ArrayList<>();
        double taskSeconds = 0;
        for (Manifest.Shard s : m.shards()) {
            Optional<ShardRecord> rec = ShardTask.readRecord(dir, s.task())
                    .filter(r -> m.studyId().equals(r.studyId()));
            if (ShardTask.isComplete(dir, m, s)) {
                taskSeconds += rec.map(ShardRecord::wallSeconds).orElse(0.0);
                continue;
            }
            rerun.add(s.task());
            problems.add(String.format(Locale.ROOT, "task %d (%s): %s", s.task(), s.describe(), why(rec)));
        }
        if (!problems.isEmpty()) {
            String tasks = rerun.stream().map(String::valueOf).collect(Collectors.joining(","));
            throw new IncompleteStudy(String.format(Locale.ROOT, "%d of %d shards of %s have not finished:%n  %s%n"
                            + "Run them again: sbatch --array=%s %s (or balnet validate --task I %s for each), then "
                            + "collect again.", problems.size(), m.shards().size(), dir,
                    String.join(System.lineSeparator() + "  ", problems), tasks,
                    dir.resolve(SlurmScript.FILE), dir));
        }
        Validation.Config c = m.config(dir, "--collect", null, 1);
        Validation.Result r = Validation.run(c, (spec, index, l) -> RecordedReplica.load(
                RecordedReplica.directory(dir, spec.scenario().n(), index), m.studyId(), spec, index), log);
        r = r.withWallSeconds(r.wallSeconds() + taskSeconds);
        ValidationReport.write(r, dir, m.command(), Versions.current());
        return r;
    }

    private static String why(Optional<ShardRecord> rec) {
        if (rec.isEmpty()) {
            return "has not run (or was killed before it could record anything)";
        }
        ShardRecord r = rec.get();
        String where = (r.slurmJob() != null ? " (Slurm job " + r.slurmJob() + ", " : " (") + r.attempts() + " run"
                + (r.attempts() > 1 ? "s" : "") + " on " + r.host() + ")";
        if (r.is(ShardRecord.Status.FAILED)) {
            return "failed" + where + ": " + r.error();
        }
        if (r.is(ShardRecord.Status.INTERRUPTED)) {
            return "stopped after a checkpoint" + where + "; it resumes from there when run again";
        }
        return "recorded as " + r.status() + where + " but its replicas are not all done";
    }
}
