package org.balnet.validate;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.Versions;
import org.balnet.limit.LimitRow;
import org.balnet.model.Population;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes what {@link Validation} measured: {@code convergence.csv} (one row per n), {@code runs.csv} (one
 * row per replica), {@code gaussianity.csv} (one row per histogram), {@code summary.json},
 * {@code report.md} and the figures (PNG and SVG). Every file is written atomically.
 */
public final class ValidationReport {
    /**
     * Columns of convergence.csv, a contract with the tools that read it (append, never rename).
     * Errors are the supremum of (4.5) over the record times in [t_from, t_to] for each replica, then
     * the mean, sample sd, min and max over replicas; *_whole over [0, T] instead.
     */
    public static final List<String> CONVERGENCE_COLUMNS = List.of(
            "n", "replicas", "completed", "t_from", "t_to",
            "limit_error_mean", "limit_error_sd", "limit_error_min", "limit_error_max",
            "closure_error_mean", "closure_error_sd", "closure_error_min", "closure_error_max",
            "limit_error_whole_mean", "closure_error_whole_mean",
            "ks_max", "w1_max");
    /** Columns of runs.csv: one row per replica; status 0 completed, 1 left the balanced state. */
    public static final List<String> RUN_COLUMNS = List.of(
            "n", "replica", "seed", "left_balanced_state", "limit_error", "limit_error_t", "closure_error",
            "closure_error_t", "limit_error_whole", "limit_error_whole_t", "closure_error_whole", "wall_s");
    /** Columns of gaussianity.csv; population 0 = e, 1 = i. */
    public static final List<String> GAUSSIANITY_COLUMNS = List.of(
            "n", "replica", "seed", "t", "population", "mean", "variance", "ks", "ks_upper", "ks_threshold",
            "w1", "w1_bound", "w1_scale", "outside", "bins");

    public static final String CONVERGENCE_CSV = "convergence.csv";
    public static final String RUNS_CSV = "runs.csv";
    public static final String GAUSSIANITY_CSV = "gaussianity.csv";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String REPORT_MD = "report.md";
    public static final String CONVERGENCE_FIGURE = "convergence";

    private ValidationReport() {
    }

    /**
     * Writes every file into {@code dir} (which exists).
     *
     * @param commandLine the command as the user typed it, for the report
     * @param versions    balnet, Java and OS versions
     * @return the files written
     */
    public static List<Path> write(Validation.Result r, Path dir, String commandLine, Versions versions) {
        List<Path> files = new ArrayList<>();
        files.add(convergenceCsv(r, dir.resolve(CONVERGENCE_CSV)));
        files.add(runsCsv(r, dir.resolve(RUNS_CSV)));
        files.add(gaussianityCsv(r, dir.resolve(GAUSSIANITY_CSV)));
        List<String> figures = new ArrayList<>();
        files.addAll(figures(r, dir, figures));
        Path summary = dir.resolve(SUMMARY_JSON);
        AtomicFiles.writeString(summary, Json.write(ValidationSummary.of(r, commandLine, versions)));
        files.add(summary);
        Path report = dir.resolve(REPORT_MD);
        AtomicFiles.writeString(report, markdown(r, commandLine, versions, figures));
        files.add(report);
        return files;
    }

    static Path convergenceCsv(Validation.Result r, Path file) {
        List<double[]> rows = new ArrayList<>();
        for (Validation.SizeResult s : r.sizes()) {
            double ks = r.gaussian().stream().filter(g -> g.n() == s.n()).mapToDouble(g -> g.distance().ksUpper())
                    .max().orElse(Double.NaN);
            double w1 = r.gaussian().stream().filter(g -> g.n() == s.n()).mapToDouble(g -> g.distance().w1())
                    .max().orElse(Double.NaN);
            rows.add(new double[]{s.n(), s.replicas().size(), s.completed(), r.config().from(), r.limitUntil(),
                    s.limitError().mean(), s.limitError().sd(), s.limitError().min(), s.limitError().max(),
                    s.closureError().mean(), s.closureError().sd(), s.closureError().min(), s.closureError().max(),
                    s.limitWhole().mean(), s.closureWhole().mean(), ks, w1});
        }
        return CsvWriter.writeTable(file, CONVERGENCE_COLUMNS, rows);
    }

