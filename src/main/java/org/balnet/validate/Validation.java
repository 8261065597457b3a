package org.balnet.validate;

import org.balnet.io.TimeGrid;
import org.balnet.limit.GaussianClosure;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.opencl.DeviceRequest;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The convergence study behind {@code balnet validate}: for each n, R replicas with their own seeds;
 * per replica the error (4.5) against the limit and against the finite-n closure, as a supremum over
 * the record times in a window [from, T]; per n the mean and spread; the exponent of the mean error
 * in n with confidence intervals ({@link PowerLawFit}); and Gaussianity (Lemma 5.2) of the states at
 * chosen times ({@link GaussianDistance}). The checks and their thresholds are documented in
 * validation/README.md.
 */
public final class Validation {
    /** The rate of Theorem 4.1 in n: error ~ n^{-1/2} (Lemma 5.1, (7.1)). */
    public static final double THEORY_SLOPE = -0.5;
    /**
     * Accepted range of the fitted slope. Centred near -1/2; the half-width covers the finite-n
     * corrections measured for mv-6.1 over n = 1e3 .. 1e5 with --from 1 (local slopes -0.455 and -0.494
     * against the limit, -0.508 and -0.505 against the closure; validation/README.md) and replica noise,
     * and still tells n^{-1/2} from n^{-1/4} or n^{-1}.
     */
    public static final double SLOPE_LOW = -0.75;
    public static final double SLOPE_HIGH = -0.3;
    /** Confidence level of the slope intervals, in percent (for the words) and as a probability. */
    public static final int CONFIDENCE_PERCENT = 95;
    public static final double CONFIDENCE = CONFIDENCE_PERCENT / 100.0;
    /** Family-wise alpha of the Gaussianity checks (Bonferroni-divided over all histograms). */
    public static final double DEFAULT_ALPHA = 0.01;
    /** Default start of the error window, in units of time: see validation/README.md, "Error window". */
    public static final double DEFAULT_FROM = 1.0;

    /**
     * A validation to run.
     *
     * @param scenario       the scenario with its run settings (t_end, dt, record_every, scheme) resolved; its
     *                       n and seed are replaced per run
     * @param sizes          n values (neurons per population), at least two distinct
     * @param replicas       R &ge; 1 runs per n
     * @param baseSeed       the seed every replica's key derives from ({@link ReplicaSeeds})
     * @param backend        backend name
     * @param precision      state precision
     * @param sampler        how the spike counts are drawn
     * @param devices        the OpenCL device and host profile (for backends opencl and auto)
     * @param threads        engine threads
     * @param from           start of the error window (the window is [from, T])
     * @param histogramTimes times at which to test Gaussianity (multiples of record_every in (0, T])
     * @param alpha          family-wise alpha of the Gaussianity checks
     * @param imbalanceLimit relative imbalance at which a run stops
     */
    public record Config(Scenario scenario, long[] sizes, int replicas, long baseSeed, String backend,
                         Precision precision, Sampler sampler, DeviceRequest devices, int threads, double from,
                         double[] histogramTimes, double alpha, double imbalanceLimit) {
        public double tEnd() {
            return scenario.run().tEnd();
        }
    }

    /**
     * One replica and its errors.
     *
     * @param replica      the simulated replica
     * @param limit        sup over [from, T] (or [from, eta)) against the limit
     * @param closure      sup over [from, T] against the closure at the run's n
     * @param limitWhole   sup over [0, T] against the limit (Theorem 4.1's window)
     * @param closureWhole sup over [0, T] against the closure
     */
    public record ReplicaResult(Replica replica, TheoremError.Sup limit, TheoremError.Sup closure,
                            TheoremError.Sup limitWhole, TheoremError.Sup closureWhole) {
    }

