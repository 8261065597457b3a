package org.balnet.validate;

import org.balnet.limit.GaussianClosure;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.exact.ExactEngine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The time step's bias, measured against the exact backend (behind {@code balnet validate --dt-study}). At each n:
 * R replicas of the continuous-time network ({@code exact}) and, for each scheme and each step h, R replicas of a
 * tau-leaped backend. Replica r of every arm starts from the same initial state (the one the exact backend draws
 * for its seed): the runs are paired, and the spread of the initial condition, which dominates the replicas'
 * scatter while the means move fast (at n = 1e3 about 3.5 times the rest at t = 0.3), cancels in the differences. The
 * bias of (scheme, h) is the supremum over the record times in a window of the distance between the replica means,
 * <pre>
 *   B_v(h) = sup_t |mean v-hat_e(h) - mean v-hat_e(exact)| + |mean v-hat_i(h) - mean v-hat_i(exact)|,
 * </pre>
 * B_K(h) the same for K-hat, and B(h) = sup_t of all four terms (the norm of (4.5)). Replica noise enters
 * the difference of means, so each B comes with its noise floor N: the 95% point of the same supremum of the
 * bootstrap fluctuation of the difference of means (resampling the pairs), which a bias of zero would show; B lies
 * within N of the measured value ({@link Measure}). The order p and the constant C of B = C h^p are the OLS fit of
 * ln B on ln h over the steps where B is above twice its floor, with percentile intervals from refitting on the
 * bootstrap resamples. The bias is set against the finite-n error at that n (the exact replicas' mean supremum of
 * (4.5) against the limit over the same window): the study states which steps keep the bias below a share of it.
 * validation/README.md shows how to read the output.
 */
public final class TimeStepStudy {
    /** Default share of the finite-n error that the bias should stay below. */
    public static final double DEFAULT_SHARE = 0.1;
    /** Bootstrap resamples for the intervals and the noise floors. */
    public static final int RESAMPLES = 1000;
    /** A bias counts as measured when it exceeds this many noise floors. */
    public static final double RESOLVED_FACTOR = 2;
    /** Quantile of the bootstrap noise supremum used as the floor. */
    public static final double NOISE_QUANTILE = 0.95;
    /** Smallest fitted order for the check "the bias falls with h": both schemes are first order. */
    public static final double MIN_ORDER = 0.5;
    /** The largest multiple of the scenario's record interval tried as the study's common interval. */
    static final int MAX_RECORD_MULTIPLE = 1000;
    /** Quantities of a bias: the means, the variances, all four (the norm of (4.5)). */
    public static final String[] QUANTITIES = {"v", "K", "sum"};

    /**
     * A study to run.
     *
     * @param scenario       the scenario with T, the study's record interval and the seed resolved
     * @param sizes          n values, one or more
     * @param steps          h values, descending
     * @param schemes        the schemes to measure
     * @param replicas       R, replicas of the exact reference and of each (scheme, h), paired
     * @param baseSeed       every replica's seed derives from it ({@link #seed})
     * @param backend        the tau-leaped backend
     * @param precision      its precision
     * @param sampler        its sampler (the exact reference draws no counts)
     * @param devices        the OpenCL device and host profile (for a tau-leaped backend opencl or auto)
     * @param threads        replicas run this many at a time (each engine single-threaded) where the backend is
     *                       a Java one, else one at a time with this many engine threads
     * @param from           start of the window [from, T]
     * @param share          the share of the finite-n error to compare the bias with
     * @param imbalanceLimit the simulator's departure limit
     */
    public record Config(Scenario scenario, long[] sizes, double[] steps, List<Scheme> schemes, int replicas,
                         long baseSeed, String backend, Precision precision, Sampler sampler, DeviceRequest devices,
                         int threads,
                         double from, double share, double imbalanceLimit) {
        public double tEnd() {
            return scenario.run().tEnd();
        }

        public double recordEvery() {
            return scenario.run().recordEvery();
        }
    }

