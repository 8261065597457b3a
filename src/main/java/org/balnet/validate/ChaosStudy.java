package org.balnet.validate;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.balnet.io.TimeGrid;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.opencl.DeviceRequest;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Propagation of chaos, measured (Sznitman; the paper's Section 5 splits u into a common mode and
 * fluctuations x that become i.i.d. as n grows). Per n, R replicas with their own seeds; each records, at
 * every record time, v-hat and K-hat and the states of the first m neurons of each population (what
 * {@code simulate --record-neurons} reads). From them:
 * <ul>
 * <li>the correlation of two fixed neurons over replicas, rho_n(t) = Cov(u^1_t, u^2_t) / Var(u^1_t), in two
 * ways: over the pairs of the m recorded neurons (the neurons themselves), and over all n(n-1)/2 pairs,
 * from v-hat and K-hat through exchangeability, Cov = Var(v-hat) - E K-hat / (n - 1) and
 * Var(u) = E K-hat + Var(v-hat) (exact identities, since n^2 Var(v-hat) = n Var(u) + n(n - 1) Cov). Chaos
 * means rho_n -> 0; the common mode v-hat fluctuates by O(n^-1/2), so rho_n = O(1/n);</li>
 * <li>the law of one neuron's path: the limit's is Gaussian with mean v-bar(t), variance K(t) and
 * Cov(x_t, x_s) = K(t) e^{-(s - t)/tau} for s &gt; t ((5.9), (5.65)), an OU-like process. The regression
 * coefficient of u_s on u_t over the recorded neurons of every replica at the largest n is compared with
 * e^{-(s - t)/tau}, and the neurons' mean and variance with v-bar and K.</li>
 * </ul>
 * The checks and their thresholds are documented in validation/README.md ("Propagation of chaos").
 */
public final class ChaosStudy {
    /** Chaos: rho_n ~ n^-1. */
    public static final double THEORY_SLOPE = -1.0;
    /** Accepted range of the fitted slope of the time-mean correlation in n; tells n^-1 from n^-1/2 and n^-2. */
    public static final double SLOPE_LOW = -1.3;
    public static final double SLOPE_HIGH = -0.7;
    /** Default neurons recorded per population and replica. */
    public static final int DEFAULT_NEURONS = 20;
    /** Default start of the OU window, in units of time: after the initial layer (validation/README.md). */
    public static final double DEFAULT_FROM = 1.0;
    /** Bootstrap resamples of the replicas for the intervals and standard errors. */
    public static final int RESAMPLES = 1000;

    /**
     * A study to run.
     *
     * @param scenario       the network with its run settings (t_end, dt, record interval, scheme); n and seed
     *                       are replaced per run
     * @param sizes          n values, at least two distinct, increasing
     * @param replicas       R &ge; 3 runs per n
     * @param neurons        m &ge; 2 neurons recorded per population (the first m)
     * @param baseSeed       the seed the replicas' keys derive from ({@link ReplicaSeeds})
     * @param backend        backend name
     * @param precision      state precision
     * @param sampler        how the spike counts are drawn
     * @param devices        the OpenCL device and host profile
     * @param threads        replicas run at once (each on one engine thread)
     * @param from           the OU window starts here: the regression of u_s on u_from, s in (from, T]
     * @param alpha          family-wise alpha of the statistical checks (Bonferroni inside each)
     * @param imbalanceLimit relative imbalance at which a run stops
     */
    public record Config(Scenario scenario, long[] sizes, int replicas, int neurons, long baseSeed, String backend,
                         Precision precision, Sampler sampler, DeviceRequest devices, int threads, double from,
                         double alpha, double imbalanceLimit) {
        public double tEnd() {
            return scenario.run().tEnd();
        }
    }

    /**
     * One replica, as the study keeps it, per population [alpha] and record time [k]: v-hat, K-hat and the
     * states of the recorded neurons [j].
     */
    record Paths(boolean completed, double[][] mean, double[][] variance, double[][][] neurons) {
    }

