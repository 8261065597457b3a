package org.balnet.validate;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.Versions;
import org.balnet.model.Scheme;
import org.balnet.sim.TrajectoryRow;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what {@link TimeStepStudy} measured: {@code dt-study.csv} (one row per n, scheme and h),
 * {@code dt-runs.csv} (one row per replica), {@code dt-difference.csv} (the replica-mean differences to the
 * exact backend at every record time), {@code summary.json}, {@code report.md} and the figures (PNG and SVG).
 * Every file is written atomically.
 */
public final class TimeStepReport {
    /**
     * Columns of dt-study.csv, a contract (append, never rename). scheme: 0 = semi-implicit, 1 = explicit. B_v,
     * B_K, B as in {@link TimeStepStudy}, over [t_from, t_to], each with its 95% interval [B - N, B + N] and its
     * noise floor N ({@link TimeStepStudy.Measure}); *_whole over [0, T]; finite_n_error is the exact replicas'
     * mean sup of (4.5) against the limit over the window, finite_n_error_closure against the closure.
     */
    public static final List<String> STUDY_COLUMNS = List.of(
            "n", "scheme", "h", "replicas", "completed", "exact_replicas", "t_from", "t_to",
            "bias_v", "bias_v_low", "bias_v_high", "noise_v",
            "bias_K", "bias_K_low", "bias_K_high", "noise_K",
            "bias", "bias_low", "bias_high", "noise", "bias_t",
            "bias_whole", "bias_whole_low", "bias_whole_high", "noise_whole", "bias_whole_t",
            "finite_n_error", "finite_n_error_closure", "share_of_finite_n_error", "stable");
    /** Columns of dt-runs.csv: scheme as above and h = 0 for the exact backend; one row per replica. */
    public static final List<String> RUN_COLUMNS = List.of(
            "n", "exact", "scheme", "h", "replica", "seed", "left_balanced_state", "wall_s", "steps");
    /** Columns of dt-difference.csv: mean over replicas at h minus mean over exact replicas, per record time. */
    public static final List<String> DIFFERENCE_COLUMNS = List.of(
            "n", "scheme", "h", "t", "dv_e", "dv_i", "dK_e", "dK_i");

    public static final String STUDY_CSV = "dt-study.csv";
    public static final String RUNS_CSV = "dt-runs.csv";
    public static final String DIFFERENCE_CSV = "dt-difference.csv";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String REPORT_MD = "report.md";

    private static final Color[] SCHEME_COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

    private TimeStepReport() {
    }

    /** Writes every file into {@code dir} (which exists); returns them. */
    public static List<Path> write(TimeStepStudy.Result r, Path dir, String commandLine, Versions versions) {
        List<Path> files = new ArrayList<>();
        files.add(CsvWriter.writeTable(dir.resolve(STUDY_CSV), STUDY_COLUMNS, studyRows(r)));
        files.add(CsvWriter.writeTable(dir.resolve(RUNS_CSV), RUN_COLUMNS, runRows(r)));
        files.add(CsvWriter.writeTable(dir.resolve(DIFFERENCE_CSV), DIFFERENCE_COLUMNS, differenceRows(r)));
        List<String> figures = new ArrayList<>();
        for (TimeStepStudy.SizeResult s : r.sizes()) {
            String base = "dt-bias-n" + s.n();
            files.addAll(biasFigure(r, s).write(dir, base));
            figures.add(base);
            String over = "dt-difference-n" + s.n();
            files.addAll(differenceFigure(r, s).write(dir, over));
            figures.add(over);
        }
        Path summary = dir.resolve(SUMMARY_JSON);
        AtomicFiles.writeString(summary, Json.write(summary(r, commandLine, versions)));
        files.add(summary);
        Path report = dir.resolve(REPORT_MD);
        AtomicFiles.writeString(report, markdown(r, commandLine, versions, figures));
        files.add(report);
        return files;
    }

    static List<double[]> studyRows(TimeStepStudy.Result r) {
        List<double[]> rows = new ArrayList<>();
        for (TimeStepStudy.SizeResult s : r.sizes()) {
            double err = s.limitError().mean();
            for (TimeStepStudy.StepResult st : s.steps()) {
                TimeStepStudy.Measure[] w = st.window();
                TimeStepStudy.Measure b = w[2];
                TimeStepStudy.Measure bw = st.whole()[2];
                rows.add(new double[]{s.n(), st.scheme().ordinal(), st.h(), st.runs().size(), st.completed(),
                        s.exactCompleted(), r.config().from(), r.limitUntil(),
                        w[0].value(), w[0].low(), w[0].high(), w[0].noise(),
                        w[1].value(), w[1].low(), w[1].high(), w[1].noise(),
                        b.value(), b.low(), b.high(), b.noise(), b.time(),
                        bw.value(), bw.low(), bw.high(), bw.noise(), bw.time(),
                        err, s.closureError().mean(), b.value() / err, st.ran() ? 1 : 0});
            }
        }
        return rows;
    }