    /**
     * One supremum of a bias with its uncertainty. With b(t) the true difference of the expected means and
     * b-hat(t) the measured one, the triangle inequality gives |B-hat - B| &le; sup_t sum |b-hat(t) - b(t)|,
     * the supremum of the replica noise alone; its {@link #NOISE_QUANTILE} point (from the bootstrap) is the
     * noise floor N, so B lies in [B-hat - N, B-hat + N] with that confidence, whatever the correlations in t.
     *
     * @param value B-hat: the supremum over the window of the distance between replica means
     * @param time  a record time where it is reached
     * @param noise N, the noise floor
     */
    public record Measure(double value, double time, double noise) {
        /** The lower end of the interval, B-hat - N (at least 0). */
        public double low() {
            return Math.max(0, value - noise);
        }

        /** The upper end of the interval, B-hat + N. */
        public double high() {
            return value + noise;
        }

        /** True when the bias dominates the noise: B-hat above {@link #RESOLVED_FACTOR} floors. */
        public boolean resolved() {
            return value > RESOLVED_FACTOR * noise;
        }
    }

    /**
     * One (scheme, h).
     *
     * @param scheme      the scheme
     * @param h           the step
     * @param runs        its replicas (empty when skipped)
     * @param window      B_v, B_K, B over [from, T], in the order of {@link #QUANTITIES}
     * @param whole       the same over [0, T]
     * @param skipped     why the step was not run (an explicit step above its stability bound), or empty
     */
    public record StepResult(Scheme scheme, double h, List<Replica> runs, Measure[] window, Measure[] whole,
                             String skipped) {
        public long completed() {
            return runs.stream().filter(Replica::completed).count();
        }

        public boolean ran() {
            return skipped.isEmpty();
        }
    }

    /**
     * B = C h^p fitted for one scheme and quantity.
     *
     * @param scheme   the scheme
     * @param quantity one of {@link #QUANTITIES}
     * @param order    p (NaN when fewer than two steps are resolved)
     * @param orderLow 2.5% bootstrap percentile of p
     * @param orderHigh 97.5% percentile
     * @param constant C
     * @param constantLow 2.5% percentile of C
     * @param constantHigh 97.5% percentile
     * @param steps    the steps the fit used
     * @param resamples (p, C) refitted on each bootstrap resample, [resample][2]; empty when not fitted
     */
    public record OrderFit(Scheme scheme, String quantity, double order, double orderLow, double orderHigh,
                           double constant, double constantLow, double constantHigh, double[] steps,
                           double[][] resamples) {
        public boolean fitted() {
            return !Double.isNaN(order);
        }

        /** The step at which the fitted bias equals {@code bias}: (bias / C)^(1/p). */
        public double stepFor(double bias) {
            return Math.pow(bias / constant, 1 / order);
        }

        /**
         * The 2.5% and 97.5% percentiles of (bias / C)^(1/p) over the resamples' (p, C), which are strongly
         * correlated (resamples with a steeper p have a larger C); {NaN, NaN} when fewer than 95% of them have
         * p &gt; 0.
         */
        public double[] stepRange(double bias) {
            double[] h = java.util.Arrays.stream(resamples).filter(x -> x[0] > 0)
                    .mapToDouble(x -> Math.pow(bias / x[1], 1 / x[0])).sorted().toArray();
            if (h.length < 0.95 * resamples.length || h.length == 0) {
                return new double[]{Double.NaN, Double.NaN};
            }
            return new double[]{PowerLawFit.quantile(h, 0.025), PowerLawFit.quantile(h, 0.975)};
        }
    }

    /**
     * Which steps keep the bias (norm of (4.5), over the window) below the target, for one scheme.
     *
     * @param scheme     the scheme
     * @param target     share times the finite-n error
     * @param largest    the largest measured step whose bias's upper percentile is below the target, or NaN
     * @param fitted     the step at which the fitted bias equals the target, or NaN
     * @param fittedLow  its bootstrap 2.5% percentile
     * @param fittedHigh its 97.5% percentile
     * @param text       the statement, in words
     */
    public record Advice(Scheme scheme, double target, double largest, double fitted, double fittedLow,
                         double fittedHigh, String text) {
    }

    /**
     * Everything at one n.
     *
     * @param n              neurons per population
     * @param exact          the exact replicas
     * @param closure        the closure at n
     * @param steps          one result per (scheme, h), schemes in config order, steps descending
     * @param fits           per scheme, one fit per quantity of {@link #QUANTITIES}
     * @param limitError     spread over the exact replicas of the sup over the window of (4.5) against the limit
     * @param closureError   the same against the closure
     * @param advice         per scheme
     */
    public record SizeResult(long n, List<Replica> exact, Trajectory closure, List<StepResult> steps,
                             List<OrderFit> fits, Spread limitError, Spread closureError, List<Advice> advice) {
        public long exactCompleted() {
            return exact.stream().filter(Replica::completed).count();
        }

        public OrderFit fit(Scheme scheme, String quantity) {
            return fits.stream().filter(f -> f.scheme() == scheme && f.quantity().equals(quantity)).findFirst()
                    .orElseThrow();
        }
    }

