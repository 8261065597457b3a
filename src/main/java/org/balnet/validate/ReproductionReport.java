package org.balnet.validate;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.Versions;
import org.balnet.limit.LimitRow;
import org.balnet.limit.Trajectory;
import org.balnet.sim.TrajectoryRow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes what {@link Reproduction} produced: per scenario the four-panel figure (PNG, SVG), the error over
 * time, the histograms at T, the drawn replica's trajectory and the limit and closure as CSV; then
 * {@code summary.json} and {@code report.md}. Every file is written atomically.
 */
public final class ReproductionReport {
    public static final String REPORT_MD = "report.md";
    public static final String SUMMARY_JSON = "summary.json";

    private ReproductionReport() {
    }

    /** Writes everything into {@code dir} (which exists) and returns the files. */
    public static List<Path> write(Reproduction.Result r, Path dir, String commandLine, Versions versions) {
        List<Path> files = new ArrayList<>();
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            String name = s.scenario().name();
            Replica first = s.replicas().get(0);
            String heading = name + ", n = " + Figures.count(s.scenario().n());
            files.addAll(Figures.trajectories(heading, first, s.limit(), s.closure()).write(dir, name));
            double[] t = s.limit().rows().stream().mapToDouble(LimitRow::t).toArray();
            files.addAll(Figures.errorOverTime(heading + ": error (4.5) against the limit and the closure", t,
                    s.limitError(), s.closureError(), s.replicas().size()).write(dir, name + "-error"));
            List<Validation.GaussianCheck> pair = s.gaussian().stream().filter(g -> g.replica() == 0).toList();
            if (!pair.isEmpty()) {
                files.addAll(Figures.histograms(heading, pair.stream().map(Validation.GaussianCheck::histogram).toList(),
                        pair.stream().map(Validation.GaussianCheck::distance).toList()).write(dir, name + "-histogram"));
            }
            // the drawn replica's moments: the columns of trajectory.csv that the limit also has
            files.add(CsvWriter.writeTable(dir.resolve(name + "-simulation.csv"), TrajectoryRow.MOMENT_COLUMNS,
                    first.rows().stream().map(TrajectoryRow::moments).toList()));
            files.add(trajectoryCsv(dir.resolve(name + "-limit.csv"), s.limit()));
            files.add(trajectoryCsv(dir.resolve(name + "-closure.csv"), s.closure()));
        }
        Path summary = dir.resolve(SUMMARY_JSON);
        AtomicFiles.writeString(summary, Json.write(ReproductionSummary.of(r, commandLine, versions)));
        files.add(summary);
        Path report = dir.resolve(REPORT_MD);
        AtomicFiles.writeString(report, markdown(r, commandLine, versions));
        files.add(report);
        return files;
    }

    static Path trajectoryCsv(Path file, Trajectory tr) {
        return CsvWriter.writeTable(file, LimitRow.COLUMNS, tr.rows().stream().map(LimitRow::values).toList());
    }

    /** The time step's bias at this run's h against its finite-n error ({@link ReproductionSummary.TimeStepBias}). */
    static String timeStepSection(Reproduction.Result r) {
        StringBuilder md = new StringBuilder("\n## The time step's bias\n\n");
        md.append("The simulations here are tau-leaped (semi-implicit): over a step h every synapse fires at its rate at "
                + "the step's start. How far that moves the replica means from the network's own, in continuous time, "
                + "was measured against the exact backend (`balnet validate --dt-study`; validation/README.md, "
                + "\"The time step's bias\"): B is the sup over the window of the distance between the replica means "
                + "of v̂_e, v̂_i, K̂_e, K̂_i (the norm of (4.5)), with its 95% interval [B - N, B + N] (N the replicas' "
                + "noise floor). It is set against this run's finite-n error, the mean over replicas of the sup of "
                + "(4.5) over the same window, against the limit (the n^-1/2 error) and against the closure.\n\n");
        md.append("| scenario | h | measured at n | window | time-step bias B | 95% interval | finite-n error, vs limit "
                + "| B / that | vs closure | B / that |\n|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> commands = new ArrayList<>();
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            ReproductionSummary.TimeStepBias b = ReproductionSummary.TimeStepBias.of(s);
            String name = s.scenario().name();
            if (!b.measured()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | not measured at this step | | | | | | | |%n", name,
                        Validation.fmt(b.h())));
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | [%s, %s] | %.3g | [%.3g, %.3g] | %.4g | %.1f%% | %.4g "
                            + "| %.1f%% |%n", name, Validation.fmt(b.h()), Figures.count(b.n()),
                    Validation.fmt(b.window().get(0)), Validation.fmt(b.window().get(1)), b.bias(),
                    b.interval().get(0), b.interval().get(1), b.finiteNErrorLimit(),
                    100 * b.bias() / b.finiteNErrorLimit(), b.finiteNErrorClosure(),
                    100 * b.bias() / b.finiteNErrorClosure()));
            commands.add(b.command());
        }
        if (!commands.isEmpty()) {
            md.append("\nMeasured with (validation/expected/dt-bias-NAME.toml):\n\n```\n");
            for (String c : commands) {
                md.append(c).append('\n');
            }
            md.append("```\n");
        }
        if (r.config().n() != Reproduction.PAPER_N) {
            md.append("\nThe bias was measured at n = ").append(Reproduction.PAPER_N).append(", this run has n = ")
                    .append(r.config().n()).append(".\n");
        }
        return md.toString();
    }

    static String markdown(Reproduction.Result r, String commandLine, Versions versions) {
        StringBuilder md = new StringBuilder();
        List<Check> all = r.checks();
        long failed = all.stream().filter(c -> !c.pass()).count();
        md.append("# balnet reproduce: MacLaurin & Vilanova, Section 6\n\n");
        md.append(failed == 0 ? "**All " + all.size() + " checks pass.**" : "**" + failed + " of " + all.size()
                + " checks fail.**").append("\n\n```\n").append(commandLine).append("\n```\n\n");
        Replica any = r.scenarios().get(0).replicas().get(0);
        md.append(String.format(Locale.ROOT, "- n = %d neurons per population (the paper's n_e = n_i = 5000), T = 5, "
                        + "%d replicas per scenario (seeds from base seed %d; the figures draw the first, as the paper "
                        + "draws one realisation)%n", r.config().n(), r.config().replicas(), r.config().baseSeed()));
        md.append(String.format(Locale.ROOT, "- backend %s (%s), %s, sampler %s, semi-implicit, h = %s, recorded every "
                        + "%s%n", any.backend(), any.device(), r.config().precision().key, r.config().sampler().key,
                Validation.fmt(any.h()),
                Validation.fmt(Reproduction.RECORD_EVERY)));
        md.append(String.format(Locale.ROOT, "- versions: %s; wall time %.1f s (solving and simulating)%n%n",
                versions.text(), r.wallSeconds()));
        md.append("Three curves per panel: the simulation (one replica), the hydrodynamic limit of Lemma 4.2 "
                + "(what the paper plots against), and the finite-n Gaussian closure dv/dt = -v/tau + sqrt(n) F(v, K), "
                + "which keeps the O(n^-1/2 / zeta) offset of the means (7.1) that the limit drops.\n\n");
        md.append(Check.markdownSection(all, r.scenarios().get(0).checks()));
        md.append(timeStepSection(r));
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            String name = s.scenario().name();
            md.append("\n## ").append(name).append(String.format(Locale.ROOT, " (k_e = %s, k_i = %s)%n%n",
                    Validation.fmt(s.scenario().initial().kE()), Validation.fmt(s.scenario().initial().kI())));
            md.append(String.format(Locale.ROOT, "Balanced initial point m = (%.6f, %.6f), zeta = %.5f.%n%n",
                    s.initial().point().meanE(), s.initial().point().meanI(), s.initial().point().zeta()));
            md.append("| t | quantity | simulation (mean ± sd of " + s.replicas().size() + ") | limit | closure |\n"
                    + "|---|---|---|---|---|\n");
            for (double t : Reproduction.TABLE_TIMES) {
                ReproductionSummary.Values row = ReproductionSummary.values(s, t);
                List<ReproductionSummary.Value> quantities = row.all();
                for (int j = 0; j < quantities.size(); j++) {
                    ReproductionSummary.Value v = quantities.get(j);
                    md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %.4f | %.4f |%n",
                            Validation.fmt(row.t()), TrajectoryRow.MOMENT_COLUMNS.get(j + 1), v.simulationMean(),
                            v.simulationSd(), v.limit(), v.closure()));
                }
            }
            md.append("\n![").append(name).append("](").append(name).append(".png)\n\n");
            md.append("![").append(name).append(" error](").append(name).append("-error.png)\n\n");
            md.append("![").append(name).append(" histograms](").append(name).append("-histogram.png)\n\n");
            md.append("Vector versions: `").append(name).append(".svg`, `").append(name).append("-error.svg`, `")
                    .append(name).append("-histogram.svg`. Data: `").append(name).append("-simulation.csv` (the drawn "
                            + "replica), `").append(name).append("-limit.csv`, `").append(name)
                    .append("-closure.csv`.\n");
        }
        return md.toString();
    }
}