    static Path runsCsv(Validation.Result r, Path file) {
        List<double[]> rows = new ArrayList<>();
        for (Validation.SizeResult s : r.sizes()) {
            for (Validation.ReplicaResult x : s.replicas()) {
                Replica run = x.replica();
                rows.add(new double[]{run.n(), run.index(), run.seed(), run.completed() ? 0 : 1,
                        x.limit().value(), x.limit().time(), x.closure().value(), x.closure().time(),
                        x.limitWhole().value(), x.limitWhole().time(), x.closureWhole().value(), run.wallSeconds()});
            }
        }
        return CsvWriter.writeTable(file, RUN_COLUMNS, rows);
    }

    static Path gaussianityCsv(Validation.Result r, Path file) {
        List<double[]> rows = new ArrayList<>();
        for (Validation.GaussianCheck g : r.gaussian()) {
            StateHistogram h = g.histogram();
            GaussianDistance.Result d = g.distance();
            rows.add(new double[]{g.n(), g.replica(), g.seed(), h.time(), h.population().index(), h.sampleMean(),
                    h.sampleVariance(), d.ks(), d.ksUpper(), g.threshold(), d.w1(), d.w1Bound(), g.w1Scale(),
                    d.outside(), h.bins()});
        }
        return CsvWriter.writeTable(file, GAUSSIANITY_COLUMNS, rows);
    }

    static List<Path> figures(Validation.Result r, Path dir, List<String> names) {
        List<Path> files = new ArrayList<>();
        Validation.Config c = r.config();
        String name = c.scenario().name();
        long[] sizes = c.sizes();
        double[][] le = r.sizes().stream().map(Validation.SizeResult::limitErrors).toArray(double[][]::new);
        double[][] ce = r.sizes().stream().map(Validation.SizeResult::closureErrors).toArray(double[][]::new);
        String y = String.format(Locale.ROOT, "sup over t in [%s, %s] of error (4.5)", Validation.fmt(c.from()),
                Validation.fmt(r.limitUntil()));
        files.addAll(Figures.convergence(name + ": error (4.5) against n, " + c.replicas() + " replicas per n", y,
                sizes, le, ce, r.limitFit(), r.closureFit()).write(dir, CONVERGENCE_FIGURE));
        names.add(CONVERGENCE_FIGURE);
        for (Validation.SizeResult s : r.sizes()) {
            String base = "trajectories-n" + s.n();
            Replica first = s.replicas().get(0).replica();
            files.addAll(Figures.trajectories(name + ", n = " + Figures.count(s.n()), first, r.limit(), s.closure())
                    .write(dir, base));
            names.add(base);
        }
        // histograms of the largest n, first replica, last histogram time
        long nMax = r.sizes().get(r.sizes().size() - 1).n();
        List<Validation.GaussianCheck> last = new ArrayList<>();
        double tLast = r.gaussian().stream().filter(g -> g.n() == nMax && g.replica() == 0)
                .mapToDouble(g -> g.histogram().time()).max().orElse(Double.NaN);
        for (Validation.GaussianCheck g : r.gaussian()) {
            if (g.n() == nMax && g.replica() == 0 && g.histogram().time() == tLast) {
                last.add(g);
            }
        }
        if (!last.isEmpty()) {
            String base = "histogram-n" + nMax;
            files.addAll(Figures.histograms(name + ", n = " + Figures.count(nMax),
                    last.stream().map(Validation.GaussianCheck::histogram).toList(),
                    last.stream().map(Validation.GaussianCheck::distance).toList()).write(dir, base));
            names.add(base);
        }
        return files;
    }

    static String g4(double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.4g", x);
    }