    static List<double[]> runRows(TimeStepStudy.Result r) {
        List<double[]> rows = new ArrayList<>();
        for (TimeStepStudy.SizeResult s : r.sizes()) {
            for (Replica run : s.exact()) {
                rows.add(new double[]{s.n(), 1, Double.NaN, 0, run.index(), run.seed(), run.completed() ? 0 : 1,
                        run.wallSeconds(), run.steps()});
            }
            for (TimeStepStudy.StepResult st : s.steps()) {
                for (Replica run : st.runs()) {
                    rows.add(new double[]{s.n(), 0, st.scheme().ordinal(), st.h(), run.index(), run.seed(),
                            run.completed() ? 0 : 1, run.wallSeconds(), run.steps()});
                }
            }
        }
        return rows;
    }

    static List<double[]> differenceRows(TimeStepStudy.Result r) {
        List<double[]> rows = new ArrayList<>();
        for (TimeStepStudy.SizeResult s : r.sizes()) {
            List<Replica> exact = s.exact().stream().filter(Replica::completed).toList();
            for (TimeStepStudy.StepResult st : s.steps()) {
                List<Replica> done = st.runs().stream().filter(Replica::completed).toList();
                if (done.isEmpty() || exact.isEmpty()) {
                    continue;
                }
                double[][] d = difference(exact, done);
                double[] t = exact.get(0).column(TrajectoryRow::t);
                for (int k = 0; k < d[0].length; k++) {
                    rows.add(new double[]{s.n(), st.scheme().ordinal(), st.h(), t[k], d[0][k], d[1][k], d[2][k],
                            d[3][k]});
                }
            }
        }
        return rows;
    }

    /** Mean over {@code runs} minus mean over {@code exact}, [v_e, v_i, K_e, K_i][row]. */
    static double[][] difference(List<Replica> exact, List<Replica> runs) {
        int rows = Math.min(exact.stream().mapToInt(x -> x.rows().size()).min().orElse(0),
                runs.stream().mapToInt(x -> x.rows().size()).min().orElse(0));
        double[][] a = TimeStepStudy.means(runs, rows, null);
        double[][] b = TimeStepStudy.means(exact, rows, null);
        for (int q = 0; q < 4; q++) {
            for (int k = 0; k < rows; k++) {
                a[q][k] -= b[q][k];
            }
        }
        return a;
    }

