package org.balnet.cli;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.OutputDirectory;
import org.balnet.io.TimeGrid;
import org.balnet.io.Versions;
import org.balnet.limit.BalancedPoint;
import org.balnet.limit.Eigenvalues;
import org.balnet.limit.GaussianClosure;
import org.balnet.limit.LimitFailure;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitRunJson;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.OutputGrid;
import org.balnet.limit.Trajectory;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code balnet limit}: the hydrodynamic limit of Lemma 4.2 (or, with {@code --finite-n}, the
 * finite-n Gaussian closure) for a scenario. Writes {@code limit.csv} (closure: {@code closure.csv})
 * with the columns of {@link LimitRow#COLUMNS} and {@code run.json}; without {@code --out} the CSV
 * goes to stdout and the sentences for people to stderr.
 */
@Command(name = "limit", mixinStandardHelpOptions = true,
        header = "Solve the hydrodynamic limit of Lemma 4.2, or the finite-n closure, for a scenario.",
        description = {
                "Solve the hydrodynamic limit (Lemma 4.2): the variances K by (4.6)-(4.7) and the means v on the "
                        + "balanced manifold F(v, K) = 0, from a stable balanced point, until T or until the limit "
                        + "leaves the manifold (eta: the largest real part zeta of the eigenvalues of J_v reaches 0).",
                "With --finite-n N: the Gaussian closure dv/dt = -v/tau + sqrt(N) F instead, which keeps the "
                        + "O(N^-1/2) offset of the means that the limit drops.", ""},
        footer = {"", "Writes DIR/limit.csv (or DIR/closure.csv) with columns " + "t,v_e,v_i,K_e,K_i,zeta,... "
                + "and DIR/run.json; without --out the CSV goes to stdout."})
public final class LimitCommand implements Callable<Integer> {
    static final String LIMIT_CSV = "limit.csv";
    static final String CLOSURE_CSV = "closure.csv";
    static final String RUN_JSON = "run.json";

    @Option(names = "--scenario", required = true, paramLabel = "FILE",
            description = "Scenario file (TOML), or the name of a built-in one (mv-6.1, mv-6.2, eta-finite).")
    String scenarioSpec;

    @Option(names = "--t-end", paramLabel = "T", description = "End time, a whole number of --dt-out intervals: the "
            + "last row is at T (default: the scenario's run.t_end).")
    Double tEnd;

    @Option(names = "--dt-out", paramLabel = "D",
            description = "Interval between output rows; T must be a whole number of them (default: the scenario's "
                    + "run.record_every).")
    Double dtOut;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: CSV to stdout).")
    Path out;

    @Option(names = "--force", description = "Write into --out even if it is not empty.")
    boolean force;

    @Option(names = "--finite-n", paramLabel = "N",
            description = "Solve the finite-n Gaussian closure for N neurons per population instead of the limit.")
    Long finiteN;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        checkOptions();
        Scenario scenario = ScenarioLoader.load(scenarioSpec);
        double t = tEnd != null ? tEnd : scenario.run().tEnd();
        double d = dtOut != null ? dtOut : scenario.run().recordEvery();
        checkRows(t, d);
        Scenario.RunSettings r = scenario.run();
        scenario = scenario.withRun(new Scenario.RunSettings(t, r.dt(), d, r.seed(), r.scheme()));
        if (finiteN != null) {
            scenario = scenario.withN(finiteN);
        }
        if (out != null) {
            OutputDirectory.prepare(out, force);
        }

        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter human = out != null ? stdout : spec.commandLine().getErr();
        LimitModel model = LimitModel.of(scenario);
        BalancedPoint start = BalancedPoint.of(model, scenario.initial());
        describeStart(human, start);
        human.flush();

        Trajectory trajectory;
        try {
            trajectory = finiteN != null
                    ? new GaussianClosure(model, (double) finiteN).solve(start, t, d)
                    : new LimitSolver(model).solve(start, t, d);
        } catch (LimitFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        String outcome = outcome(trajectory, t);

        String csvName = finiteN != null ? CLOSURE_CSV : LIMIT_CSV;
        List<double[]> rows = trajectory.rows().stream().map(LimitRow::values).toList();
        if (out == null) {
            CsvWriter.writeTable(stdout, LimitRow.COLUMNS, rows);
        } else {
            CsvWriter.writeTable(out.resolve(csvName), LimitRow.COLUMNS, rows);
            double wall = (System.nanoTime() - started) * 1e-9;
            AtomicFiles.writeString(out.resolve(RUN_JSON),
                    Json.write(runJson(scenario, start, trajectory, t, d, outcome, csvName, wall)));
        }
        human.println(outcome);
        if (out != null) {
            human.printf(Locale.ROOT, "Wrote %d rows (t = 0 to %s every %s) to %s, and %s.%n",
                    trajectory.rows().size(), Json.number(trajectory.rows().get(trajectory.rows().size() - 1).t()),
                    Json.number(d), out.resolve(csvName), out.resolve(RUN_JSON));
        }
        human.flush();
        return Main.EXIT_OK;
    }

    /** Option values that picocli's conversion lets through but balnet refuses (exit 2). */
    private void checkOptions() {
        positive("--t-end", tEnd);
        positive("--dt-out", dtOut);
        if (finiteN != null) {
            ScenarioLoader.checkN("--finite-n", finiteN);
        }
    }

    private static void positive(String option, Double value) {
        if (value != null) {
            InputError.positive(option, value);
        }
    }

    private void checkRows(double t, double d) {
        String dKey = dtOut != null ? "--dt-out" : "run.record_every";
        TimeGrid.records(t, tEnd != null ? "--t-end" : "run.t_end", d, dKey);
        if (!(t / d < OutputGrid.MAX_ROWS)) {
            throw InputError.outOfRange(dKey, Json.number(d),
                    "at least T / 10^6 = " + Json.number(t / 1e6) + " (at most a million rows)");
        }
    }

    private void describeStart(PrintWriter w, BalancedPoint p) {
        String how = p.given()
                ? "given in the scenario, checked and polished to F = 0"
                : "solved from F(m, k) = 0";
        w.printf(Locale.ROOT, "Initial point (%s) at k_e = %s, k_i = %s: m_e = %.6f, m_i = %.6f (|F| = %.1e).%n",
                how, Json.number(p.varianceE()), Json.number(p.varianceI()), p.meanE(), p.meanI(), p.residual());
        Eigenvalues ev = p.eigenvalues();
        w.printf(Locale.ROOT, "Eigenvalues of J_v there: %s; %s, so the point is stable (on the balanced manifold), "
                        + "zeta = %.6g.%n", ev,
                ev.isComplex() ? "their real part is negative" : "both are negative", ev.zeta());
        long stable = p.roots().stream().filter(BalancedPoint.Root::isStable).count();
        if (stable > 1) {
            w.printf(Locale.ROOT, "F(m, k) = 0 has %d stable roots; using the most strongly attracting one "
                    + "(most negative zeta). All roots: %s.%n", stable, p.roots());
        }
        if (finiteN != null) {
            w.printf(Locale.ROOT, "Solving the Gaussian closure at n = %s neurons per population.%n",
                    Json.number(finiteN));
        }
    }

    private String outcome(Trajectory tr, double t) {
        if (finiteN != null) {
            return String.format(Locale.ROOT, "Closure solved to T = %s (n = %s); largest |F| = %.3g, the O(n^-1/2) "
                    + "imbalance the limit sets to 0.", Json.number(t), Json.number(finiteN), tr.maxResidual());
        }
        if (tr.silent().isPresent()) {
            LimitRow end = tr.end();
            return String.format(Locale.ROOT, "The limit fell silent at t = %.6g: a rate fell below %.0e of its bound "
                            + "(Q = (%.3g, %.3g, %.3g, %.3g) for ee, ei, ie, ii) at v = (%.6f, %.6f), K = (%.6g, %.6g); "
                            + "a balance between vanished rates is rounding, so it stops there, before T = %s.",
                    tr.silent().getAsDouble(), RateFunction.NEGLIGIBLE_FRACTION, end.q(Population.E, Population.E),
                    end.q(Population.E, Population.I), end.q(Population.I, Population.E),
                    end.q(Population.I, Population.I), end.mean(Population.E), end.mean(Population.I),
                    end.variance(Population.E), end.variance(Population.I), Json.number(t));
        }
        if (tr.eta().isPresent()) {
            LimitRow end = tr.end();
            return String.format(Locale.ROOT, "The limit left the balanced manifold at eta = %.6g: zeta reached 0 "
                            + "(trace J_v = %.4g, det J_v = %.4g) at v = (%.6f, %.6f), K = (%.6f, %.6f); it stops there, "
                            + "before T = %s.", tr.eta().getAsDouble(), end.traceJv(), end.detJv(),
                    end.mean(Population.E), end.mean(Population.I), end.variance(Population.E),
                    end.variance(Population.I), Json.number(t));
        }
        double maxZeta = tr.rows().stream().mapToDouble(LimitRow::zeta).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "Balanced until T = %s: zeta stayed negative (largest over the rows: %.6f); "
                + "largest |F| = %.1e.", Json.number(t), maxZeta, tr.maxResidual());
    }

    private LimitRunJson runJson(Scenario scenario, BalancedPoint p, Trajectory tr, double t, double d,
                                 String outcome, String csvName, double wall) {
        Map<String, Double> end = new LinkedHashMap<>();
        double[] v = tr.end().values();
        for (int i = 0; i < LimitRow.COLUMNS.size(); i++) {
            end.put(LimitRow.COLUMNS.get(i), v[i]);
        }
        Object eta = finiteN != null ? null : tr.eta().isPresent() ? (Object) tr.eta().getAsDouble()
                : tr.silent().isPresent() ? "not reached: the limit fell silent first" : "balanced until T";
        return new LimitRunJson("limit", "completed", finiteN != null ? "gaussian-closure" : "hydrodynamic-limit",
                finiteN != null ? Double.valueOf(finiteN) : null, scenario.toMap(), t, d, tr.solver(), LimitRunJson.InitialPoint.of(p), eta, outcome, end,
                tr.rows().size(), List.of(csvName, RUN_JSON), Versions.current(), wall,
                tr.silent().isPresent() ? tr.silent().getAsDouble() : null);
    }
}