    /**
     * All replicas at one n.
     *
     * @param n            neurons per population
     * @param closure      the closure's trajectory at this n
     * @param replicas     the replicas
     * @param limitError   spread over replicas of the windowed sup against the limit
     * @param closureError spread of the windowed sup against the closure
     * @param limitWhole   spread of the sup over [0, T] against the limit
     * @param closureWhole spread of the sup over [0, T] against the closure
     */
    public record SizeResult(long n, Trajectory closure, List<ReplicaResult> replicas, Spread limitError,
                             Spread closureError, Spread limitWhole, Spread closureWhole) {
        public double[] limitErrors() {
            return replicas.stream().mapToDouble(r -> r.limit().value()).toArray();
        }

        public double[] closureErrors() {
            return replicas.stream().mapToDouble(r -> r.closure().value()).toArray();
        }

        public long completed() {
            return replicas.stream().filter(r -> r.replica().completed()).count();
        }
    }

    /**
     * One Gaussianity comparison.
     *
     * @param n         neurons per population
     * @param replica   replica number
     * @param seed      its key
     * @param histogram the state histogram (population, time, range, counts)
     * @param distance  KS and W1 against N(v-hat, K-hat)
     * @param threshold the DKW threshold the KS upper bound must stay below
     * @param w1Scale   J_1 sd / sqrt(n), the i.i.d. sampling scale of W1
     */
    public record GaussianCheck(long n, int replica, long seed, StateHistogram histogram,
                                GaussianDistance.Result distance, double threshold, double w1Scale) {
        public boolean pass() {
            return distance.ksUpper() <= threshold;
        }
    }

    /**
     * Everything a validation measured.
     *
     * @param config         what was run
     * @param initial        the balanced initial point
     * @param limit          the limit's trajectory
     * @param limitUntil     end of the window against the limit: T, or the last record time before eta
     * @param sizes          per-n results, in the order of config.sizes
     * @param limitFit       slope of the mean windowed error against the limit, bootstrap interval
     * @param limitFitOls    the same slope with the OLS t-interval
     * @param closureFit     slope against the closure, bootstrap interval
     * @param closureFitOls  the same with the OLS t-interval
     * @param gaussian       all Gaussianity comparisons
     * @param alphaEach      the per-comparison alpha (Bonferroni)
     * @param checks         the pass/fail checks
     * @param wallSeconds    wall time of the whole validation
     */
    public record Result(Config config, InitialPoint initial, Trajectory limit, double limitUntil,
                         List<SizeResult> sizes, PowerLawFit.Fit limitFit, PowerLawFit.Fit limitFitOls,
                         PowerLawFit.Fit closureFit, PowerLawFit.Fit closureFitOls, List<GaussianCheck> gaussian,
                         double alphaEach, List<Check> checks, double wallSeconds) {
        public boolean passed() {
            return checks.stream().allMatch(Check::pass);
        }

        public long failedChecks() {
            return checks.stream().filter(c -> !c.pass()).count();
        }

        /** The same result with another wall time: a collected study's is what its tasks took in all. */
        public Result withWallSeconds(double seconds) {
            return new Result(config, initial, limit, limitUntil, sizes, limitFit, limitFitOls, closureFit,
                    closureFitOls, gaussian, alphaEach, checks, seconds);
        }
    }

    /**
     * Where the replicas of a study come from: simulated here ({@link Replica#simulate}), or read back
     * from the shards of a study run elsewhere. Called once per (n, replica), in the order of the sizes
     * and then of the replicas.
     */
    @FunctionalInterface
    public interface ReplicaSource {
        /**
         * @param spec  what the replica is: its scenario (n and seed set), engine and histogram times
         * @param index the replica number
         * @param log   where the backend reports what {@code auto} chose
         */
        Replica replica(Replica.Spec spec, int index, PrintWriter log);

        /**
         * The replicas of one n, spec i being replica i: by default one {@link #replica} after another (the
         * backend's choice reported for the first only).
         */
        default List<Replica> replicas(List<Replica.Spec> specs, PrintWriter log) {
            List<Replica> out = new ArrayList<>(specs.size());
            for (int r = 0; r < specs.size(); r++) {
                out.add(replica(specs.get(r), r, r == 0 ? log : Replica.QUIET));
            }
            return out;
        }
    }