    /**
     * The correlation of two neurons at one n, population and time.
     *
     * @param n             neurons per population
     * @param population    alpha
     * @param t             time
     * @param rhoAll        over all pairs, from v-hat and K-hat
     * @param rhoPairs      over the pairs of the recorded neurons
     * @param meanU         mean of one neuron's state (over replicas and the recorded neurons)
     * @param varianceU     its variance
     * @param limitMean     v-bar(t)
     * @param limitVariance K(t)
     */
    public record TimeRow(long n, Population population, double t, double rhoAll, double rhoPairs, double meanU,
                          double varianceU, double limitMean, double limitVariance) {
    }

    /**
     * The time-mean of the correlation over (0, T] at one n and population, with bootstrap standard errors.
     *
     * @param n           neurons per population
     * @param population  alpha
     * @param completed   replicas that reached T in the balanced state (the others are left out)
     * @param rhoAll      time-mean of rho over all pairs
     * @param rhoAllSe    its bootstrap standard error
     * @param rhoPairs    time-mean of rho over the recorded pairs
     * @param rhoPairsSe  its standard error
     * @param differenceSe standard error of rhoPairs - rhoAll (paired resampling)
     */
    public record SizeRow(long n, Population population, int completed, double rhoAll, double rhoAllSe,
                          double rhoPairs, double rhoPairsSe, double differenceSe) {
        public double z() {
            return (rhoPairs - rhoAll) / differenceSe;
        }
    }

    /**
     * The regression of u_s on u_t0 over one neuron's paths at the largest n.
     *
     * @param population alpha
     * @param t0         the time regressed on
     * @param t          s
     * @param beta       Cov(u_t0, u_s) / Var(u_t0)
     * @param se         its standard error
     * @param predicted  e^{-(s - t0) / tau_alpha}
     */
    public record Lag(Population population, double t0, double t, double beta, double se, double predicted) {
        public double z() {
            return (beta - predicted) / se;
        }
    }

    /**
     * Everything the study measured.
     *
     * @param config      what was run
     * @param limit       the limit's trajectory
     * @param rows        per n, population and record time
     * @param sizes       per n and population, the time-means
     * @param fits        per population (e, i), the slope of ln rhoAll on ln n with a bootstrap interval
     * @param lags        the OU regression at the largest n
     * @param checks      the pass/fail checks
     * @param wallSeconds wall time
     */
    public record Result(Config config, Trajectory limit, List<TimeRow> rows, List<SizeRow> sizes,
                         PowerLawFit.Fit[] fits, List<Lag> lags, List<Check> checks, double wallSeconds) {
        public boolean passed() {
            return checks.stream().allMatch(Check::pass);
        }

        public long failedChecks() {
            return checks.stream().filter(c -> !c.pass()).count();
        }
    }

    private ChaosStudy() {
    }

