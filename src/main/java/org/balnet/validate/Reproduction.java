package org.balnet.validate;

import org.balnet.limit.GaussianClosure;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.DeviceRequest;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The paper's Section 6 (behind {@code balnet reproduce}): mv-6.1 and mv-6.2 at the paper's size, n = 5000
 * per population, to T = 5: the simulation (R replicas; the first is drawn as the paper draws one
 * realisation), the limit and the finite-n closure, with checks that the numbers are what they should be.
 */
public final class Reproduction {
    /** The paper's two scenarios, built in. */
    public static final List<String> SCENARIOS = List.of("mv-6.1", "mv-6.2");
    /** The paper's n_e = n_i. */
    public static final long PAPER_N = 5000;
    public static final double T_END = 5.0;
    public static final double RECORD_EVERY = 0.01;
    /**
     * Start of the window in which the closure must beat the limit. Before it the simulator's own
     * O(h) lag behind fast-moving means (h dv/dt, up to 0.05 at h = 0.01 while dv_e/dt ~ 5) is as large
     * as the closure's error; see validation/README.md.
     */
    public static final double CLOSURE_FROM = 0.5;
    /**
     * Largest accepted constant c in |v_e^n - v-bar_e| + |v_i^n - v-bar_i| &le; c n^{-1/2} / |zeta-bar| (7.1).
     * The paper gives no constant; measured: 0.75 (mv-6.1) and 0.99 (mv-6.2), mean of 8 replicas at
     * n = 5000. A threshold of 2 says "O(1)" and still fails for an offset decaying like n^{-1/4},
     * which at n = 5000 would be 8 times larger.
     */
    public static final double OFFSET_CONSTANT_MAX = 2.0;
    public static final int DEFAULT_REPLICAS = 8;
    /** Times of the report's value table. */
    static final double[] TABLE_TIMES = {0, 0.5, 1, 2, 5};

    /**
     * @param n        neurons per population
     * @param replicas runs per scenario (the first is the one drawn)
     * @param baseSeed seed the replicas' keys derive from
     * @param backend  backend name
     * @param precision state precision
     * @param sampler  how the spike counts are drawn
     * @param devices  the OpenCL device and host profile (for backends opencl and auto)
     * @param threads  engine threads
     * @param alpha    family-wise alpha of the Gaussianity checks
     */
    public record Config(long n, int replicas, long baseSeed, String backend, Precision precision, Sampler sampler,
                         DeviceRequest devices, int threads, double alpha) {
    }

    /**
     * One scenario reproduced.
     *
     * @param scenario      the scenario at n
     * @param initial       its balanced initial point
     * @param expected      reference values of the limit
     * @param limit         the limit
     * @param closure       the closure at n
     * @param replicas      the replicas
     * @param limitError    e(t) against the limit, mean over replicas, at each record time
     * @param closureError  e(t) against the closure, mean over replicas
     * @param gaussian      Gaussianity at T, per replica and population
     * @param checks        this scenario's checks
     */
    public record ScenarioResult(Scenario scenario, InitialPoint initial, ExpectedLimit expected, Trajectory limit,
                                 Trajectory closure, List<Replica> replicas, double[] limitError,
                                 double[] closureError, List<Validation.GaussianCheck> gaussian, List<Check> checks) {
    }

    /** Both scenarios. */
    public record Result(Config config, List<ScenarioResult> scenarios, double wallSeconds) {
        public List<Check> checks() {
            List<Check> all = new ArrayList<>();
            for (ScenarioResult s : scenarios) {
                for (Check c : s.checks()) {
                    all.add(new Check(s.scenario().name() + ": " + c.name(), c.measured(), c.threshold(), c.pass(),
                            c.why()));
                }
            }
            return all;
        }

        public boolean passed() {
            return checks().stream().allMatch(Check::pass);
        }
    }

    private Reproduction() {
    }