    /** Replicas simulated here: one by {@link Replica#simulate}, those of an n together by {@link Replica#simulateAll}. */
    public static final ReplicaSource LOCAL = new ReplicaSource() {
        @Override
        public Replica replica(Replica.Spec spec, int index, PrintWriter log) {
            return Replica.simulate(spec, index, log);
        }

        @Override
        public List<Replica> replicas(List<Replica.Spec> specs, PrintWriter log) {
            return Replica.simulateAll(specs, log);
        }
    };

    private Validation() {
    }

    /**
     * Runs the study, simulating every replica here. Progress lines go to {@code log}.
     *
     * @throws org.balnet.limit.LimitFailure when the limit or the closure cannot be solved
     */
    public static Result run(Config c, PrintWriter log) {
        return run(c, LOCAL, log);
    }

    /**
     * The study with its replicas from {@code source}: the limit and the closures solved, every
     * replica compared with them, the fits and the checks. The same replicas give the same result,
     * wherever they were simulated.
     *
     * @throws org.balnet.limit.LimitFailure when the limit or the closure cannot be solved
     */
    public static Result run(Config c, ReplicaSource source, PrintWriter log) {
        long started = System.nanoTime();
        Scenario base = c.scenario();
        double tEnd = c.tEnd();
        double every = base.run().recordEvery();
        InitialPoint initial = InitialPoint.resolve(base);
        LimitModel model = LimitModel.of(base);
        Trajectory limit = new LimitSolver(model).solve(initial.point(), tEnd, every);
        double limitUntil = limit.rows().get(limit.rows().size() - 1).t();
        if (limit.eta().isPresent()) {
            log.printf(Locale.ROOT, "note: the limit leaves the balanced manifold at eta = " + ETA_FORMAT
                    + " < T = %s; errors against it are measured up to t = %s%n", limit.eta().getAsDouble(), fmt(tEnd),
                    fmt(limitUntil));
        }
        if (limit.silent().isPresent()) {
            log.printf(Locale.ROOT, "note: the limit falls silent (a rate below 1e-8 of its bound) at t = %.6g < T = %s; "
                    + "errors against it are measured up to t = %s%n", limit.silent().getAsDouble(), fmt(tEnd),
                    fmt(limitUntil));
        }
        int comparisons = comparisons(c);
        double alphaEach = c.alpha() / Math.max(1, comparisons);

        List<SizeResult> sizes = new ArrayList<>();
        List<GaussianCheck> gaussian = new ArrayList<>();
        for (long n : c.sizes()) {
            Trajectory closure = new GaussianClosure(model, n).solve(initial.point(), tEnd, every);
            List<ReplicaResult> runs = new ArrayList<>();
            List<Replica.Spec> specs = new ArrayList<>();
            for (int r = 0; r < c.replicas(); r++) {
                specs.add(replicaSpec(c, initial, n, r));
            }
            // The replicas of this n together where the source can (simulated here: in batches as the memory
            // allows), each the replica it gives alone.
            List<Replica> simulated = source.replicas(specs, sizes.isEmpty() ? log : Replica.QUIET);
            for (int r = 0; r < c.replicas(); r++) {
                Replica run = simulated.get(r);
                ReplicaResult rr = new ReplicaResult(run,
                        TheoremError.sup(run, limit, c.from(), limitUntil),
                        TheoremError.sup(run, closure, c.from(), tEnd),
                        TheoremError.sup(run, limit, 0, limitUntil),
                        TheoremError.sup(run, closure, 0, tEnd));
                runs.add(rr);
                for (StateHistogram h : run.histograms()) {
                    double sd = Math.sqrt(h.sampleVariance());
                    gaussian.add(new GaussianCheck(n, r, run.seed(), h, GaussianDistance.compare(h, h.sampleMean(), sd),
                            GaussianDistance.dkwThreshold(n, alphaEach), GaussianDistance.w1Scale(n, sd)));
                }
                log.printf(Locale.ROOT, "n = %s, replica %d of %d (seed %d): %s in %.1f s; sup error over [%s, %s]: "
                                + "%.4g against the limit (at t = %s), %.4g against the closure (at t = %s)%n",
                        Figures.count(n), r + 1, c.replicas(), run.seed(), run.status(), run.wallSeconds(),
                        fmt(c.from()), fmt(tEnd), rr.limit().value(), fmt(rr.limit().time()), rr.closure().value(),
                        fmt(rr.closure().time()));
                if (!run.completed()) {
                    log.println("  " + run.message());
                }
                log.flush();
            }
            sizes.add(new SizeResult(n, closure, List.copyOf(runs),
                    Spread.of(runs.stream().mapToDouble(x -> x.limit().value()).toArray()),
                    Spread.of(runs.stream().mapToDouble(x -> x.closure().value()).toArray()),
                    Spread.of(runs.stream().mapToDouble(x -> x.limitWhole().value()).toArray()),
                    Spread.of(runs.stream().mapToDouble(x -> x.closureWhole().value()).toArray())));
        }

        double[] x = Arrays.stream(c.sizes()).asDoubleStream().toArray();
        double[][] le = sizes.stream().map(SizeResult::limitErrors).toArray(double[][]::new);
        double[][] ce = sizes.stream().map(SizeResult::closureErrors).toArray(double[][]::new);
        double[] lm = sizes.stream().mapToDouble(s -> s.limitError().mean()).toArray();
        double[] cm = sizes.stream().mapToDouble(s -> s.closureError().mean()).toArray();
        PowerLawFit.Fit limitFit = PowerLawFit.bootstrap(x, le, CONFIDENCE, c.baseSeed());
        PowerLawFit.Fit closureFit = PowerLawFit.bootstrap(x, ce, CONFIDENCE, c.baseSeed() + 1);
        PowerLawFit.Fit limitOls = PowerLawFit.ols(x, lm, CONFIDENCE);
        PowerLawFit.Fit closureOls = PowerLawFit.ols(x, cm, CONFIDENCE);

        List<Check> checks = checks(c, sizes, limitFit, closureFit, gaussian, alphaEach, comparisons);
        double wall = (System.nanoTime() - started) * 1e-9;
        return new Result(c, initial, limit, limitUntil, List.copyOf(sizes), limitFit, limitOls, closureFit,
                closureOls, List.copyOf(gaussian), alphaEach, checks, wall);
    }