    static String markdown(Validation.Result r, String commandLine, Versions versions,
                           List<String> figures) {
        Validation.Config c = r.config();
        Replica any = r.sizes().get(0).replicas().get(0).replica();
        StringBuilder md = new StringBuilder();
        md.append("# balnet validate: ").append(c.scenario().name()).append("\n\n");
        md.append(r.passed() ? "**All " + r.checks().size() + " checks pass.**"
                : "**" + r.failedChecks() + " of " + r.checks().size() + " checks fail.**").append("\n\n");
        md.append("```\n").append(commandLine).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "- sizes n (neurons per population): %s; %d replicas each; seeds from "
                        + "base seed %d (per-run seeds in `runs.csv`)%n", sizesText(c.sizes()), c.replicas(),
                c.baseSeed()));
        md.append(String.format(Locale.ROOT, "- backend %s (%s), %s, sampler %s, scheme %s, h = %s, recorded every %s, "
                        + "T = %s%n", any.backend(), any.device(), c.precision().key, c.sampler().key,
                c.scenario().run().scheme().key,
                Validation.fmt(any.h()), Validation.fmt(c.scenario().run().recordEvery()), Validation.fmt(c.tEnd())));
        md.append(String.format(Locale.ROOT, "- balanced initial point m = (%.6f, %.6f), k = (%s, %s), zeta = %.4f%n",
                r.initial().point().meanE(), r.initial().point().meanI(),
                Validation.fmt(r.initial().point().varianceE()),
                Validation.fmt(r.initial().point().varianceI()), r.initial().point().zeta()));
        md.append(String.format(Locale.ROOT, "- error: per replica, sup over the record times in [%s, %s] of (4.5) "
                        + "|K_e^n - K_e| + |K_i^n - K_i| + |v_e^n - v_e| + |v_i^n - v_i|, against the limit (Lemma 4.2) "
                        + "and against the finite-n closure; the columns \"[0, T]\" use the whole run%n",
                Validation.fmt(c.from()), Validation.fmt(r.limitUntil())));
        if (r.limit().eta().isPresent()) {
            md.append(String.format(Locale.ROOT, "- the limit leaves the balanced manifold at eta = " + Validation.ETA_FORMAT
                    + " < T; errors against it stop at t = %s%n", r.limit().eta().getAsDouble(), Validation.fmt(r.limitUntil())));
        }
        md.append(String.format(Locale.ROOT, "- versions: %s; wall time %.1f s (solving and simulating)%n%n",
                versions.text(), r.wallSeconds()));

        md.append(Check.markdownSection(r.checks(), r.checks()));
        md.append(String.format(Locale.ROOT, "%nNot a pass/fail check: n^-1/2 (slope %s) is %s the %d%% bootstrap "
                        + "interval of the slope against the limit, and %s that of the closure.%n%n",
                Validation.fmt(Validation.THEORY_SLOPE),
                r.limitFit().contains(Validation.THEORY_SLOPE) ? "inside" : "outside", Validation.CONFIDENCE_PERCENT,
                r.closureFit().contains(Validation.THEORY_SLOPE) ? "inside" : "outside"));

        md.append("## Error against n\n\n");
        md.append(String.format(Locale.ROOT, "| n | replicas | vs limit, [%s, %s]: mean ± sd (min–max) | vs closure, "
                        + "same window | vs limit, [0, T] | vs closure, [0, T] |%n|---|---|---|---|---|---|%n",
                Validation.fmt(c.from()), Validation.fmt(r.limitUntil())));
        for (Validation.SizeResult s : r.sizes()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", Figures.count(s.n()),
                    s.replicas().size(), spreadText(s.limitError()), spreadText(s.closureError()),
                    g4(s.limitWhole().mean()), g4(s.closureWhole().mean())));
        }
        md.append(String.format(Locale.ROOT, "%n| fit of ln(mean error) on ln n | slope | %d%% CI, bootstrap over "
                        + "replicas | %d%% CI, OLS t-interval |%n|---|---|---|---|%n"
                        + "| against the limit | %.3f | %s | %s |%n"
                        + "| against the closure | %.3f | %s | %s |%n%n", Validation.CONFIDENCE_PERCENT,
                Validation.CONFIDENCE_PERCENT, r.limitFit().slope(), ci(r.limitFit()),
                ci(r.limitFitOls()), r.closureFit().slope(), ci(r.closureFit()), ci(r.closureFitOls())));
        md.append("The bootstrap interval resamples replicas within each n (").append(PowerLawFit.RESAMPLES)
                .append(" resamples); the OLS interval uses the scatter of the per-n means about the line "
                        + "(k - 2 degrees of freedom, very wide for 3 sizes).\n\n");

        md.append("## Gaussianity (Lemma 5.2)\n\n");
        md.append("Distance between the empirical distribution of u_alpha and N(v-hat_alpha, K-hat_alpha), from a "
                + "histogram taken where the states live (mean ± 8 sd, 320 sqrt(n) bins, at least 2000). KS is given "
                + "as its upper bound over the binning (the lower bound, at the bin edges, is in gaussianity.csv); W1 "
                + "is the trapezoid estimate, within ± the stated bound (binning plus tails), and is compared with "
                + "J_1 sd / sqrt(n), the Bobkov-Ledoux bound on the expected W1 of n i.i.d. samples.\n\n");
        md.append("| n | replica | t | pop. | KS (upper) | KS threshold | W1 | W1 bound | W1 / (J_1 sd / sqrt n) |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Validation.GaussianCheck g : r.gaussian()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.4g | %.4g | %.4g | %.2g | %.3f |%n",
                    Figures.count(g.n()), g.replica(), Validation.fmt(g.histogram().time()),
                    g.histogram().population().label, g.distance().ksUpper(), g.threshold(), g.distance().w1(),
                    g.distance().w1Bound(), g.distance().w1() / g.w1Scale()));
        }
        md.append("\n## Limit and closure at chosen times\n\n"
                + "| t | v_e limit | v_i limit | K_e limit | K_i limit | zeta |");
        for (Validation.SizeResult s : r.sizes()) {
            md.append(" v_e closure n = ").append(Figures.count(s.n())).append(" |");
        }
        md.append("\n|---|---|---|---|---|---|").append("---|".repeat(r.sizes().size())).append("\n");
        for (double t : new double[]{0, c.from(), r.limitUntil()}) {
            LimitRow l = Validation.rowAt(r.limit(), t);
            md.append(String.format(Locale.ROOT, "| %s | %.6f | %.6f | %.6f | %.6f | %.5f |", Validation.fmt(l.t()),
                    l.mean(Population.E), l.mean(Population.I), l.variance(Population.E), l.variance(Population.I),
                    l.zeta()));
            for (Validation.SizeResult s : r.sizes()) {
                md.append(String.format(Locale.ROOT, " %.6f |", Validation.rowAt(s.closure(), t).mean(Population.E)));
            }
            md.append('\n');
        }
        md.append(Figures.markdownSection(figures));
        md.append("## Files\n\n`convergence.csv` (one row per n), `runs.csv` (one row per replica), `gaussianity.csv` "
                + "(one row per histogram), `summary.json`, this report, the figures.\n");
        return md.toString();
    }

    static String sizesText(long[] sizes) {
        StringBuilder sb = new StringBuilder();
        for (long n : sizes) {
            sb.append(sb.length() > 0 ? ", " : "").append(Figures.count(n));
        }
        return sb.toString();
    }

    static String spreadText(Spread s) {
        return String.format(Locale.ROOT, "%.4g ± %s (%.4g–%.4g)", s.mean(), g4(s.sd()), s.min(), s.max());
    }

    static String ci(PowerLawFit.Fit f) {
        return Double.isNaN(f.low()) ? "–" : String.format(Locale.ROOT, "[%.3f, %.3f]", f.low(), f.high());
    }
}