    static Figure biasFigure(TimeStepStudy.Result r, TimeStepStudy.SizeResult s) {
        TimeStepStudy.Config c = r.config();
        XYChart chart = Figures.chart(String.format(Locale.ROOT, "%s, n = %s: the time step's bias against the exact "
                + "backend", c.scenario().name(), Figures.count(s.n())), "h (time step)", String.format(Locale.ROOT,
                "B(h): sup over t in [%s, %s], replica means", Validation.fmt(c.from()),
                Validation.fmt(r.limitUntil())));
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("0.####");
        chart.getStyler().setYAxisDecimalPattern("0.####");
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        double hMin = c.steps()[c.steps().length - 1];
        double hMax = c.steps()[0];
        for (Scheme scheme : c.schemes()) {
            Color color = SCHEME_COLORS[scheme.ordinal() % SCHEME_COLORS.length];
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            for (TimeStepStudy.StepResult st : s.steps()) {
                if (st.scheme() == scheme && st.ran() && st.window()[2].value() > 0) {
                    x.add(st.h());
                    y.add(st.window()[2].value());
                    floor.add(st.window()[2].noise());
                }
            }
            if (x.isEmpty()) {
                continue;
            }
            XYSeries pts = chart.addSeries(scheme.key + ": measured B", x, y);
            pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            pts.setMarker(scheme == Scheme.EXPLICIT ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
            pts.setMarkerColor(color);
            Figures.line(chart, scheme.key + ": noise floor", toArray(x), toArray(floor), color.brighter(), 1f, true);
            TimeStepStudy.OrderFit f = s.fit(scheme, "sum");
            if (f.fitted()) {
                double[] hx = {hMin, hMax};
                double[] fy = {f.constant() * Math.pow(hMin, f.order()), f.constant() * Math.pow(hMax, f.order())};
                Figures.line(chart, String.format(Locale.ROOT, "%s: fit %.3g h^%.2f", scheme.key, f.constant(),
                        f.order()), hx, fy, color, 1.8f, false);
            }
        }
        double target = c.share() * s.limitError().mean();
        Figures.line(chart, String.format(Locale.ROOT, "%.0f%% of the finite-n error (%.3g)", 100 * c.share(), target),
                new double[]{hMin, hMax}, new double[]{target, target}, Figures.GUIDE, 1.5f, true);
        return new Figure(List.of(chart), 1, 760, 520);
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** mean v-hat_e(h) - mean v-hat_e(exact) over time, one line per step of the first scheme. */
    static Figure differenceFigure(TimeStepStudy.Result r, TimeStepStudy.SizeResult s) {
        TimeStepStudy.Config c = r.config();
        Scheme scheme = c.schemes().get(0);
        List<Replica> exact = s.exact().stream().filter(Replica::completed).toList();
        XYChart chart = Figures.chart(String.format(Locale.ROOT, "%s, n = %s, %s: mean v\u0302\u2091(h) - mean "
                        + "v\u0302\u2091(exact)", c.scenario().name(), Figures.count(s.n()), scheme.key),
                "t (units of \u03c4)", "difference of replica means");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        int i = 0;
        for (TimeStepStudy.StepResult st : s.steps()) {
            List<Replica> done = st.runs().stream().filter(Replica::completed).toList();
            if (st.scheme() != scheme || done.isEmpty() || exact.isEmpty()) {
                continue;
            }
            double[][] d = difference(exact, done);
            double[] t = java.util.Arrays.copyOf(exact.get(0).column(TrajectoryRow::t), d[0].length);
            float shade = (float) i / Math.max(1, c.steps().length - 1);
            Figures.line(chart, "h = " + Validation.fmt(st.h()), t, d[0],
                    new Color(0.12f + 0.6f * shade, 0.47f + 0.3f * shade, 0.71f + 0.2f * shade), 1.3f, false);
            i++;
        }
        if (chart.getSeriesMap().isEmpty()) {
            Figures.line(chart, "no runs", new double[]{0, c.tEnd()}, new double[]{0, 0}, Figures.GUIDE, 1f, true);
        }
        Figures.avoidDataAlignedTicks(chart, c.tEnd() / Math.PI, 0);
        return new Figure(List.of(chart), 1, 760, 420);
    }

    static Map<String, Object> measure(TimeStepStudy.Measure m) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("value", m.value());
        x.put("ci", List.of(m.low(), m.high()));
        x.put("noise_floor", m.noise());
        x.put("t", m.time());
        x.put("resolved", m.resolved());
        return x;
    }

    static Map<String, Object> fit(TimeStepStudy.OrderFit f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quantity", f.quantity());
        m.put("order", f.fitted() ? f.order() : null);
        m.put("order_ci", f.fitted() ? List.of(f.orderLow(), f.orderHigh()) : null);
        m.put("constant", f.fitted() ? f.constant() : null);
        m.put("constant_ci", f.fitted() ? List.of(f.constantLow(), f.constantHigh()) : null);
        m.put("steps_used", java.util.Arrays.stream(f.steps()).boxed().toList());
        return m;
    }

    static Map<String, Object> summary(TimeStepStudy.Result r, String commandLine, Versions versions) {
        TimeStepStudy.Config c = r.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "validate");
        m.put("mode", "dt-study");
        m.put("command_line", commandLine);
        m.put("passed", r.passed());
        TimeStepStudy.SizeResult last = r.sizes().get(r.sizes().size() - 1);
        Map<String, Object> order = new LinkedHashMap<>();
        for (Scheme scheme : c.schemes()) {
            Map<String, Object> f = fit(last.fit(scheme, "sum"));
            f.put("n", last.n());
            order.put(scheme.key, f);
        }
        m.put("dt_order", order);
        m.put("bias", "sup over the record times in [t_from, t_to] of |mean v_e(h) - mean v_e(exact)| + "
                + "|mean v_i(h) - mean v_i(exact)| (bias_v), the same for K (bias_K), all four (bias, the norm of "
                + "(4.5)); means over replicas; fitted as C h^p over the steps whose bias exceeds "
                + Validation.fmt(TimeStepStudy.RESOLVED_FACTOR) + " noise floors");
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("t_from", c.from());
        window.put("t_to", r.limitUntil());
        window.put("t_end", c.tEnd());
        m.put("window", window);
        m.put("scenario", c.scenario().name());
        m.put("sizes", java.util.Arrays.stream(c.sizes()).boxed().toList());
        m.put("steps", java.util.Arrays.stream(c.steps()).boxed().toList());
        m.put("schemes", c.schemes().stream().map(s -> s.key).toList());
        m.put("replicas", c.replicas());
        m.put("paired", "replica r of every arm starts from the initial state the exact backend draws for the "
                + "exact arm's seed of replica r");
        m.put("base_seed", c.baseSeed());
        m.put("seed_rule", "TimeStepStudy.seed(base_seed, n, scheme, h, replica): SplitMix64 of the arm and "
                + "ReplicaSeeds.of; per-run seeds in dt-runs.csv");
        m.put("backend", c.backend());
        m.put("precision", c.precision().key);
        m.put("sampler", c.sampler().key);
        m.put("record_every", c.recordEvery());
        m.put("share", c.share());
        m.put("resamples", TimeStepStudy.RESAMPLES);
        m.put("noise_quantile", TimeStepStudy.NOISE_QUANTILE);
        m.put("initial_point", r.initial().summary());
        List<Object> perN = new ArrayList<>();
        for (TimeStepStudy.SizeResult s : r.sizes()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("n", s.n());
            p.put("exact_replicas", s.exact().size());
            p.put("exact_completed", s.exactCompleted());
            p.put("finite_n_error", s.limitError());
            p.put("finite_n_error_closure", s.closureError());
            List<Object> steps = new ArrayList<>();
            for (TimeStepStudy.StepResult st : s.steps()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("scheme", st.scheme().key);
                x.put("h", st.h());
                if (!st.ran()) {
                    x.put("skipped", st.skipped());
                    steps.add(x);
                    continue;
                }
                x.put("replicas", st.runs().size());
                x.put("completed", st.completed());
                x.put("bias_v", measure(st.window()[0]));
                x.put("bias_K", measure(st.window()[1]));
                x.put("bias", measure(st.window()[2]));
                x.put("bias_whole", measure(st.whole()[2]));
                x.put("share_of_finite_n_error", st.window()[2].value() / s.limitError().mean());
                steps.add(x);
            }
            p.put("steps", steps);
            List<Object> fits = new ArrayList<>();
            for (TimeStepStudy.OrderFit f : s.fits()) {
                Map<String, Object> fm = fit(f);
                fm.put("scheme", f.scheme().key);
                fits.add(fm);
            }
            p.put("fits", fits);
            List<Object> advice = new ArrayList<>();
            for (TimeStepStudy.Advice a : s.advice()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("scheme", a.scheme().key);
                am.put("target", a.target());
                am.put("largest_step_below", Double.isNaN(a.largest()) ? null : (Object) a.largest());
                am.put("fitted_step", Double.isNaN(a.fitted()) ? null : (Object) a.fitted());
                am.put("fitted_step_range", Double.isNaN(a.fittedLow()) ? null : List.of(a.fittedLow(),
                        a.fittedHigh()));
                am.put("text", a.text());
                advice.add(am);
            }
            p.put("advice", advice);
            perN.add(p);
        }
        m.put("per_n", perN);
        List<Object> checks = new ArrayList<>();
        for (Check k : r.checks()) {
            checks.add(k);
        }
        m.put("checks", checks);
        m.put("versions", versions);
        m.put("wall_seconds", r.wallSeconds());
        return m;
    }