    /** The whole study. */
    public record Result(Config config, InitialPoint initial, Trajectory limit, double limitUntil,
                         List<SizeResult> sizes, List<Check> checks, double wallSeconds) {
        public boolean passed() {
            return checks.stream().allMatch(Check::pass);
        }

        public long failedChecks() {
            return checks.stream().filter(c -> !c.pass()).count();
        }
    }

    private TimeStepStudy() {
    }

    /**
     * The study's record interval: the smallest multiple of {@code every} that each step divides.
     *
     * @throws BadInputException (CONFLICT) when no multiple up to {@link #MAX_RECORD_MULTIPLE} will do
     */
    public static double recordInterval(double every, double[] steps, boolean given) {
        for (int k = 1; k <= (given ? 1 : MAX_RECORD_MULTIPLE); k++) {
            double d = k * every;
            boolean all = true;
            for (double h : steps) {
                all &= org.balnet.io.TimeGrid.multiple(d, h) >= 1;
            }
            if (all) {
                return new org.balnet.io.TimeGrid(every).time(k);
            }
        }
        throw InputError.CONFLICT.exception(given ? "--record-every" : "--dt-study", String.format(Locale.ROOT,
                "the steps of --dt-study %s must all divide the record interval (%s = %s)%s", Arrays.toString(steps),
                given ? "--record-every" : "run.record_every", org.balnet.io.Json.number(every), given ? ""
                        : " or one of its first " + MAX_RECORD_MULTIPLE
                        + " multiples (the runs are compared at common record times)"));
    }

    /**
     * The seed of replica r of one arm at n: each arm (exact, or a scheme and step) has its own stream of
     * seeds, derived from the base seed, so that no two runs of the study share random numbers and adding a
     * step leaves the others' seeds unchanged.
     *
     * @param scheme null for the exact arm
     */
    public static long seed(long baseSeed, long n, Scheme scheme, double h, int replica) {
        long arm = scheme == null ? 0 : ReplicaSeeds.mix((scheme.ordinal() + 1L) ^ Double.doubleToLongBits(h));
        return ReplicaSeeds.of(ReplicaSeeds.mix(baseSeed ^ arm) >>> 1, n, replica);
    }