    /**
     * Replica {@code r} at {@code n}: the study's scenario at that n with its own seed
     * ({@link ReplicaSeeds}), on the study's engine, with histograms at the study's times.
     *
     * @param initial the balanced initial point of the study's scenario (the same for every n)
     */
    public static Replica.Spec replicaSpec(Config c, InitialPoint initial, long n, int r) {
        Scenario base = c.scenario();
        Scenario.RunSettings rs = base.run();
        long seed = ReplicaSeeds.of(c.baseSeed(), n, r);
        Scenario s = base.withN(n).withRun(new Scenario.RunSettings(rs.tEnd(), rs.dt(), rs.recordEvery(), seed,
                rs.scheme()));
        return new Replica.Spec(s, initial, c.backend(), c.precision(), c.sampler(), c.devices(), c.threads(),
                c.imbalanceLimit(), histogramRows(c));
    }

    /** The record indices k (t = k D) of the Gaussianity times. */
    static long[] histogramRows(Config c) {
        double every = c.scenario().run().recordEvery();
        return Arrays.stream(c.histogramTimes()).mapToLong(t -> TimeGrid.multiple(t, every)).toArray();
    }

    /** Histograms compared with a Gaussian, all n, replicas, times and both populations: the Bonferroni divisor. */
    static int comparisons(Config c) {
        return c.sizes().length * c.replicas() * c.histogramTimes().length * 2;
    }

