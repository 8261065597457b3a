package org.balnet.validate;

import org.balnet.io.AtomicFiles;
import org.balnet.io.Json;
import org.balnet.limit.LimitRow;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what {@link Reproduction} produced: per scenario the four-panel figure (PNG, SVG), the error over
 * time, the histograms at T, the drawn replica's trajectory and the limit and closure as CSV; then
 * {@code summary.json} and {@code report.md}. Every file is written atomically.
 */
public final class ReproductionReport {
    /** Columns of NAME-simulation.csv: the first replica's observables (4.1)-(4.4). */
    public static final List<String> SIMULATION_COLUMNS = List.of("t", "v_e", "v_i", "K_e", "K_i");
    public static final String REPORT_MD = "report.md";
    public static final String SUMMARY_JSON = "summary.json";

    private ReproductionReport() {
    }

    /** Writes everything into {@code dir} (which exists) and returns the files. */
    public static List<Path> write(Reproduction.Result r, Path dir, String commandLine, Map<String, Object> versions) {
        List<Path> files = new ArrayList<>();
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            String name = s.scenario().name();
            SimulatedRun first = s.runs().get(0);
            String heading = name + ", n = " + Figures.count(s.scenario().n());
            files.addAll(Figures.trajectories(heading, first, s.limit(), s.closure()).write(dir, name));
            double[] t = s.limit().rows().stream().mapToDouble(LimitRow::t).toArray();
            files.addAll(Figures.errorOverTime(heading + ": error (4.5) against the limit and the closure", t,
                    s.limitError(), s.closureError(), s.runs().size()).write(dir, name + "-error"));
            List<Validation.GaussianCheck> pair = s.gaussian().stream().filter(g -> g.replica() == 0).toList();
            if (!pair.isEmpty()) {
                files.addAll(Figures.histograms(heading, pair.stream().map(Validation.GaussianCheck::histogram).toList(),
                        pair.stream().map(Validation.GaussianCheck::distance).toList()).write(dir, name + "-histogram"));
            }
            List<double[]> rows = new ArrayList<>();
            for (int k = 0; k < first.rows(); k++) {
                rows.add(new double[]{first.time()[k], first.meanE()[k], first.meanI()[k], first.varianceE()[k],
                        first.varianceI()[k]});
            }
            files.add(ValidationReport.csv(dir.resolve(name + "-simulation.csv"), SIMULATION_COLUMNS, rows));
            files.add(trajectoryCsv(dir.resolve(name + "-limit.csv"), s.limit()));
            files.add(trajectoryCsv(dir.resolve(name + "-closure.csv"), s.closure()));
        }
        Path summary = dir.resolve(SUMMARY_JSON);
        AtomicFiles.writeString(summary, Json.write(summary(r, commandLine, versions)));
        files.add(summary);
        Path report = dir.resolve(REPORT_MD);
        AtomicFiles.writeString(report, markdown(r, commandLine, versions));
        files.add(report);
        return files;
    }

    static Path trajectoryCsv(Path file, Trajectory tr) {
        List<double[]> rows = new ArrayList<>();
        for (LimitRow row : tr.rows()) {
            rows.add(row.values());
        }
        return ValidationReport.csv(file, LimitRow.COLUMNS, rows);
    }

    static Map<String, Object> summary(Reproduction.Result r, String commandLine, Map<String, Object> versions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "reproduce");
        m.put("command_line", commandLine);
        m.put("passed", r.passed());
        m.put("n", r.config().n());
        m.put("replicas", r.config().replicas());
        m.put("base_seed", r.config().baseSeed());
        List<Object> scenarios = new ArrayList<>();
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("scenario", s.scenario().name());
            sm.put("initial_point", s.initial().toMap());
            sm.put("seeds", s.runs().stream().map(SimulatedRun::seed).toList());
            sm.put("h", s.runs().get(0).h());
            sm.put("backend", s.runs().get(0).backend());
            List<Object> table = new ArrayList<>();
            for (double t : Reproduction.TABLE_TIMES) {
                table.add(tableRow(s, t));
            }
            sm.put("values", table);
            sm.put("time_step_bias", timeStepBias(s));
            List<Object> checks = new ArrayList<>();
            for (Check k : s.checks()) {
                checks.add(k.toMap());
            }
            sm.put("checks", checks);
            scenarios.add(sm);
        }
        m.put("scenarios", scenarios);
        m.put("versions", versions);
        m.put("wall_seconds", r.wallSeconds());
        return m;
    }

    /** Simulation mean and sd over replicas, limit and closure at time t, for v_e, v_i, K_e, K_i. */
    static Map<String, Object> tableRow(Reproduction.ScenarioResult s, double t) {
        LimitRow l = Validation.rowAt(s.limit(), t);
        LimitRow c = Validation.rowAt(s.closure(), t);
        int k = s.limit().rows().indexOf(l);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t", l.t());
        String[] names = {"v_e", "v_i", "K_e", "K_i"};
        for (int j = 0; j < 4; j++) {
            double[] sim = new double[s.runs().size()];
            int m = 0;
            for (SimulatedRun run : s.runs()) {
                if (k < run.rows()) {
                    sim[m++] = j < 2 ? run.mean(j, k) : run.variance(j - 2, k);
                }
            }
            Spread sp = Spread.of(java.util.Arrays.copyOf(sim, m));
            Population p = j % 2 == 0 ? Population.E : Population.I;
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("simulation_mean", sp.mean());
            v.put("simulation_sd", sp.sd());
            v.put("limit", j < 2 ? l.mean(p) : l.variance(p));
            v.put("closure", j < 2 ? c.mean(p) : c.variance(p));
            row.put(names[j], v);
        }
        return row;
    }

    /**
     * The time step's bias at this run's h, from the measurement shipped with balnet ({@link ExpectedBias}),
     * against this run's finite-n error over the same window.
     */
    static Map<String, Object> timeStepBias(Reproduction.ScenarioResult s) {
        Map<String, Object> m = new LinkedHashMap<>();
        double h = s.runs().get(0).h();
        m.put("h", h);
        java.util.Optional<ExpectedBias> e = ExpectedBias.load(s.scenario().name());
        int i = e.map(x -> x.indexOf(h)).orElse(-1);
        if (i < 0) {
            m.put("measured", false);
            return m;
        }
        ExpectedBias b = e.get();
        double[] limitErr = s.runs().stream().filter(SimulatedRun::completed)
                .mapToDouble(x -> TheoremError.sup(x, s.limit(), b.from(), b.tEnd()).value()).toArray();
        double[] closureErr = s.runs().stream().filter(SimulatedRun::completed)
                .mapToDouble(x -> TheoremError.sup(x, s.closure(), b.from(), b.tEnd()).value()).toArray();
        m.put("measured", true);
        m.put("scheme", b.scheme());
        m.put("n", b.n());
        m.put("window", List.of(b.from(), b.tEnd()));
        m.put("bias", b.bias()[i]);
        m.put("interval", List.of(Math.max(0, b.bias()[i] - b.noise()[i]), b.bias()[i] + b.noise()[i]));
        m.put("noise_floor", b.noise()[i]);
        m.put("finite_n_error_limit", Spread.of(limitErr).mean());
        m.put("finite_n_error_closure", Spread.of(closureErr).mean());
        m.put("command", b.command());
        return m;
    }

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
            Map<String, Object> b = timeStepBias(s);
            String name = s.scenario().name();
            if (!(Boolean) b.get("measured")) {
                md.append(String.format(Locale.ROOT, "| %s | %s | not measured at this step | | | | | | | |%n", name,
                        Validation.fmt((Double) b.get("h"))));
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Double> window = (List<Double>) b.get("window");
            @SuppressWarnings("unchecked")
            List<Double> interval = (List<Double>) b.get("interval");
            double bias = (Double) b.get("bias");
            double el = (Double) b.get("finite_n_error_limit");
            double ec = (Double) b.get("finite_n_error_closure");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | [%s, %s] | %.3g | [%.3g, %.3g] | %.4g | %.1f%% | %.4g "
                            + "| %.1f%% |%n", name, Validation.fmt((Double) b.get("h")), Figures.count((Long) b.get("n")),
                    Validation.fmt(window.get(0)), Validation.fmt(window.get(1)), bias, interval.get(0),
                    interval.get(1), el, 100 * bias / el, ec, 100 * bias / ec));
            commands.add((String) b.get("command"));
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

    static String markdown(Reproduction.Result r, String commandLine, Map<String, Object> versions) {
        StringBuilder md = new StringBuilder();
        List<Check> all = r.checks();
        long failed = all.stream().filter(c -> !c.pass()).count();
        md.append("# balnet reproduce: MacLaurin & Vilanova, Section 6\n\n");
        md.append(failed == 0 ? "**All " + all.size() + " checks pass.**" : "**" + failed + " of " + all.size()
                + " checks fail.**").append("\n\n```\n").append(commandLine).append("\n```\n\n");
        SimulatedRun any = r.scenarios().get(0).runs().get(0);
        md.append(String.format(Locale.ROOT, "- n = %d neurons per population (the paper's n_e = n_i = 5000), T = 5, "
                        + "%d replicas per scenario (seeds from base seed %d; the figures draw the first, as the paper "
                        + "draws one realisation)%n", r.config().n(), r.config().replicas(), r.config().baseSeed()));
        md.append(String.format(Locale.ROOT, "- backend %s (%s), fp64, semi-implicit, h = %s, recorded every %s%n",
                any.backend(), any.device(), Validation.fmt(any.h()), Validation.fmt(Reproduction.RECORD_EVERY)));
        md.append(String.format(Locale.ROOT, "- versions: %s; wall time %.1f s (solving and simulating)%n%n",
                ValidationReport.versionsText(versions), r.wallSeconds()));
        md.append("Three curves per panel: the simulation (one replica), the hydrodynamic limit of Lemma 4.2 "
                + "(what the paper plots against), and the finite-n Gaussian closure dv/dt = -v/tau + sqrt(n) F(v, K), "
                + "which keeps the O(n^-1/2 / zeta) offset of the means (7.1) that the limit drops.\n\n");
        md.append("## Checks\n\n| check | measured | threshold | result |\n|---|---|---|---|\n");
        for (Check k : all) {
            md.append(k.markdownRow());
        }
        md.append("\nWhy these thresholds:\n\n");
        for (Check k : r.scenarios().get(0).checks()) {
            md.append("- ").append(k.name()).append(": ").append(k.why()).append(".\n");
        }
        md.append(timeStepSection(r));
        for (Reproduction.ScenarioResult s : r.scenarios()) {
            String name = s.scenario().name();
            md.append("\n## ").append(name).append(String.format(Locale.ROOT, " (k_e = %s, k_i = %s)%n%n",
                    Validation.fmt(s.scenario().initial().kE()), Validation.fmt(s.scenario().initial().kI())));
            md.append(String.format(Locale.ROOT, "Balanced initial point m = (%.6f, %.6f), zeta = %.5f.%n%n",
                    s.initial().point().meanE(), s.initial().point().meanI(), s.initial().point().zeta()));
            md.append("| t | quantity | simulation (mean ± sd of " + s.runs().size() + ") | limit | closure |\n"
                    + "|---|---|---|---|---|\n");
            for (double t : Reproduction.TABLE_TIMES) {
                Map<String, Object> row = tableRow(s, t);
                for (String q : new String[]{"v_e", "v_i", "K_e", "K_i"}) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> v = (Map<String, Object>) row.get(q);
                    md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %.4f | %.4f |%n",
                            Validation.fmt((Double) row.get("t")), q, (Double) v.get("simulation_mean"),
                            (Double) v.get("simulation_sd"), (Double) v.get("limit"), (Double) v.get("closure")));
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