    /**
     * Runs the study; one progress line per n and replica batch goes to {@code log}.
     *
     * @throws org.balnet.limit.LimitFailure when the limit cannot be solved
     */
    public static Result run(Config c, PrintWriter log) {
        long started = System.nanoTime();
        Scenario base = c.scenario();
        double every = base.run().recordEvery();
        InitialPoint initial = InitialPoint.resolve(base);
        Trajectory limit = new LimitSolver(LimitModel.of(base)).solve(initial.point(), c.tEnd(), every);
        int times = (int) Math.round(c.tEnd() / every) + 1;
        double[] t = new double[times];
        TimeGrid grid = new TimeGrid(every);
        for (int k = 0; k < times; k++) {
            t[k] = grid.time(k);
        }
        List<TimeRow> rows = new ArrayList<>();
        List<SizeRow> sizeRows = new ArrayList<>();
        List<Lag> lags = new ArrayList<>();
        double[][] rhoForFit = new double[2][c.sizes().length];
        double[][][] rhoResamples = new double[2][c.sizes().length][];
        for (int i = 0; i < c.sizes().length; i++) {
            long n = c.sizes()[i];
            List<Paths> runs = simulate(c, n, initial, times, log);
            List<Paths> done = runs.stream().filter(Paths::completed).toList();
            for (Population p : Population.values()) {
                int a = p.index();
                double[] shift = done.isEmpty() ? new double[times] : done.get(0).mean()[a];
                for (int k = 0; k < times; k++) {
                    LimitRow l = limit.at(t[k]).orElse(null);
                    double[] m = neuronMoments(done, a, k, c.neurons(), shift[k]);
                    rows.add(new TimeRow(n, p, t[k], rhoAll(done, a, k, n), m[2], m[0], m[1],
                            l != null ? l.mean(p) : Double.NaN, l != null ? l.variance(p) : Double.NaN));
                }
                int[] all = new int[done.size()];
                Arrays.setAll(all, r -> r);
                double meanAll = timeMean(done, all, a, n, c.neurons(), times, shift, true);
                double meanPairs = timeMean(done, all, a, n, c.neurons(), times, shift, false);
                double[] bootAll = new double[RESAMPLES];
                double[] bootDiff = new double[RESAMPLES];
                double[] bootPairs = new double[RESAMPLES];
                SplittableRandom rng = new SplittableRandom(c.baseSeed() ^ (n * 31 + a));
                int[] pick = new int[done.size()];
                for (int b = 0; b < RESAMPLES; b++) {
                    for (int r = 0; r < pick.length; r++) {
                        pick[r] = rng.nextInt(pick.length);
                    }
                    bootAll[b] = timeMean(done, pick, a, n, c.neurons(), times, shift, true);
                    bootPairs[b] = timeMean(done, pick, a, n, c.neurons(), times, shift, false);
                    bootDiff[b] = bootPairs[b] - bootAll[b];
                }
                sizeRows.add(new SizeRow(n, p, done.size(), meanAll, sd(bootAll), meanPairs, sd(bootPairs),
                        sd(bootDiff)));
                rhoForFit[a][i] = meanAll;
                rhoResamples[a][i] = bootAll;
                if (i == c.sizes().length - 1) {
                    lags.addAll(lags(done, p, c, t, shift));
                }
            }
        }
        double[] x = Arrays.stream(c.sizes()).asDoubleStream().toArray();
        PowerLawFit.Fit[] fits = new PowerLawFit.Fit[2];
        for (int a = 0; a < 2; a++) {
            fits[a] = slope(x, rhoForFit[a], rhoResamples[a]);
        }
        List<Check> checks = checks(c, sizeRows, fits, lags);
        return new Result(c, limit, List.copyOf(rows), List.copyOf(sizeRows), fits, List.copyOf(lags), checks,
                (System.nanoTime() - started) * 1e-9);
    }