    static String measureText(TimeStepStudy.Measure m) {
        if (Double.isNaN(m.value())) {
            return "–";
        }
        return String.format(Locale.ROOT, "%s%.3g [%.3g, %.3g] (%.2g)", m.resolved() ? "" : "≤ ", m.value(), m.low(),
                m.high(), m.noise());
    }

    static String markdown(TimeStepStudy.Result r, String commandLine, Versions versions, List<String> figures) {
        TimeStepStudy.Config c = r.config();
        StringBuilder md = new StringBuilder();
        md.append("# balnet validate --dt-study: ").append(c.scenario().name()).append("\n\n");
        md.append(r.passed() ? "**All " + r.checks().size() + " checks pass.**"
                : "**" + r.failedChecks() + " of " + r.checks().size() + " checks fail.**").append("\n\n");
        md.append("```\n").append(commandLine).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "- sizes n: %s; steps h: %s; schemes: %s%n",
                ValidationReport.sizesText(c.sizes()), stepsText(c.steps()),
                String.join(", ", c.schemes().stream().map(s -> s.key).toList())));
        md.append(String.format(Locale.ROOT, "- %d replicas of the exact backend (continuous time, no step) and %d "
                        + "per step (backend %s, %s, sampler %s), paired: replica r of every arm starts from the same initial "
                        + "state; seeds from base seed %d (per-run seeds in `%s`)%n",
                c.replicas(), c.replicas(), c.backend(), c.precision().key, c.sampler().key, c.baseSeed(), RUNS_CSV));
        md.append(String.format(Locale.ROOT, "- T = %s, compared every %s; window [%s, %s]%n", Validation.fmt(c.tEnd()),
                Validation.fmt(c.recordEvery()), Validation.fmt(c.from()), Validation.fmt(r.limitUntil())));
        md.append(String.format(Locale.ROOT, "- versions: %s; wall time %.1f s%n%n",
                versions.text(), r.wallSeconds()));
        md.append("The bias B(h) of a scheme at step h is the supremum over the record times of the distance between "
                + "the replica means of the tau-leaped runs and those of the exact runs: B_v for (v̂_e, v̂_i), "
                + "B_K for "
                + "(K̂_e, K̂_i), B for all four (the norm of the error (4.5)). Each value is followed by its 95% "
                + "interval and, in parentheses, its noise floor N: what the same supremum shows with no bias at "
                + "all, from the replicas' own scatter (95% point of the bootstrap). The true bias lies within N of "
                + "the measured one (triangle inequality), hence the interval [B - N, B + N]. A value marked ≤ is "
                + "within " + Validation.fmt(TimeStepStudy.RESOLVED_FACTOR) + " noise floors: mostly noise, so "
                + "read it as an upper bound; the fits leave it out.\n\n");
        md.append(Check.markdownSection(r.checks(), r.checks()));
        for (TimeStepStudy.SizeResult s : r.sizes()) {
            md.append("\n## n = ").append(Figures.count(s.n())).append("\n\n");
            md.append(String.format(Locale.ROOT, "Finite-n error (the exact replicas' sup of (4.5) over the window): "
                            + "%s against the limit, %s against the closure (mean ± sd over %d replicas).%n%n",
                    ValidationReport.spreadText(s.limitError()), ValidationReport.spreadText(s.closureError()),
                    s.exactCompleted()));
            md.append(String.format(Locale.ROOT, "| scheme | h | replicas | B_v | B_K | B | B / finite-n error | "
                    + "B over [0, %s] | at t |%n|---|---|---|---|---|---|---|---|---|%n", Validation.fmt(c.tEnd())));
            for (TimeStepStudy.StepResult st : s.steps()) {
                if (!st.ran()) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | – | %s | | | | | |%n", st.scheme().key,
                            Validation.fmt(st.h()), st.skipped()));
                    continue;
                }
                TimeStepStudy.Measure b = st.window()[2];
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %.1f%% | %s | %s |%n",
                        st.scheme().key, Validation.fmt(st.h()), st.completed(), measureText(st.window()[0]),
                        measureText(st.window()[1]), measureText(b), 100 * b.value() / s.limitError().mean(),
                        measureText(st.whole()[2]), Validation.fmt(st.whole()[2].time())));
            }
            md.append("\n| scheme | quantity | order p | 95% CI | constant C | 95% CI | steps fitted |\n"
                    + "|---|---|---|---|---|---|---|\n");
            for (TimeStepStudy.OrderFit f : s.fits()) {
                if (!f.fitted()) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | – | | – | | %s |%n", f.scheme().key,
                            f.quantity(), f.steps().length == 0 ? "none above the noise" : stepsText(f.steps())
                                    + " (one step: no fit)"));
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | [%.2f, %.2f] | %.3g | [%.3g, %.3g] | %s |%n",
                        f.scheme().key, f.quantity(), f.order(), f.orderLow(), f.orderHigh(), f.constant(),
                        f.constantLow(), f.constantHigh(), stepsText(f.steps())));
            }
            md.append("\n");
            for (TimeStepStudy.Advice a : s.advice()) {
                md.append("- ").append(a.text()).append(".\n");
            }
        }
        md.append(Figures.markdownSection(figures));
        md.append("## Files\n\n`").append(STUDY_CSV).append("` (one row per n, scheme and h), `").append(RUNS_CSV)
                .append("` (one row per replica), `").append(DIFFERENCE_CSV).append("` (the differences of the replica "
                        + "means at every record time), `summary.json` (`\"dt_order\"`), this report, the figures.\n");
        return md.toString();
    }

    static String stepsText(double[] steps) {
        StringBuilder sb = new StringBuilder();
        for (double h : steps) {
            sb.append(sb.length() > 0 ? ", " : "").append(Validation.fmt(h));
        }
        return sb.toString();
    }
}