    /**
     * Runs the study; progress lines go to {@code log}.
     *
     * @throws org.balnet.limit.LimitFailure when the limit or the closure cannot be solved
     */
    public static Result run(Config c, PrintWriter log) {
        long started = System.nanoTime();
        Scenario base = c.scenario();
        double every = c.recordEvery();
        InitialPoint initial = InitialPoint.resolve(base);
        LimitModel model = LimitModel.of(base);
        Trajectory limit = new LimitSolver(model).solve(initial.point(), c.tEnd(), every);
        double limitUntil = limit.rows().get(limit.rows().size() - 1).t();
        List<SizeResult> sizes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, c.threads()), r -> {
            Thread t = new Thread(r, "balnet-dt-study");
            t.setDaemon(true);
            return t;
        });
        try {
            for (long n : c.sizes()) {
                sizes.add(size(c, n, initial, model, limit, limitUntil, pool, log));
            }
        } finally {
            pool.shutdownNow();
        }
        List<Check> checks = checks(c, sizes);
        return new Result(c, initial, limit, limitUntil, List.copyOf(sizes), checks,
                (System.nanoTime() - started) * 1e-9);
    }

    private static SizeResult size(Config c, long n, InitialPoint initial, LimitModel model, Trajectory limit,
                                   double limitUntil, ExecutorService pool, PrintWriter log) {
        Trajectory closure = new GaussianClosure(model, n).solve(initial.point(), c.tEnd(), c.recordEvery());
        long t0 = System.nanoTime();
        List<Replica> exact = arm(c, n, null, Double.NaN, initial, Backends.EXACT, pool, log);
        log.printf(Locale.ROOT, "n = %s: %d exact replicas in %.1f s%n", Figures.count(n), exact.size(),
                (System.nanoTime() - t0) * 1e-9);
        log.flush();
        List<StepResult> stepResults = new ArrayList<>();
        for (Scheme scheme : c.schemes()) {
            for (double h : c.steps()) {
                long s0 = System.nanoTime();
                List<Replica> runs;
                try {
                    runs = arm(c, n, scheme, h, initial, c.backend(), pool, log);
                } catch (BadInputException e) {
                    if (e.kind() != InputError.UNSTABLE_STEP) {
                        throw e;
                    }
                    log.printf(Locale.ROOT, "n = %s, %s, h = %s: skipped: %s%n", Figures.count(n), scheme.key,
                            Validation.fmt(h), e.getMessage());
                    log.flush();
                    stepResults.add(new StepResult(scheme, h, List.of(), null, null,
                            "above the explicit scheme's stability bound at n = " + n));
                    continue;
                }
                stepResults.add(new StepResult(scheme, h, runs, null, null, ""));
                log.printf(Locale.ROOT, "n = %s, %s, h = %s: %d replicas in %.1f s%n", Figures.count(n), scheme.key,
                        Validation.fmt(h), runs.size(), (System.nanoTime() - s0) * 1e-9);
                log.flush();
            }
        }
        Measured m = measure(c, n, exact, stepResults, c.from(), limitUntil);
        List<Replica> exactDone = exact.stream().filter(Replica::completed).toList();
        List<StepResult> measured = m.steps();
        List<OrderFit> fits = m.fits();
        Spread limitError = Spread.of(exactDone.stream()
                .mapToDouble(r -> TheoremError.sup(r, limit, c.from(), limitUntil).value()).toArray());
        Spread closureError = Spread.of(exactDone.stream()
                .mapToDouble(r -> TheoremError.sup(r, closure, c.from(), c.tEnd()).value()).toArray());
        List<Advice> advice = new ArrayList<>();
        for (Scheme scheme : c.schemes()) {
            advice.add(advise(c, scheme, measured, fits, limitError.mean(), closureError.mean()));
        }
        return new SizeResult(n, exact, closure, measured, fits, limitError, closureError, advice);
    }

    /** The steps with their measures, and the fits per scheme and quantity. */
    record Measured(List<StepResult> steps, List<OrderFit> fits) {
    }

    /**
     * The replicas of one arm, in replica order; the exact arm when scheme is null. Replica r starts from the
     * exact arm's initial state of replica r.
     */
    private static List<Replica> arm(Config c, long n, Scheme scheme, double h, InitialPoint initial,
                                          String backend, ExecutorService pool, PrintWriter log) {
        int count = c.replicas();
        double[] mean = initial.mean();
        double[] variance = {c.scenario().initial().kE(), c.scenario().initial().kI()};
        Scenario.RunSettings rs = c.scenario().run();
        Scenario sized = c.scenario().withN(n);
        // Refuses an explicit step above its bound (UNSTABLE_STEP) before any replica runs.
        Scenario first = sized.withRun(new Scenario.RunSettings(rs.tEnd(),
                scheme == null ? OptionalDouble.empty() : OptionalDouble.of(h), rs.recordEvery(), 0,
                scheme == null ? rs.scheme() : scheme));
        Backends.step(backend, first, initial.jacobian());
        boolean parallel = Backends.isEventDriven(backend) || backend.equals("cpu") || backend.equals("per-synapse");
        int engineThreads = parallel ? 1 : c.threads();
        List<Future<Replica>> futures = new ArrayList<>();
        List<Replica> runs = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            long seed = seed(c.baseSeed(), n, scheme, h, r);
            Scenario s = first.withRun(new Scenario.RunSettings(rs.tEnd(), first.run().dt(), rs.recordEvery(), seed,
                    first.run().scheme()));
            long pairSeed = seed(c.baseSeed(), n, null, Double.NaN, r);
            int replica = r;
            PrintWriter replicaLog = r == 0 ? log : Replica.QUIET;
            java.util.concurrent.Callable<Replica> task = () -> Replica.simulate(new Replica.Spec(s, initial,
                    backend, c.precision(), Backends.isEventDriven(backend) ? Sampler.NONE : c.sampler(),
                    c.devices(), engineThreads, c.imbalanceLimit(), new long[0],
                    ExactEngine.initialState(pairSeed, (int) n, mean, variance)), replica, replicaLog);
            if (parallel) {
                futures.add(pool.submit(task));
            } else {
                try {
                    runs.add(task.call());
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        for (Future<Replica> f : futures) {
            try {
                runs.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running replicas", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        return runs;
    }

    /**
     * The replica means of v_e, v_i, K_e, K_i per row, [quantity][row], over the completed replicas (weights:
     * how many times each is drawn, by position in the list; null for once each).
     */
    static double[][] means(List<Replica> runs, int rows, int[] weights) {
        double[][] m = new double[4][rows];
        double total = 0;
        for (int r = 0; r < runs.size(); r++) {
            int w = weights == null ? 1 : weights[r];
            if (w == 0 || !runs.get(r).completed()) {
                continue;
            }
            total += w;
            List<TrajectoryRow> run = runs.get(r).rows();
            for (int k = 0; k < rows; k++) {
                TrajectoryRow row = run.get(k);
                m[0][k] += w * row.mean(Population.E);
                m[1][k] += w * row.mean(Population.I);
                m[2][k] += w * row.variance(Population.E);
                m[3][k] += w * row.variance(Population.I);
            }
        }
        for (double[] row : m) {
            for (int k = 0; k < rows; k++) {
                row[k] /= total;
            }
        }
        return m;
    }

    /** The components of each quantity of {@link #QUANTITIES}: v = {v_e, v_i}, K = {K_e, K_i}, sum = all four. */
    static final int[][] COMPONENTS = {{0, 1}, {2, 3}, {0, 1, 2, 3}};

    /**
     * sup over rows k in [first, last] of sum over the quantity's components of |a - b| (a - b - (c - d) when
     * {@code c} is given: the bootstrap noise).
     *
     * @return {value, row}
     */
    static double[] sup(double[][] a, double[][] b, double[][] c, double[][] d, int[] components, int first,
                        int last) {
        double best = -1;
        int at = first;
        for (int k = first; k <= last; k++) {
            double e = 0;
            for (int q : components) {
                double x = a[q][k] - b[q][k];
                if (c != null) {
                    x -= c[q][k] - d[q][k];
                }
                e += Math.abs(x);
            }
            if (e > best) {
                best = e;
                at = k;
            }
        }
        return new double[]{best, at};
    }

    /** Multinomial weights of one bootstrap resample of {@code count} replicas. */
    static int[] resample(SplittableRandom rng, int count) {
        int[] w = new int[count];
        for (int i = 0; i < count; i++) {
            w[rng.nextInt(count)]++;
        }
        return w;
    }

    /**
     * The biases with their floors, over the window and over [0, T], and the fits, from one set of bootstrap
     * resamples of the pairs, shared by all steps (replica r is drawn, or not, in every arm at once).
     */
    static Measured measure(Config c, long n, List<Replica> exact, List<StepResult> steps, double from,
                            double until) {
        int rows = exact.stream().filter(Replica::completed).mapToInt(r -> r.rows().size()).min().orElse(0);
        for (StepResult s : steps) {
            for (Replica r : s.runs()) {
                if (r.completed()) {
                    rows = Math.min(rows, r.rows().size());
                }
            }
        }
        boolean reference = exact.stream().anyMatch(Replica::completed);
        double[] time = reference ? Arrays.copyOf(exact.stream().filter(Replica::completed).findFirst()
                .orElseThrow().column(TrajectoryRow::t), rows) : new double[0];
        int[][] windows = {window(time, from, until), window(time, 0, until)};
        double[][] exactMean = means(exact, rows, null);
        List<double[][]> stepMeans = new ArrayList<>();
        for (StepResult s : steps) {
            stepMeans.add(s.completed() == 0 ? null : means(s.runs(), rows, null));
        }
        int q3 = QUANTITIES.length;
        // [step][window][quantity][resample]
        double[][][][] boot = new double[steps.size()][2][q3][RESAMPLES];
        double[][][][] noise = new double[steps.size()][2][q3][RESAMPLES];
        SplittableRandom rng = new SplittableRandom(c.baseSeed() ^ ReplicaSeeds.mix(n));
        for (int b = 0; b < RESAMPLES; b++) {
            int[] weights = resample(rng, exact.size());
            double[][] ex = reference ? means(exact, rows, weights) : null;
            for (int i = 0; i < steps.size(); i++) {
                if (stepMeans.get(i) == null || ex == null) {
                    continue;
                }
                double[][] m = means(steps.get(i).runs(), rows, weights);
                for (int w = 0; w < 2; w++) {
                    for (int q = 0; q < q3; q++) {
                        boot[i][w][q][b] = sup(m, ex, null, null, COMPONENTS[q], windows[w][0], windows[w][1])[0];
                        noise[i][w][q][b] = sup(m, ex, stepMeans.get(i), exactMean, COMPONENTS[q], windows[w][0],
                                windows[w][1])[0];
                    }
                }
            }
        }
        List<StepResult> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            StepResult s = steps.get(i);
            if (stepMeans.get(i) == null || !reference || rows == 0) {
                out.add(new StepResult(s.scheme(), s.h(), s.runs(), missing(), missing(), s.skipped()));
                continue;
            }
            Measure[][] m = new Measure[2][q3];
            for (int w = 0; w < 2; w++) {
                for (int q = 0; q < q3; q++) {
                    double[] v = sup(stepMeans.get(i), exactMean, null, null, COMPONENTS[q], windows[w][0],
                            windows[w][1]);
                    double[] ns = noise[i][w][q].clone();
                    Arrays.sort(ns);
                    m[w][q] = new Measure(v[0], time[(int) v[1]], PowerLawFit.quantile(ns, NOISE_QUANTILE));
                }
            }
            out.add(new StepResult(s.scheme(), s.h(), s.runs(), m[0], m[1], s.skipped()));
        }
        List<OrderFit> fits = new ArrayList<>();
        for (Scheme scheme : c.schemes()) {
            for (int q = 0; q < q3; q++) {
                fits.add(fit(scheme, q, out, boot));
            }
        }
        return new Measured(List.copyOf(out), List.copyOf(fits));
    }

    private static Measure[] missing() {
        Measure[] m = new Measure[QUANTITIES.length];
        Arrays.fill(m, new Measure(Double.NaN, Double.NaN, Double.NaN));
        return m;
    }

    /** First and last row index with from &le; t &le; until. */
    static int[] window(double[] time, double from, double until) {
        double slack = 1e-9 * Math.max(1, until);
        int first = -1;
        int last = -1;
        for (int k = 0; k < time.length; k++) {
            if (time[k] >= from - slack && time[k] <= until + slack) {
                if (first < 0) {
                    first = k;
                }
                last = k;
            }
        }
        return new int[]{Math.max(first, 0), last};
    }

    /** OLS of ln B on ln h over the resolved steps of one scheme (window measures); intervals from the resamples. */
    private static OrderFit fit(Scheme scheme, int q, List<StepResult> steps, double[][][][] boot) {
        List<Integer> use = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            StepResult s = steps.get(i);
            if (s.scheme() == scheme && s.ran() && s.window()[q].resolved()) {
                use.add(i);
            }
        }
        double[] h = use.stream().mapToDouble(i -> steps.get(i).h()).toArray();
        if (Arrays.stream(h).distinct().count() < 2) {
            return new OrderFit(scheme, QUANTITIES[q], Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, h, new double[0][]);
        }
        double[] x = PowerLawFit.logs(h);
        double[] y = use.stream().mapToDouble(i -> Math.log(steps.get(i).window()[q].value())).toArray();
        double[] line = PowerLawFit.line(x, y);
        double[] orders = new double[RESAMPLES];
        double[] constants = new double[RESAMPLES];
        double[][] pairs = new double[RESAMPLES][];
        double[] yb = new double[use.size()];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int j = 0; j < use.size(); j++) {
                yb[j] = Math.log(boot[use.get(j)][0][q][b]);
            }
            double[] l = PowerLawFit.line(x, yb);
            orders[b] = l[0];
            constants[b] = Math.exp(l[1]);
            pairs[b] = new double[]{orders[b], constants[b]};
        }
        Arrays.sort(orders);
        Arrays.sort(constants);
        return new OrderFit(scheme, QUANTITIES[q], line[0], PowerLawFit.quantile(orders, 0.025),
                PowerLawFit.quantile(orders, 0.975), Math.exp(line[1]), PowerLawFit.quantile(constants, 0.025),
                PowerLawFit.quantile(constants, 0.975), h, pairs);
    }

    private static Advice advise(Config c, Scheme scheme, List<StepResult> steps, List<OrderFit> fits,
                                 double limitError, double closureError) {
        double target = c.share() * limitError;
        int sum = QUANTITIES.length - 1;
        double largest = Double.NaN;
        double smallestFloor = Double.POSITIVE_INFINITY;
        for (StepResult s : steps) {
            if (s.scheme() != scheme || !s.ran() || Double.isNaN(s.window()[sum].high())) {
                continue;
            }
            smallestFloor = Math.min(smallestFloor, s.window()[sum].noise());
            if (s.window()[sum].high() < target && !(s.h() <= largest)) {
                largest = s.h();
            }
        }
        OrderFit f = fits.stream().filter(x -> x.scheme() == scheme && x.quantity().equals("sum")).findFirst()
                .orElseThrow();
        double fitted = f.fitted() ? f.stepFor(target) : Double.NaN;
        double[] range = f.fitted() ? f.stepRange(target) : new double[]{Double.NaN, Double.NaN};
        double lo = range[0];
        double hi = range[1];
        String share = String.format(Locale.ROOT, "%.0f%%", 100 * c.share());
        StringBuilder text = new StringBuilder();
        if (!Double.isNaN(largest)) {
            text.append(String.format(Locale.ROOT, "%s: h <= %s keeps the time step's bias below %s of the finite-n "
                            + "error (%.4g against the limit, so below %.3g; %.1f%% of the error against the closure, "
                            + "%.4g)", scheme.key, Validation.fmt(largest), share, limitError, target,
                    100 * target / closureError, closureError));
        } else {
            text.append(String.format(Locale.ROOT, "%s: no measured step keeps the bias provably below %s of the "
                    + "finite-n error (%.3g)", scheme.key, share, target));
            if (smallestFloor > target) {
                text.append(String.format(Locale.ROOT, "; the replica noise floor, %.3g at best, is above it: more "
                        + "replicas are needed to tell", smallestFloor));
            }
        }
        if (!Double.isNaN(fitted)) {
            text.append(String.format(Locale.ROOT, "; the fit B = %.3g h^%.2f reaches it at h = %.3g", f.constant(),
                    f.order(), fitted));
            if (!Double.isNaN(lo)) {
                text.append(String.format(Locale.ROOT, " (95%% bootstrap interval %.3g to %.3g)", lo, hi));
            }
        }
        return new Advice(scheme, target, largest, fitted, lo, hi, text.toString());
    }

    static List<Check> checks(Config c, List<SizeResult> sizes) {
        List<Check> checks = new ArrayList<>();
        long total = 0;
        long completed = 0;
        for (SizeResult s : sizes) {
            total += s.exact().size();
            completed += s.exactCompleted();
            for (StepResult st : s.steps()) {
                total += st.runs().size();
                completed += st.completed();
            }
        }
        checks.add(new Check("every run reached T in the balanced state", completed + " of " + total + " runs",
                "all " + total, completed == total,
                "a run that left the balanced state has no bias to measure"));
        for (SizeResult s : sizes) {
            for (Scheme scheme : c.schemes()) {
                OrderFit f = s.fit(scheme, "sum");
                String name = String.format(Locale.ROOT, "n = %s, %s: the bias falls as h shrinks (order p of "
                        + "B = C h^p)", Figures.count(s.n()), scheme.key);
                if (!f.fitted()) {
                    long resolved = s.steps().stream().filter(x -> x.scheme() == scheme && x.ran()
                            && x.window()[2].resolved()).count();
                    checks.add(new Check(name, resolved == 0 ? "below the noise floor at every step"
                            : "resolved at one step only: no order to fit", "p >= " + MIN_ORDER
                            + " where measurable", true, "fewer than two steps with a bias above "
                            + Validation.fmt(RESOLVED_FACTOR) + " noise floors: the bias is not measurable here"));
                } else {
                    checks.add(new Check(name, String.format(Locale.ROOT, "p = %.2f, 95%% CI [%.2f, %.2f]", f.order(),
                            f.orderLow(), f.orderHigh()), "p >= " + MIN_ORDER, f.order() >= MIN_ORDER,
                            "both schemes are first order in h (balnet's docs/design.md, section 3); a bias that does "
                                    + "not fall with h would be a defect of the scheme, not noise"));
                }
            }
        }
        return List.copyOf(checks);
    }
}