    /** The replicas at one n, {@code threads} at a time, each on one engine thread; in replica order. */
    static List<Paths> simulate(Config c, long n, InitialPoint initial, int times, PrintWriter log) {
        Paths[] out = new Paths[c.replicas()];
        int workers = Math.max(1, Math.min(c.threads(), c.replicas()));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int r = 0; r < c.replicas(); r++) {
                int replica = r;
                jobs.add(pool.submit(() -> {
                    out[replica] = replica(c, n, replica, initial, times);
                }));
            }
            long start = System.nanoTime();
            for (Future<?> j : jobs) {
                j.get();
            }
            long completed = Arrays.stream(out).filter(Paths::completed).count();
            log.printf(Locale.ROOT, "n = %s: %d replicas (%d completed) in %.1f s%n", Figures.count(n), c.replicas(),
                    completed, (System.nanoTime() - start) * 1e-9);
            log.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return List.of(out);
    }

    /** One replica: the record-time observables and the first m neurons of each population. */
    static Paths replica(Config c, long n, int replica, InitialPoint initial, int times) {
        Scenario base = c.scenario();
        Scenario.RunSettings rs = base.run();
        long seed = ReplicaSeeds.of(c.baseSeed(), n, replica);
        Scenario s = base.withN(n).withRun(new Scenario.RunSettings(rs.tEnd(), rs.dt(), rs.recordEvery(), seed,
                rs.scheme()));
        StepSize.Choice step = Backends.step(c.backend(), s, initial.jacobian());
        int m = c.neurons();
        double[][] mean = new double[2][times];
        double[][] variance = new double[2][times];
        double[][][] neurons = new double[2][times][m];
        TimeLoop.Outcome outcome;
        try (Engine engine = Backends.create(c.backend(), s, c.precision(), seed, c.sampler(), 1, step.h(),
                c.devices(), Replica.QUIET);
             Simulation sim = new Simulation(s, engine, rs.scheme(), step.h(), initial.mean())) {
            TimeLoop.Recorder recorder = row -> {
                long k = row.observables().step();
                if (k % step.stepsPerRecord() != 0) {
                    return;
                }
                int i = (int) (k / step.stepsPerRecord());
                for (Population p : Population.values()) {
                    mean[p.index()][i] = row.mean(p);
                    variance[p.index()][i] = row.variance(p);
                    engine.readState(p, 0, neurons[p.index()][i], m);
                }
            };
            TimeLoop loop = new TimeLoop(rs.recordEvery(), step.stepsPerRecord(), c.imbalanceLimit());
            loop.recordIfDue(sim, recorder);
            outcome = loop.run(sim, step.totalSteps(), recorder, x -> { }, () -> false);
        }
        return new Paths(outcome.status() == RunStatus.COMPLETED, mean, variance, neurons);
    }

    /**
     * rho over all pairs at record time k from the replicas' v-hat and K-hat: Cov = Var(v-hat) - E K-hat /
     * (n - 1), Var(u) = E K-hat + Var(v-hat).
     */
    static double rhoAll(List<Paths> runs, int a, int k, long n) {
        int[] all = new int[runs.size()];
        Arrays.setAll(all, r -> r);
        return rhoAll(runs, all, a, k, n);
    }

    private static double rhoAll(List<Paths> runs, int[] pick, int a, int k, long n) {
        int count = pick.length;
        if (count < 2) {
            return Double.NaN;
        }
        double shift = runs.get(pick[0]).mean()[a][k];
        double s = 0, ss = 0, kk = 0;
        for (int r : pick) {
            double v = runs.get(r).mean()[a][k] - shift;
            s += v;
            ss += v * v;
            kk += runs.get(r).variance()[a][k];
        }
        double meanK = kk / count;
        double varV = (ss - s * s / count) / (count - 1);
        return (varV - meanK / (n - 1)) / (meanK + varV);
    }

    /**
     * Over the recorded neurons of the picked replicas at record time k: [0] the mean state, [1] its
     * variance, [2] the correlation of two different neurons. Unbiased: E u_j u_l (j != l, one replica) and
     * (E u)^2 from products across different replicas, so the estimation of the mean adds no bias.
     */
    private static double[] neuronMoments(List<Paths> runs, int[] pick, int a, int k, int m, double shift) {
        int count = pick.length;
        double total = 0, totalSq = 0, sumSq = 0, pairs = 0;
        for (int r : pick) {
            double[] u = runs.get(r).neurons()[a][k];
            double s = 0, q = 0;
            for (int j = 0; j < m; j++) {
                double d = u[j] - shift;
                s += d;
                q += d * d;
            }
            total += s;
            totalSq += s * s;
            sumSq += q;
            pairs += s * s - q;
        }
        double meanSquared = (total * total - totalSq) / ((double) m * m * count * (count - 1));
        double cov = pairs / ((double) count * m * (m - 1)) - meanSquared;
        double var = sumSq / ((double) count * m) - meanSquared;
        return new double[]{shift + total / ((double) count * m), var, cov / var};
    }

    static double[] neuronMoments(List<Paths> runs, int a, int k, int m, double shift) {
        int[] all = new int[runs.size()];
        Arrays.setAll(all, r -> r);
        return runs.size() < 2 ? new double[]{Double.NaN, Double.NaN, Double.NaN}
                : neuronMoments(runs, all, a, k, m, shift);
    }

    /** The mean of rho over the record times in (0, T]: all pairs, or the recorded pairs. */
    private static double timeMean(List<Paths> runs, int[] pick, int a, long n, int m, int times, double[] shift,
                                   boolean allPairs) {
        if (pick.length < 2) {
            return Double.NaN;
        }
        double s = 0;
        for (int k = 1; k < times; k++) {
            s += allPairs ? rhoAll(runs, pick, a, k, n) : neuronMoments(runs, pick, a, k, m, shift[k])[2];
        }
        return s / (times - 1);
    }

    /** The regression of u_s on u_t0 over the recorded neurons of every replica, for s after t0. */
    private static List<Lag> lags(List<Paths> runs, Population p, Config c, double[] t, double[] shift) {
        List<Lag> out = new ArrayList<>();
        int a = p.index();
        int k0 = (int) Math.round(c.from() / c.scenario().run().recordEvery());
        double tau = c.scenario().tau(p);
        int m = c.neurons();
        int count = runs.size() * m;
        if (runs.size() < 3) {
            return out;
        }
        double mu0 = neuronMoments(runs, a, k0, m, shift[k0])[0];
        for (int k = k0 + 1; k < t.length; k++) {
            double mu = neuronMoments(runs, a, k, m, shift[k])[0];
            double sxx = 0, syy = 0, sxy = 0;
            for (Paths r : runs) {
                double[] u0 = r.neurons()[a][k0];
                double[] u = r.neurons()[a][k];
                for (int j = 0; j < m; j++) {
                    double dx = u0[j] - mu0;
                    double dy = u[j] - mu;
                    sxx += dx * dx;
                    syy += dy * dy;
                    sxy += dx * dy;
                }
            }
            double beta = sxy / sxx;
            double r2 = sxy * sxy / (sxx * syy);
            double se = Math.sqrt((1 - r2) * syy / ((count - 2) * sxx));
            out.add(new Lag(p, t[k0], t[k], beta, se, Math.exp(-(t[k] - t[k0]) / tau)));
        }
        return out;
    }

    /**
     * OLS slope of ln |rho| on ln n, with the percentile interval of the bootstrap resamples' slopes. The
     * correlation may be negative (balance can hold the common mode tighter than independent neurons
     * would); it must keep one sign over n for a power law.
     */
    static PowerLawFit.Fit slope(double[] sizes, double[] rho, double[][] resamples) {
        double sign = Math.signum(rho[0]);
        for (double r : rho) {
            if (!(Math.signum(r) == sign && sign != 0)) {
                return new PowerLawFit.Fit(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        "no slope: the time-mean correlation changes sign over n (" + Arrays.toString(rho) + ")");
            }
        }
        double[] ab = PowerLawFit.line(PowerLawFit.logs(sizes), PowerLawFit.logs(Arrays.stream(rho).map(Math::abs)
                .toArray()));
        double[] slopes = new double[RESAMPLES];
        int valid = 0;
        double[] y = new double[sizes.length];
        for (int b = 0; b < RESAMPLES; b++) {
            boolean ok = true;
            for (int i = 0; i < sizes.length; i++) {
                ok &= Math.signum(resamples[i][b]) == sign;
                y[i] = Math.log(Math.abs(resamples[i][b]));
            }
            if (ok) {
                slopes[valid++] = PowerLawFit.line(PowerLawFit.logs(sizes), y)[0];
            }
        }
        if (valid < RESAMPLES / 2) {
            return new PowerLawFit.Fit(ab[0], ab[1], Double.NaN, Double.NaN, String.format(Locale.ROOT,
                    "no interval: only %d of %d resamples keep the sign of every correlation", valid, RESAMPLES));
        }
        double[] sorted = Arrays.copyOf(slopes, valid);
        Arrays.sort(sorted);
        double tail = (1 - Validation.CONFIDENCE) / 2;
        return new PowerLawFit.Fit(ab[0], ab[1], PowerLawFit.quantile(sorted, tail),
                PowerLawFit.quantile(sorted, 1 - tail), String.format(Locale.ROOT,
                "percentile bootstrap over replicas (%d resamples, %d keeping every correlation's sign)", RESAMPLES,
                valid));
    }

    static List<Check> checks(Config c, List<SizeRow> sizes, PowerLawFit.Fit[] fits, List<Lag> lags) {
        List<Check> checks = new ArrayList<>();
        long runs = (long) c.sizes().length * c.replicas();
        long completed = sizes.stream().filter(s -> s.population() == Population.E).mapToLong(SizeRow::completed).sum();
        checks.add(new Check("every run reached T in the balanced state", completed + " of " + runs + " runs",
                "all " + runs, completed == runs, "chaos is a statement about the balanced state (T < eta)"));
        for (Population p : Population.values()) {
            PowerLawFit.Fit f = fits[p.index()];
            checks.add(new Check("slope in n of |correlation| of two neurons of population " + p.label
                    + " (time-mean over (0, T], all pairs)", Double.isNaN(f.slope()) ? f.method()
                    : Validation.slopeText(f),
                    String.format(Locale.ROOT, "in [%s, %s]", Validation.fmt(SLOPE_LOW), Validation.fmt(SLOPE_HIGH)),
                    f.slope() >= SLOPE_LOW && f.slope() <= SLOPE_HIGH,
                    "propagation of chaos: the common mode v-hat fluctuates by O(n^-1/2), so two neurons share "
                            + "O(1/n) of their variance"));
        }
        int tests = sizes.size();
        double zPairs = new NormalDistribution().inverseCumulativeProbability(1 - c.alpha() / (2 * tests));
        SizeRow worst = sizes.stream().max((x, y) -> Double.compare(Math.abs(x.z()), Math.abs(y.z()))).orElseThrow();
        checks.add(new Check("two fixed neurons' correlation over replicas agrees with the all-pairs value "
                + "(time-means, every n and population)", String.format(Locale.ROOT,
                "largest |z| %.2f (n = %s, %s: %.3g vs %.3g, se %.2g)", Math.abs(worst.z()), Figures.count(worst.n()),
                worst.population().label, worst.rhoPairs(), worst.rhoAll(), worst.differenceSe()),
                String.format(Locale.ROOT, "|z| <= %.2f (alpha %s over %d comparisons)", zPairs,
                        Validation.fmt(c.alpha()), tests),
                Math.abs(worst.z()) <= zPairs,
                "the all-pairs value is exact by exchangeability; the recorded neurons are a sample of the pairs"));
        if (!lags.isEmpty()) {
            double zLags = new NormalDistribution().inverseCumulativeProbability(1 - c.alpha() / (2 * lags.size()));
            Lag w = lags.stream().max((x, y) -> Double.compare(Math.abs(x.z()), Math.abs(y.z()))).orElseThrow();
            checks.add(new Check(String.format(Locale.ROOT, "one neuron's path is OU-like at n = %s: the regression "
                            + "of u_s on u_t0 is e^{-(s - t0)/tau} (t0 = %s, every record time s after it)",
                    Figures.count(c.sizes()[c.sizes().length - 1]), Validation.fmt(c.from())),
                    String.format(Locale.ROOT, "largest |z| %.2f (u_%s, s = %s: %.4f vs %.4f, se %.2g)",
                            Math.abs(w.z()), w.population().label, Validation.fmt(w.t()), w.beta(), w.predicted(),
                            w.se()),
                    String.format(Locale.ROOT, "|z| <= %.2f (alpha %s over %d regressions)", zLags,
                            Validation.fmt(c.alpha()), lags.size()),
                    Math.abs(w.z()) <= zLags,
                    "(5.9), (5.65): in the limit x_t = u_t - v-bar_t is a centred Gaussian process with "
                            + "E x_t x_s = K(t) e^{-(s - t)/tau}; at finite n the common mode adds O(1/n)"));
        }
        return List.copyOf(checks);
    }

    private static double sd(double[] v) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