    public static Result run(Config c, PrintWriter log) {
        long started = System.nanoTime();
        int comparisons = SCENARIOS.size() * c.replicas() * 2;
        double alphaEach = c.alpha() / comparisons;
        List<ScenarioResult> results = new ArrayList<>();
        for (String name : SCENARIOS) {
            Scenario base = ScenarioLoader.load(name).withN(c.n());
            InitialPoint initial = InitialPoint.resolve(base);
            LimitModel model = LimitModel.of(base);
            Trajectory limit = new LimitSolver(model).solve(initial.point(), T_END, RECORD_EVERY);
            Trajectory closure = new GaussianClosure(model, c.n()).solve(initial.point(), T_END, RECORD_EVERY);
            long lastRow = Math.round(T_END / RECORD_EVERY);
            List<Replica> runs = new ArrayList<>();
            List<Validation.GaussianCheck> gaussian = new ArrayList<>();
            List<Replica.Spec> specs = new ArrayList<>();
            for (int r = 0; r < c.replicas(); r++) {
                long seed = ReplicaSeeds.of(c.baseSeed(), c.n(), r);
                Scenario s = base.withRun(new Scenario.RunSettings(T_END, OptionalDouble.empty(), RECORD_EVERY, seed,
                        base.run().scheme()));
                specs.add(new Replica.Spec(s, initial, c.backend(), c.precision(), c.sampler(), c.devices(),
                        c.threads(), org.balnet.sim.Simulation.DEFAULT_IMBALANCE_LIMIT, new long[]{lastRow}));
            }
            // The scenario's replicas together, in batches as the memory allows.
            List<Replica> simulated = Replica.simulateAll(specs, results.isEmpty() ? log : Replica.QUIET);
            for (int r = 0; r < c.replicas(); r++) {
                long seed = specs.get(r).scenario().run().seed();
                Replica run = simulated.get(r);
                runs.add(run);
                for (StateHistogram h : run.histograms()) {
                    double sd = Math.sqrt(h.sampleVariance());
                    gaussian.add(new Validation.GaussianCheck(c.n(), r, seed, h,
                            GaussianDistance.compare(h, h.sampleMean(), sd),
                            GaussianDistance.dkwThreshold(c.n(), alphaEach), GaussianDistance.w1Scale(c.n(), sd)));
                }
                log.printf(Locale.ROOT, "%s, replica %d of %d (seed %d): %s in %.1f s%n", name, r + 1, c.replicas(),
                        seed, run.status(), run.wallSeconds());
                log.flush();
            }
            ExpectedLimit expected = ExpectedLimit.load(name);
            double[] le = meanError(runs, limit);
            double[] ce = meanError(runs, closure);
            List<Check> checks = checks(c, expected, limit, closure, runs, gaussian, alphaEach, comparisons);
            results.add(new ScenarioResult(base, initial, expected, limit, closure, List.copyOf(runs), le, ce,
                    List.copyOf(gaussian), checks));
        }
        return new Result(c, List.copyOf(results), (System.nanoTime() - started) * 1e-9);
    }

    /** e(t) at each of the reference's times, averaged over the replicas that reached t. */
    static double[] meanError(List<Replica> runs, Trajectory reference) {
        int rows = reference.rows().size();
        double[] sum = new double[rows];
        int[] count = new int[rows];
        for (int k = 0; k < rows; k++) {
            LimitRow ref = reference.rows().get(k);
            for (Replica run : runs) {
                Optional<TrajectoryRow> row = run.at(ref.t());
                if (row.isPresent()) {
                    sum[k] += TheoremError.error(row.get(), ref);
                    count[k]++;
                }
            }
        }
        for (int k = 0; k < rows; k++) {
            sum[k] = count[k] > 0 ? sum[k] / count[k] : Double.NaN;
        }
        return sum;
    }