    static List<Check> checks(Config c, List<SizeResult> sizes, PowerLawFit.Fit limitFit, PowerLawFit.Fit closureFit,
                              List<GaussianCheck> gaussian, double alphaEach, int comparisons) {
        List<Check> checks = new ArrayList<>();
        long total = (long) c.sizes().length * c.replicas();
        long completed = sizes.stream().mapToLong(SizeResult::completed).sum();
        checks.add(new Check("every run reached T in the balanced state",
                completed + " of " + total + " runs", "all " + total,
                completed == total,
                "Theorem 4.1 holds up to T < eta; a run that leaves the balanced state has no error to compare"));
        String band = String.format(Locale.ROOT, "in [%s, %s]", fmt(SLOPE_LOW), fmt(SLOPE_HIGH));
        checks.add(new Check("slope of the mean error against the limit, log-log in n",
                slopeText(limitFit), band, inBand(limitFit.slope()),
                "Theorem 4.1 with (7.1): error ~ n^-1/2; the band allows the finite-n curvature measured in "
                        + "validation/README.md"));
        checks.add(new Check("slope of the mean error against the closure, log-log in n",
                slopeText(closureFit), band, inBand(closureFit.slope()),
                "the closure removes the O(n^-1/2 / zeta) offset of the means; what remains is the "
                        + "O(n^-1/2) noise of the empirical moments"));
        StringBuilder closer = new StringBuilder();
        boolean allCloser = true;
        for (SizeResult s : sizes) {
            boolean better = s.closureError().mean() < s.limitError().mean();
            allCloser &= better;
            closer.append(closer.length() > 0 ? "; " : "").append(String.format(Locale.ROOT,
                    "n = %s: %.4g vs %.4g", Figures.count(s.n()), s.closureError().mean(), s.limitError().mean()));
        }
        checks.add(new Check("the closure predicts the network better than the limit at every n "
                + "(mean windowed error: closure vs limit)", closer.toString(), "closure < limit at every n",
                allCloser, "the closure keeps the sqrt(n) F term the limit drops (balnet's docs/design.md, "
                        + "section 8)"));
        if (!gaussian.isEmpty()) {
            GaussianCheck worst = gaussian.stream().max((a, b) -> Double.compare(
                    a.distance().ksUpper() / a.threshold(), b.distance().ksUpper() / b.threshold())).get();
            long passed = gaussian.stream().filter(GaussianCheck::pass).count();
            checks.add(new Check("Gaussianity (Lemma 5.2): KS distance of every state histogram to N(v-hat, K-hat)",
                    String.format(Locale.ROOT, "%d of %d within; largest KS/threshold %.3f (n = %s, u_%s at t = %s: "
                                    + "KS <= %.4g, threshold %.4g)", passed, gaussian.size(),
                            worst.distance().ksUpper() / worst.threshold(), Figures.count(worst.n()),
                            worst.histogram().population().label, fmt(worst.histogram().time()),
                            worst.distance().ksUpper(), worst.threshold()),
                    String.format(Locale.ROOT, "KS upper bound <= sqrt(ln(2/a) / 2n), a = %s / %d = %.3g",
                            fmt(c.alpha()), comparisons, alphaEach),
                    passed == gaussian.size(),
                    "Dvoretzky-Kiefer-Wolfowitz with Massart's constant, Bonferroni over all histograms; "
                            + "conservative against a Gaussian with the sample's own mean and variance"));
        }
        return List.copyOf(checks);
    }

    static boolean inBand(double slope) {
        return slope >= SLOPE_LOW && slope <= SLOPE_HIGH;
    }

    static String slopeText(PowerLawFit.Fit f) {
        if (Double.isNaN(f.low())) {
            return String.format(Locale.ROOT, "%.3f", f.slope());
        }
        return String.format(Locale.ROOT, "%.3f, %d%% CI [%.3f, %.3f]", f.slope(), CONFIDENCE_PERCENT, f.low(),
                f.high());
    }

    /**
     * How reports print eta: the limit solver integrates to a relative tolerance of 1e-11
     * ({@link LimitSolver#TOLERANCE}) and finds eta by event detection on zeta, so ten significant digits
     * carry information, where a fixed six decimals would keep few digits of a small eta. summary.json has
     * every digit.
     */
    static final String ETA_FORMAT = "%.10g";

    static String fmt(double x) {
        return Double.isNaN(x) ? "NaN" : org.balnet.io.Json.number(x);
    }

    /** The limit row at time t (the nearest record time), for reports. */
    static LimitRow rowAt(Trajectory tr, double t) {
        LimitRow best = tr.rows().get(0);
        for (LimitRow r : tr.rows()) {
            if (Math.abs(r.t() - t) < Math.abs(best.t() - t)) {
                best = r;
            }
        }
        return best;
    }
}
