package org.balnet.sim.exact;

import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.SourceRates;
import org.balnet.sim.StateBins;
import org.balnet.sim.StepPlan;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The exact backend: an event-driven simulation of the continuous-time network (2.1)-(2.3), exact in
 * law up to the generator's 52-bit uniforms and double rounding. There is no time step: every spike
 * of every synapse happens at its own time, and between spikes every state decays exactly. The
 * driver's "step" is one record interval [t_k, t_k + h], at whose end every state is brought to
 * t_k + h, so the observables there are those of the continuous-time network at that time.
 * docs/exact.md derives the method and its cost.
 *
 * <h2>Method: thinning by state buckets</h2>
 * Synapse (beta, k) -&gt; (alpha, j) fires at rate f_{alpha beta}(u_beta^k(t)), whatever j is, and a
 * spike moves u_alpha^j by s_beta C_{alpha beta} / sqrt(n). Since the rates are bounded, the spikes can
 * be drawn by thinning (Lewis and Shedler, Naval Res. Logist. Quart. 26, 1979; Ogata, IEEE Trans.
 * Inf. Theory 27, 1981) from candidates of a larger, piecewise constant rate. Here each source k
 * proposes candidates at rate n W_b, where b is its <em>bucket</em>, a range of states such that over
 * the current epoch (a sub-interval of the step) f_{e beta} + f_{i beta} stays below W_b for every
 * neuron in it; a candidate of k at time t becomes a spike onto target population alpha with
 * probability f_{alpha beta}(u_beta^k(t)) / W_b, onto a target j drawn uniformly. So every synapse fires
 * at exactly its rate. The buckets make W_b nearly the rate itself, so most candidates become spikes
 * (a single bound sup f for all sources would waste three candidates in four on the paper's scenarios),
 * and a lower bound L_b of the rates in the bucket decides most candidates without evaluating f
 * (a squeeze): below L_b the spike happens whatever member of the bucket proposed it.
 *
 * <p>States are stored as w = u e^{(t - t_E)/tau}, constant between spikes, where t_E is the epoch's
 * start; u at any time in the epoch is then one multiplication, and at the epoch's end every w is
 * brought back to u. Bucket weights are integers (units of {@link #unit}), so the choice of a bucket
 * in proportion to its weight ({@link WeightTree}) is exact after any number of updates. Random
 * numbers: {@link EventRng}, one address per candidate, so a run is reproducible from its seed and a
 * resumed run is the uninterrupted one.
 *
 * <p>Cost: O(1) per candidate plus O(log buckets) for the bucket choice, and O(n) per epoch. Candidates
 * per unit time are about n^2 sum_{alpha beta} Q_{alpha beta} (the spikes) times a few percent, so a
 * run to time T costs about n^2 T times the constant measured in docs/exact.md; the largest n is
 * {@link #MAX_N}. Single-threaded: the events of a network happen in one order.
 */
public final class ExactEngine implements Engine {
    /**
     * Largest n per population. The work grows like n^2: mv-6.1 to T = 5 at n = 20000 is about 4e9 spikes,
     * about 8 minutes on one core of the development machine (docs/exact.md, "Cost").
     */
    public static final long MAX_N = 20_000;
    /**
     * Cost of one spike on mv-6.1, in nanoseconds, for the refusal message: 110 to 135 measured as thread CPU
     * time at n = 2000 on the shared development machine (docs/exact.md, "Cost").
     */
    static final double NANOSECONDS_PER_SPIKE = 120;
    /** Regular buckets per source population, between the two open-ended ones. */
    static final int BUCKETS = 64;
    /** Leaves of the weight tree per population: the regular buckets, one below and one above. */
    private static final int SLOTS = BUCKETS + 2;
    /**
     * Longest epoch, as a fraction of the shortest tau: over an epoch a state may decay by this fraction
     * of itself, which widens every bucket's range of states by about that much (at |u| ~ 5, 0.05 against
     * bucket widths near 0.1).
     */
    static final double EPOCH_FRACTION_OF_TAU = 0.01;
    /** The bucket range extends beyond the states by this many of the largest spikes on each side. */
    static final double MARGIN_SPIKES = 4;
    /** ... and by this fraction of the states' spread. */
    static final double MARGIN_FRACTION = 0.02;
    /** Resolution of the integer weights: the largest weight is about 2^UNIT_BITS units. */
    static final int UNIT_BITS = 30;
    /**
     * Relative widening of every bound and narrowing of every squeeze, against rounding in the bucket
     * edges and in u = w e^{-(t - t_E)/tau} (1e-16 relative), so that the bounds stay bounds.
     */
    static final double BOUND_SLACK = 1e-9;
    /**
     * Absolute widening, as a fraction of sup f: the computed rates are accurate to 4 eps a (1 + |b|)
     * absolute ({@link SourceRates}), which is not small relative to f where f is near 0.
     */
    static final double ABSOLUTE_SLACK = 1e-12;
    private static final Population[] POPULATIONS = Population.values();

    private final Scenario scenario;
    private final int n;
    private final double interval;
    private final int epochsPerStep;
    /** f_{e beta}, f_{i beta} of each source population beta, as every backend evaluates them. */
    private final SourceRates[] rates = new SourceRates[2];
    private final RateFunction[][] rateFunctions = new RateFunction[2][2];
    private final double[] tau = new double[2];
    /** s_beta C_{alpha beta} / sqrt(n), [target][source]. */
    private final double[][] spike = new double[2][2];
    /** One unit of the integer weights, in rate units. */
    private final double unit;
    private final EventRng rng;

    /** w = u e^{(t - t_E)/tau}, [population][neuron]; at a step boundary w = u. */
    private final double[][] w;
    /** Neurons sorted by bucket: bucket b of population p holds order[p][start[p][b] .. start[p][b + 1]). */
    private final int[][] order;
    /** Where each neuron is in order: order[p][position[p][j]] = j. */
    private final int[][] position;
    private final int[][] start = new int[2][SLOTS + 1];
    /** Bucket edges of the epoch: buckets 1 .. BUCKETS divide [low, low + BUCKETS / inverseWidth). */
    private final double[] low = new double[2];
    private final double[] width = new double[2];
    private final double[] inverseWidth = new double[2];
    /** W_b in units, [source][bucket]. */
    private final long[][] units = new long[2][SLOTS];
    /** Upper bound of f_{alpha beta} in bucket b over the epoch, [source][target][bucket]. */
    private final double[][][] bound = new double[2][2][SLOTS];
    /** Lower bound (squeeze) of f_{alpha beta} in bucket b over the epoch, [source][target][bucket]. */
    private final double[][][] squeeze = new double[2][2][SLOTS];
    private final WeightTree tree = new WeightTree(2 * SLOTS);
    private final long[] leafWeights = new long[2 * SLOTS];
    private final double[] flat = new double[PopulationSums.WIDTH];

    private long candidates;
    private long spikes;
    private long rateEvaluations;

    /**
     * @param scenario the network (n, tau, couplings, rates)
     * @param seed     RNG key
     * @param interval the driver's step h: the length of the interval one {@link #step} simulates
     * @throws org.balnet.model.BadInputException (TOO_LARGE) for n above {@link #MAX_N}
     */
    public ExactEngine(Scenario scenario, long seed, double interval) {
        if (scenario.n() > MAX_N) {
            throw tooLarge(scenario);
        }
        if (!(interval > 0) || Double.isInfinite(interval)) {
            throw new IllegalArgumentException("interval = " + interval + ": must be a finite number > 0");
        }
        this.scenario = scenario;
        this.n = (int) scenario.n();
        this.interval = interval;
        this.rng = new EventRng(seed);
        double sqrtN = Math.sqrt(n);
        double widest = 0;
        for (Population beta : Population.values()) {
            rates[beta.index()] = SourceRates.of(scenario, beta);
            tau[beta.index()] = scenario.tau(beta);
            double sum = 0;
            for (Population alpha : Population.values()) {
                RateFunction f = scenario.rate(alpha, beta);
                rateFunctions[alpha.index()][beta.index()] = f;
                spike[alpha.index()][beta.index()] = beta.sign * scenario.coupling(alpha, beta) / sqrtN;
                sum += f.bound();
            }
            widest = Math.max(widest, sum);
        }
        this.unit = widest * (1 + 4 * BOUND_SLACK) * Math.scalb(1.0, -UNIT_BITS);
        double tauMin = Math.min(tau[0], tau[1]);
        this.epochsPerStep = (int) Math.max(1, Math.ceil(interval / (EPOCH_FRACTION_OF_TAU * tauMin) * (1 - 1e-12)));
        this.w = new double[2][n];
        this.order = new int[2][n];
        this.position = new int[2][n];
    }

    private static RuntimeException tooLarge(Scenario s) {
        double n = s.n();
        double supSum = 0;
        for (Population a : Population.values()) {
            for (Population b : Population.values()) {
                supSum += s.rate(a, b).bound();
            }
        }
        double perUnitTime = n * n * supSum;
        return InputError.TOO_LARGE.exception("--n", String.format(Locale.ROOT,
                "n = %d per population is above %d for --backend exact: it simulates every spike, up to "
                        + "n^2 sum_ab sup f_ab = %.3g per unit of time here, about %.0f s of computing per unit of "
                        + "time at %.0f ns per spike (the cost grows like n^2); use --backend cpu or opencl for "
                        + "larger networks", s.n(), MAX_N, perUnitTime,
                perUnitTime * NANOSECONDS_PER_SPIKE * 1e-9, NANOSECONDS_PER_SPIKE));
    }

    @Override
    public String backend() {
        return "exact";
    }

    @Override
    public String device() {
        return "Java " + System.getProperty("java.version") + ", 1 thread (events in time order)";
    }

    @Override
    public Precision precision() {
        return Precision.FP64;
    }

    /** {@link Sampler#NONE}: the events are drawn one by one by thinning, never as Poisson counts. */
    @Override
    public Sampler sampler() {
        return Sampler.NONE;
    }

    @Override
    public long n() {
        return n;
    }

    @Override
    public boolean eventDriven() {
        return true;
    }

    @Override
    public Map<String, Object> counters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidates", candidates);
        m.put("spikes", spikes);
        m.put("rate_evaluations", rateEvaluations);
        return m;
    }

    @Override
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        double[][] u = initialState(rng, n, mean, variance);
        System.arraycopy(u[0], 0, w[0], 0, n);
        System.arraycopy(u[1], 0, w[1], 0, n);
        return sums(mean);
    }

    /**
     * The initial state (6.5)-(6.6) this backend draws for a seed: u_p^j = m_p + sqrt(k_p) z_p^j, z from the
     * initial-state addresses of {@link EventRng}. A study that pairs runs of several backends gives all of
     * them this state ({@code validate --dt-study}).
     *
     * @return [population][neuron]
     */
    public static double[][] initialState(long seed, int n, double[] mean, double[] variance) {
        return initialState(new EventRng(seed), n, mean, variance);
    }

    private static double[][] initialState(EventRng rng, int n, double[] mean, double[] variance) {
        double[][] u = new double[2][n];
        for (int p = 0; p < 2; p++) {
            double sd = Math.sqrt(variance[p]);
            for (int j = 0; j < n; j++) {
                u[p][j] = mean[p] + sd * rng.initialNormal(p, j);
            }
        }
        return u;
    }

    /**
     * Simulates [t_k, t_k + h] for k = {@code plan.step}; only the plan's step number and centre are used
     * (its lambda, decay and shift belong to the tau-leaped engines).
     */
    @Override
    public PopulationSums[] step(StepPlan plan) {
        long candidate = 0;
        double epoch = interval / epochsPerStep;
        for (int m = 0; m < epochsPerStep; m++) {
            double length = m == epochsPerStep - 1 ? interval - m * epoch : epoch;
            prepareEpoch(length);
            candidate = runEpoch(plan.step, candidate, length);
            for (int p = 0; p < 2; p++) {
                double decay = Math.exp(-length / tau[p]);
                double[] wp = w[p];
                for (int j = 0; j < n; j++) {
                    wp[j] *= decay;
                }
            }
        }
        return sums(plan.centre);
    }

    /**
     * The candidates of one epoch of the given length, from its start (local time 0) to its end.
     *
     * @return the number of the next candidate of this step
     */
    private long runEpoch(long step, long candidate, double length) {
        double s = 0;
        double nUnit = n * unit;
        while (true) {
            rng.candidate(step, candidate++);
            // A wait past the epoch's end is dropped: by memorylessness, the candidates after it are a
            // fresh Poisson process at the next epoch's rate.
            s += -Math.log(CounterRng.toUniform(rng.waitWord())) / (nUnit * tree.total());
            if (!(s < length)) {
                assert bucketsConsistent() : "bucket bookkeeping broken at the end of an epoch of step " + step;
                return candidate;
            }
            candidates++;
            int leaf = tree.find(rng.below(rng.selectWord(), tree.total()));
            int beta = leaf / SLOTS;
            int b = leaf - beta * SLOTS;
            double y = CounterRng.toUniform(rng.fractionWord()) * (units[beta][b] * unit);
            // Levels [0, B_e) lead to target population e, [B_e, B_e + B_i) to i, the rest is rejected.
            double boundE = bound[beta][0][b];
            int alpha;
            double level;
            if (y < boundE) {
                alpha = 0;
                level = y;
            } else if (y < boundE + bound[beta][1][b]) {
                alpha = 1;
                level = y - boundE;
            } else {
                continue;
            }
            if (!(level < squeeze[beta][alpha][b])) {
                // Between the squeeze and the bound the member that proposed the candidate decides.
                long member = tree.residual() / units[beta][b];
                int k = order[beta][start[beta][b] + (int) member];
                double u = w[beta][k] * Math.exp(-s / tau[beta]);
                double f = rates[beta].value(POPULATIONS[alpha], u);
                rateEvaluations++;
                if (!(f <= bound[beta][alpha][b]) || !(f >= squeeze[beta][alpha][b])) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "exact backend: f_%s(%s) = %s "
                                    + "outside its bucket's bounds [%s, %s] (bucket %d): a bug", pair(alpha, beta),
                            u, f, squeeze[beta][alpha][b], bound[beta][alpha][b], b));
                }
                if (!(level < f)) {
                    continue;
                }
            }
            spikes++;
            int j = (int) rng.below(rng.targetWord(), n);
            double before = w[alpha][j];
            double after = before + spike[alpha][beta] * Math.exp(s / tau[alpha]);
            w[alpha][j] = after;
            int from = bucketOf(alpha, before);
            int to = bucketOf(alpha, after);
            if (from != to) {
                move(alpha, j, from, to);
            }
        }
    }

    private static String pair(int alpha, int beta) {
        return Population.pair(Population.values()[alpha], Population.values()[beta]);
    }

    /** The bucket of a neuron of population p with rescaled state x: 0 below the range, SLOTS - 1 above. */
    private int bucketOf(int p, double x) {
        double r = (x - low[p]) * inverseWidth[p];
        if (!(r >= 0)) {
            return 0;
        }
        if (r >= BUCKETS) {
            return SLOTS - 1;
        }
        return 1 + (int) r;
    }

    /**
     * Buckets, bounds, squeezes and weights for an epoch of the given length starting now (every w is
     * the state u at the epoch's start).
     */
    private void prepareEpoch(double length) {
        for (int p = 0; p < 2; p++) {
            double[] wp = w[p];
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                min = Math.min(min, wp[j]);
                max = Math.max(max, wp[j]);
            }
            double largestSpike = Math.max(Math.abs(spike[p][0]), Math.abs(spike[p][1]));
            double margin = MARGIN_FRACTION * (max - min) + MARGIN_SPIKES * largestSpike;
            // A network with no spread and no couplings still needs buckets of positive width.
            margin = Math.max(margin, 1e-6 * (1 + Math.abs(max)));
            low[p] = min - margin;
            width[p] = (max - min + 2 * margin) / BUCKETS;
            inverseWidth[p] = 1 / width[p];
            boundsOfBuckets(p, length);
            sortIntoBuckets(p);
        }
        for (int p = 0; p < 2; p++) {
            for (int b = 0; b < SLOTS; b++) {
                leafWeights[p * SLOTS + b] = (start[p][b + 1] - start[p][b]) * units[p][b];
            }
        }
        tree.reset(leafWeights);
    }

    /** Bounds and squeezes of f_{e p} and f_{i p} in each bucket of source population p over the epoch. */
    private void boundsOfBuckets(int p, double length) {
        double shrink = Math.exp(-length / tau[p]);
        double lo = low[p];
        double hi = lo + BUCKETS * width[p];
        // Covers the rounding of r = (x - low) / width in bucketOf: a state placed in bucket b lies
        // within this distance of the bucket's nominal range.
        double slack = 1e-12 * (Math.abs(lo) + Math.abs(hi) + width[p]);
        for (int b = 0; b < SLOTS; b++) {
            double lower = b == 0 ? Double.NEGATIVE_INFINITY : lo + (b - 1) * width[p] - slack;
            double upper = b == SLOTS - 1 ? Double.POSITIVE_INFINITY : lo + b * width[p] + slack;
            // u = w e^{-(t - t_E)/tau} with the factor in [shrink, 1]: a negative state rises towards 0,
            // a positive one falls towards it.
            double uMax = upper >= 0 ? upper : upper * shrink;
            double uMin = lower >= 0 ? lower * shrink : lower;
            double total = 0;
            for (int alpha = 0; alpha < 2; alpha++) {
                RateFunction f = rateFunctions[alpha][p];
                double high = uMax == Double.POSITIVE_INFINITY ? f.bound()
                        : rates[p].value(POPULATIONS[alpha], uMax);
                double least = uMin == Double.NEGATIVE_INFINITY ? f.lowerBound()
                        : rates[p].value(POPULATIONS[alpha], uMin);
                bound[p][alpha][b] = high * (1 + BOUND_SLACK) + ABSOLUTE_SLACK * f.bound();
                squeeze[p][alpha][b] = least * (1 - BOUND_SLACK) - ABSOLUTE_SLACK * f.bound();
                total += bound[p][alpha][b];
            }
            units[p][b] = (long) Math.ceil(total / unit);
        }
    }

    /** Counting sort of population p's neurons into their buckets. */
    private void sortIntoBuckets(int p) {
        int[] s = start[p];
        java.util.Arrays.fill(s, 0);
        double[] wp = w[p];
        for (int j = 0; j < n; j++) {
            s[bucketOf(p, wp[j]) + 1]++;
        }
        for (int b = 0; b < SLOTS; b++) {
            s[b + 1] += s[b];
        }
        int[] next = new int[SLOTS];
        System.arraycopy(s, 0, next, 0, SLOTS);
        int[] o = order[p];
        int[] pos = position[p];
        for (int j = 0; j < n; j++) {
            int at = next[bucketOf(p, wp[j])]++;
            o[at] = j;
            pos[j] = at;
        }
    }

    /**
     * Moves neuron j of population p from bucket {@code from} to bucket {@code to}, one neighbouring
     * bucket at a time: each move swaps it to the edge of its bucket and shifts the edge past it.
     */
    private void move(int p, int j, int from, int to) {
        int[] s = start[p];
        int at = position[p][j];
        tree.add(p * SLOTS + from, -units[p][from]);
        tree.add(p * SLOTS + to, units[p][to]);
        while (from < to) {
            int last = s[from + 1] - 1;
            swap(p, at, last);
            at = last;
            s[from + 1]--;
            from++;
        }
        while (from > to) {
            int first = s[from];
            swap(p, at, first);
            at = first;
            s[from]++;
            from--;
        }
    }

    /**
     * Every neuron listed in the bucket its state belongs to, positions inverse to the order, and the tree's
     * weights equal to members times units (checked with assertions enabled, as in the tests).
     */
    private boolean bucketsConsistent() {
        long total = 0;
        for (int p = 0; p < 2; p++) {
            for (int b = 0; b < SLOTS; b++) {
                for (int i = start[p][b]; i < start[p][b + 1]; i++) {
                    int j = order[p][i];
                    if (position[p][j] != i || bucketOf(p, w[p][j]) != b) {
                        return false;
                    }
                }
                total += (start[p][b + 1] - start[p][b]) * units[p][b];
            }
        }
        return total == tree.total() && start[0][SLOTS] == n && start[1][SLOTS] == n;
    }

    private void swap(int p, int a, int b) {
        int[] o = order[p];
        int x = o[a];
        int y = o[b];
        o[a] = y;
        o[b] = x;
        position[p][x] = b;
        position[p][y] = a;
    }

    /** The population sums of the current state (every w equal to u: called at step boundaries). */
    private PopulationSums[] sums(double[] centre) {
        PopulationSums[] out = {new PopulationSums(), new PopulationSums()};
        for (int p = 0; p < 2; p++) {
            java.util.Arrays.fill(flat, 0.0);
            double c = centre[p];
            double[] wp = w[p];
            for (int j = 0; j < n; j++) {
                double u = wp[j];
                double d = u - c;
                flat[PopulationSums.SUM] += d;
                flat[PopulationSums.SUM_SQ] += d * d;
                rates[p].accumulate(flat, u);
            }
            out[p].addFlat(flat, 0, n);
        }
        return out;
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        checkRange(from, length);
        System.arraycopy(w[population.index()], (int) from, dst, 0, length);
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        checkRange(from, length);
        System.arraycopy(src, 0, w[population.index()], (int) from, length);
    }

    @Override
    public long[] histogram(Population population, double lo, double hi, int bins) {
        return StateBins.count(w[population.index()], lo, hi, bins);
    }

    private void checkRange(long from, int length) {
        if (from < 0 || length < 0 || from + length > n) {
            throw new IndexOutOfBoundsException("neurons [" + from + ", " + (from + length) + ") of " + n);
        }
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }
}