    static List<Check> checks(Config c, ExpectedLimit expected, Trajectory limit, Trajectory closure,
                              List<Replica> runs, List<Validation.GaussianCheck> gaussian, double alphaEach,
                              int comparisons) {
        List<Check> checks = new ArrayList<>();
        // 1. the limit is the one the reference numbers were measured from
        double worst = -1;
        String where = "";
        for (int k = 0; k < expected.t().length; k++) {
            LimitRow row = Validation.rowAt(limit, expected.t()[k]);
            double[] got = {row.mean(Population.E), row.mean(Population.I), row.variance(Population.E),
                    row.variance(Population.I)};
            for (int j = 0; j < got.length; j++) {
                double d = Math.abs(got[j] - expected.values()[k][j]);
                if (!(d <= worst)) {
                    worst = d;
                    where = String.format(Locale.ROOT, "%s at t = %s", ExpectedLimit.COLUMNS[j],
                            Validation.fmt(expected.t()[k]));
                }
            }
        }
        checks.add(new Check("limit equals the reference values (v, K at t = 0, 1, 5)",
                String.format(Locale.ROOT, "largest difference %.2g (%s)", worst, where),
                String.format(Locale.ROOT, "<= %.0g", expected.tolerance()), worst <= expected.tolerance(),
                "validation/expected/" + expected.scenario() + ".toml, computed without balnet's code by "
                        + "validation/reference/limit_reference.py; solver and reference agree to about 1e-10"));
        // 2. every run completed
        long completed = runs.stream().filter(Replica::completed).count();
        checks.add(new Check("every run reached T = 5 in the balanced state", completed + " of " + runs.size(),
                "all " + runs.size(), completed == runs.size(), "the paper's runs stay balanced to T = 5"));
        // 3. the closure beats the limit after the initial layer
        double[] supL = new double[runs.size()];
        double[] supC = new double[runs.size()];
        double[] offset = new double[runs.size()];
        for (int r = 0; r < runs.size(); r++) {
            Replica run = runs.get(r);
            supL[r] = TheoremError.sup(run, limit, CLOSURE_FROM, T_END).value();
            supC[r] = TheoremError.sup(run, closure, CLOSURE_FROM, T_END).value();
            double m = 0;
            for (TrajectoryRow row : run.rows()) {
                Optional<LimitRow> ref = limit.at(row.t());
                if (ref.isPresent()) {
                    double[] p = TheoremError.parts(row, ref.get());
                    m = Math.max(m, p[0] + p[1]);
                }
            }
            offset[r] = m;
        }
        Spread l = Spread.of(supL);
        Spread cl = Spread.of(supC);
        checks.add(new Check(String.format(Locale.ROOT, "the closure predicts the network better than the limit "
                        + "(mean over replicas of sup over t in [%s, 5] of error (4.5))", Validation.fmt(CLOSURE_FROM)),
                String.format(Locale.ROOT, "closure %.4g ± %s, limit %.4g ± %s (ratio %.2f)", cl.mean(),
                        ValidationReport.g4(cl.sd()), l.mean(), ValidationReport.g4(l.sd()), cl.mean() / l.mean()),
                "closure < limit", cl.mean() < l.mean(),
                "the closure keeps the sqrt(n) F term the limit drops (balnet's docs/design.md, section 8)"));
        // 4. the limit's error is on the scale (7.1) predicts
        double zetaBar = limit.rows().stream().mapToDouble(LimitRow::zeta).max().orElse(Double.NaN);
        double scale = 1 / (Math.sqrt((double) c.n()) * Math.abs(zetaBar));
        Spread o = Spread.of(offset);
        double constant = o.mean() / scale;
        checks.add(new Check("the means' error against the limit is on the scale of (7.1): "
                        + "sup_t (|v_e^n - v-bar_e| + |v_i^n - v-bar_i|) = c n^-1/2 / |zeta-bar|",
                String.format(Locale.ROOT, "%.4g (mean of %d replica(s)) = c x %.4g with c = %.3f (zeta-bar = %.4f)",
                        o.mean(), runs.size(), scale, constant, zetaBar),
                String.format(Locale.ROOT, "c <= %s", Validation.fmt(OFFSET_CONSTANT_MAX)),
                constant <= OFFSET_CONSTANT_MAX,
                "(7.1) gives the order, not the constant; c <= 2 says O(1) and fails for a slower rate "
                        + "(n^-1/4 would be 8 times larger at n = 5000)"));
        // 5. Gaussianity at T
        if (!gaussian.isEmpty()) {
            Validation.GaussianCheck g = gaussian.stream().max((a, b) -> Double.compare(a.distance().ksUpper(),
                    b.distance().ksUpper())).get();
            long passed = gaussian.stream().filter(Validation.GaussianCheck::pass).count();
            checks.add(new Check("Gaussianity at t = 5 (Lemma 5.2): KS distance of u_e and u_i to N(v-hat, K-hat)",
                    String.format(Locale.ROOT, "%d of %d within; largest KS <= %.4g (u_%s, replica %d)", passed,
                            gaussian.size(), g.distance().ksUpper(), g.histogram().population().label, g.replica()),
                    String.format(Locale.ROOT, "KS upper bound <= %.4g = sqrt(ln(2/a) / 2n), a = %s / %d",
                            g.threshold(), Validation.fmt(c.alpha()), comparisons),
                    passed == gaussian.size(),
                    "Dvoretzky-Kiefer-Wolfowitz (Massart), Bonferroni over both scenarios' histograms"));
        }
        return List.copyOf(checks);
    }
}
