package org.balnet.sim.cpu;

import org.balnet.io.Sizes;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.StateBins;
import org.balnet.sim.StepPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pure-Java backend: states in {@code double[]} (fp64) or {@code float[]} (fp32), the per-neuron
 * loop spread over a fixed pool of threads. Work is cut into chunks of {@link #CHUNK} neurons fixed by
 * n, each chunk's partial sums are kept apart and added in chunk order, so results are bit-for-bit the
 * same on any number of threads. Memory is the state plus 96 bytes per chunk.
 *
 * <p>A batch ({@link #batch}) holds R replicas of the network, each with its own seed, state, tables and
 * partial sums; a step of the batch is one pass of the pool over tasks (replica, population, chunk), and each
 * replica's chunks are the chunks and sums of that replica run alone, so its results are the same bit for
 * bit ({@link EngineBatch}). An engine of one replica is used directly as an {@link Engine}.
 */
public class CpuEngine implements Engine, EngineBatch {
    /** Neurons per reduction chunk (a multiple of every OpenCL work-group size we use). */
    public static final int CHUNK = 4096;
    /** Neurons per storage array; Java arrays stop at 2^31, n may not. A multiple of CHUNK. */
    static final int SEGMENT = 1 << 26;
    private static final int CHUNKS_PER_SEGMENT = SEGMENT / CHUNK;
    /** Headroom kept free on the heap beyond the state and partial sums. */
    private static final long HEAP_MARGIN = 64L << 20;

    protected final Scenario scenario;
    protected final long n;
    private final Precision precision;
    private final int threads;
    /** The seed of replica 0 (of the engine, when it has one replica). */
    protected final long seed;
    /** The RNG key of each replica. */
    private final long[] seeds;
    private final Sampler sampler;
    private final RateTable rates;
    /** [replica][population][segment][index] for fp64, or null. */
    private final double[][][][] states64;
    /** [replica][population][segment][index] for fp32, or null. */
    private final float[][][][] states32;
    private final int chunksPerPopulation;
    /** Partial sums, flat: (((replica * 2 + population) * chunksPerPopulation) + chunk) * WIDTH. */
    private final double[] partials;
    private final ExecutorService pool;

    /** An engine with the default sampler ({@link Sampler#DEFAULT}). */
    public CpuEngine(Scenario scenario, Precision precision, long seed, int threads) {
        this(scenario, precision, seed, threads, Sampler.DEFAULT);
    }

    /**
     * @param scenario  the network (n, couplings, rates)
     * @param precision state precision
     * @param seed      RNG key
     * @param threads   worker threads (1 = run in the caller's thread)
     * @param sampler   how the spike counts are drawn
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when the heap cannot hold the state
     */
    public CpuEngine(Scenario scenario, Precision precision, long seed, int threads, Sampler sampler) {
        this(scenario, precision, new long[]{seed}, threads, sampler);
    }

    /**
     * A batch of replicas of one network, replica r keyed by {@code seeds[r]}: each replica's results are
     * those of {@code new CpuEngine(scenario, precision, seeds[r], threads, sampler)} alone.
     *
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when the heap cannot hold the states of all the
     *                                            replicas
     */
    public static CpuEngine batch(Scenario scenario, Precision precision, long[] seeds, int threads,
                                  Sampler sampler) {
        return new CpuEngine(scenario, precision, seeds, threads, sampler);
    }

    private CpuEngine(Scenario scenario, Precision precision, long[] seeds, int threads, Sampler sampler) {
        if (seeds.length < 1) {
            throw InputError.outOfRange("--replicas", seeds.length, ">= 1");
        }
        if (threads < 1) {
            throw InputError.outOfRange("--threads", threads, ">= 1");
        }
        this.scenario = scenario;
        this.n = scenario.n();
        this.precision = precision;
        this.seeds = seeds.clone();
        this.seed = seeds[0];
        this.sampler = sampler;
        this.threads = threads;
        this.rates = new RateTable(scenario);
        int replicas = seeds.length;
        long chunks = (n + CHUNK - 1) / CHUNK;
        checkHeap(n, precision, chunks, replicas);
        this.chunksPerPopulation = (int) chunks;
        this.partials = new double[replicas * 2 * chunksPerPopulation * PopulationSums.WIDTH];
        int segments = (int) ((n + SEGMENT - 1) / SEGMENT);
        if (precision == Precision.FP64) {
            states64 = new double[replicas][2][segments][];
            states32 = null;
        } else {
            states32 = new float[replicas][2][segments][];
            states64 = null;
        }
        for (int r = 0; r < replicas; r++) {
            for (int p = 0; p < 2; p++) {
                for (int s = 0; s < segments; s++) {
                    int len = (int) Math.min(SEGMENT, n - (long) s * SEGMENT);
                    if (precision == Precision.FP64) {
                        states64[r][p][s] = new double[len];
                    } else {
                        states32[r][p][s] = new float[len];
                    }
                }
            }
        }
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "balnet-cpu");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Bytes the engine allocates for n neurons per population. */
    public static long bytesNeeded(long n, Precision precision) {
        return bytesNeeded(n, precision, 1);
    }

    /** Bytes a batch of {@code replicas} networks of n neurons per population allocates. */
    public static long bytesNeeded(long n, Precision precision, int replicas) {
        long chunks = (n + CHUNK - 1) / CHUNK;
        return replicas * (2 * n * precision.bytes + 2 * chunks * PopulationSums.WIDTH * Double.BYTES);
    }

    /** Heap free for a new engine now: the largest heap less what is in use and the margin kept free. */
    public static long heapAvailable() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) - HEAP_MARGIN;
    }

    private static void checkHeap(long n, Precision precision, long chunks, int replicas) {
        long needed = bytesNeeded(n, precision, replicas);
        long available = heapAvailable() + HEAP_MARGIN;
        if (chunks > Integer.MAX_VALUE / (2L * replicas * PopulationSums.WIDTH) || needed + HEAP_MARGIN > available) {
            String alt = precision == Precision.FP64
                    ? String.format(Locale.ROOT, "; fp32 would need %s",
                    Sizes.bytes(bytesNeeded(n, Precision.FP32, replicas)))
                    : "";
            String what = replicas == 1 ? String.format(Locale.ROOT, "n = %d per population", n)
                    : String.format(Locale.ROOT, "--replicas %d of n = %d per population", replicas, n);
            String fewer = replicas == 1 ? "" : "fewer --replicas, ";
            throw InputError.TOO_LARGE.exception(replicas == 1 ? "--n" : "--replicas", String.format(Locale.ROOT,
                    "%s needs %s of Java heap for the %s state, but only %s is available%s; "
                            + "raise the heap (java -Xmx...), %slower --n, or use --backend opencl",
                    what, Sizes.bytes(needed), precision.key, Sizes.bytes(available), alt, fewer));
        }
    }


    @Override
    public String backend() {
        return "cpu";
    }

    @Override
    public boolean eventDriven() {
        return false;
    }

    @Override
    public String device() {
        return "Java " + System.getProperty("java.version") + ", " + threads + " thread" + (threads > 1 ? "s" : "");
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Sampler sampler() {
        return sampler;
    }

    @Override
    public long n() {
        return n;
    }

    public int threads() {
        return threads;
    }

    @Override
    public int replicas() {
        return seeds.length;
    }

    /** Replica r's seed. */
    public long seed(int r) {
        return seeds[r];
    }

    @Override
    public Engine replica(int r) {
        return new EngineBatch.ReplicaView(this, r);
    }

    @Override
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        requireSingle();
        return initialize(new double[][]{mean}, new double[][]{variance})[0];
    }

    @Override
    public PopulationSums[][] initialize(double[][] mean, double[][] variance) {
        double[][] sd = new double[seeds.length][];
        for (int r = 0; r < sd.length; r++) {
            sd[r] = mean[r] == null ? null : new double[]{Math.sqrt(variance[r][0]), Math.sqrt(variance[r][1])};
        }
        return runChunks(mean, (w, r, pop, chunk) -> initChunk(w, r, pop, chunk, mean[r][pop], sd[r][pop]));
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        requireSingle();
        return step(new StepPlan[]{plan})[0];
    }

    @Override
    public PopulationSums[][] step(StepPlan[] plans) {
        // Each replica's four tables, built on the host before the pass (its own lambda).
        PoissonStep[] laws = new PoissonStep[seeds.length];
        for (int r = 0; r < laws.length; r++) {
            laws[r] = plans[r] == null ? null : PoissonStep.prepare(sampler, plans[r].lambda);
        }
        return runChunks(plans, (w, r, pop, chunk) -> stepChunk(w, r, pop, chunk, plans[r], laws[r]));
    }

    private void requireSingle() {
        if (seeds.length != 1) {
            throw new IllegalStateException("a batch of " + seeds.length + " replicas is stepped as a batch "
                    + "(step(StepPlan[])) or one replica at a time through replica(r)");
        }
    }

    /** Per-thread scratch: the RNG streams of the replica at hand and the chunk's sums. */
    protected static final class Worker {
        private final long[] seeds;
        /** Per replica its two generators, made when the worker first meets the replica. */
        private final CounterRng[] firsts;
        private final CounterRng[] seconds;
        /** The current replica's generator. */
        CounterRng rng;
        /** Its second stream: a table draw's escape, or the inhibitory-source count of PTRS. */
        CounterRng second;
        final double[] sums = new double[PopulationSums.WIDTH];
        /** The chunk's counts N_{alpha e}^j, N_{alpha i}^j, j = first + i. */
        final long[] countsE = new long[CHUNK];
        final long[] countsI = new long[CHUNK];

        Worker(long[] seeds) {
            this.seeds = seeds;
            this.firsts = new CounterRng[seeds.length];
            this.seconds = new CounterRng[seeds.length];
        }

        /** Makes replica r's generators current. */
        void use(int r) {
            if (firsts[r] == null) {
                firsts[r] = new CounterRng(seeds[r]);
                seconds[r] = new CounterRng(seeds[r]);
            }
            rng = firsts[r];
            second = seconds[r];
        }
    }

    private interface ChunkTask {
        void run(Worker w, int replica, int population, int chunk);
    }

    /**
     * Runs {@code task} on every chunk of both populations of each replica r whose {@code which[r]} is not
     * null, in one pass of the pool, and returns per replica its sums (chunks added in chunk order).
     */
    private PopulationSums[][] runChunks(Object[] which, ChunkTask task) {
        int[] active = new int[seeds.length];
        int count = 0;
        for (int r = 0; r < seeds.length; r++) {
            if (which[r] != null) {
                active[count++] = r;
            }
        }
        int perReplica = 2 * chunksPerPopulation;
        int total = count * perReplica;
        if (pool == null) {
            Worker w = new Worker(seeds);
            for (int c = 0; c < total; c++) {
                runTask(task, w, active, perReplica, c);
            }
        } else {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    Worker w = new Worker(seeds);
                    for (int c = next.getAndIncrement(); c < total; c = next.getAndIncrement()) {
                        runTask(task, w, active, perReplica, c);
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during a step", e);
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException) {
                        throw (RuntimeException) c;
                    }
                    throw new IllegalStateException(c);
                }
            }
        }
        PopulationSums[][] out = new PopulationSums[seeds.length][];
        for (int a = 0; a < count; a++) {
            int r = active[a];
            out[r] = new PopulationSums[]{new PopulationSums(), new PopulationSums()};
            for (int p = 0; p < 2; p++) {
                for (int c = 0; c < chunksPerPopulation; c++) {
                    out[r][p].addFlat(partials, partialOffset(r, p, c), chunkLength(c));
                }
            }
        }
        return out;
    }

    /** Task c of a pass: replica active[c / perReplica], then population, then chunk. */
    private void runTask(ChunkTask task, Worker w, int[] active, int perReplica, int c) {
        int r = active[c / perReplica];
        int within = c % perReplica;
        w.use(r);
        task.run(w, r, within / chunksPerPopulation, within % chunksPerPopulation);
    }

    private int partialOffset(int replica, int pop, int chunk) {
        return ((replica * 2 + pop) * chunksPerPopulation + chunk) * PopulationSums.WIDTH;
    }

    private int chunkLength(int chunk) {
        return (int) Math.min(CHUNK, n - (long) chunk * CHUNK);
    }

    /** Twin: init_population in kernels/init.cl. */
    private void initChunk(Worker w, int r, int pop, int chunk, double mean, double sd) {
        int stream = pop == 0 ? CounterRng.STREAM_INITIAL_E : CounterRng.STREAM_INITIAL_I;
        int seg = chunk / CHUNKS_PER_SEGMENT;
        int off = (chunk % CHUNKS_PER_SEGMENT) * CHUNK;
        long first = (long) chunk * CHUNK;
        int len = chunkLength(chunk);
        double[] s = w.sums;
        java.util.Arrays.fill(s, 0.0);
        for (int i = 0; i < len; i++) {
            w.rng.seek(0, first + i, stream);
            double u = mean + sd * w.rng.nextNormal();
            u = store(r, pop, seg, off + i, u);
            accumulate(s, pop, u, mean);
        }
        System.arraycopy(s, 0, partials, partialOffset(r, pop, chunk), PopulationSums.WIDTH);
    }

    /** Twin: step_population in kernels/step.cl. */
    private void stepChunk(Worker w, int r, int pop, int chunk, StepPlan plan, PoissonStep laws) {
        int seg = chunk / CHUNKS_PER_SEGMENT;
        int off = (chunk % CHUNKS_PER_SEGMENT) * CHUNK;
        long first = (long) chunk * CHUNK;
        int len = chunkLength(chunk);
        double a = plan.decay[pop];
        double b = plan.halfDecay[pop];
        double delta = plan.shift[pop];
        double centre = plan.centre[pop];
        double lambdaE = plan.lambda[pop][0];
        double lambdaI = plan.lambda[pop][1];
        double weightE = plan.weight[pop][0];
        double weightI = plan.weight[pop][1];
        double[] s = w.sums;
        long[] countsE = w.countsE;
        long[] countsI = w.countsI;
        java.util.Arrays.fill(s, 0.0);
        spikeCounts(w, pop, first, len, plan.step, laws);
        for (int i = 0; i < len; i++) {
            double countE = countsE[i];
            double countI = countsI[i];
            // Centred counts: the common part lambda is in delta, computed once on the host in double.
            double jump = weightE * (countE - lambdaE) + weightI * (countI - lambdaI);
            double u = a * load(r, pop, seg, off + i) + b * jump + delta;
            u = store(r, pop, seg, off + i, u);
            accumulate(s, pop, u, centre);
        }
        System.arraycopy(s, 0, partials, partialOffset(r, pop, chunk), PopulationSums.WIDTH);
    }

    /**
     * The spike counts N_{alpha e}^j and N_{alpha i}^j over the step of neurons j = first .. first +
     * count - 1 into w.countsE, w.countsI: one Poisson draw each by superposition
     * ({@link PoissonStep#drawChunk}). The per-synapse reference engine overrides this with n draws per
     * source.
     */
    protected void spikeCounts(Worker w, int target, long first, int count, long step, PoissonStep laws) {
        laws.drawChunk(w.rng, w.second, step, first, target, count, w.countsE, w.countsI);
    }

    /** Twin: sums_accumulate in kernels/reduce.cl. */
    private void accumulate(double[] s, int pop, double u, double centre) {
        double d = u - centre;
        s[PopulationSums.SUM] += d;
        s[PopulationSums.SUM_SQ] += d * d;
        rates.accumulate(s, pop, u);
    }

    private double load(int r, int pop, int seg, int i) {
        return states64 != null ? states64[r][pop][seg][i] : states32[r][pop][seg][i];
    }

    /**
     * Stores u and returns the stored value (rounded to float in fp32), so sums describe the state held.
     * Twin: state_store in kernels/state.cl.
     */
    private double store(int r, int pop, int seg, int i, double u) {
        if (states64 != null) {
            states64[r][pop][seg][i] = u;
            return u;
        }
        float f = (float) u;
        states32[r][pop][seg][i] = f;
        return f;
    }

    /** The state of neuron j of population p of replica 0 (slow path, for subclasses and tests). */
    protected double state(int pop, long j) {
        return state(0, pop, j);
    }

    private double state(int r, int pop, long j) {
        return load(r, pop, (int) (j / SEGMENT), (int) (j % SEGMENT));
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        requireSingle();
        readState(0, population, from, dst, length);
    }

    @Override
    public void readState(int r, Population population, long from, double[] dst, int length) {
        checkRange(from, length);
        int p = population.index();
        for (int i = 0; i < length; i++) {
            dst[i] = state(r, p, from + i);
        }
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        requireSingle();
        writeState(0, population, from, src, length);
    }

    @Override
    public void writeState(int r, Population population, long from, double[] src, int length) {
        checkRange(from, length);
        int p = population.index();
        for (int i = 0; i < length; i++) {
            long j = from + i;
            store(r, p, (int) (j / SEGMENT), (int) (j % SEGMENT), src[i]);
        }
    }

    @Override
    public long[] histogram(Population population, double lo, double hi, int bins) {
        requireSingle();
        return histogram(0, population, lo, hi, bins);
    }

    /** Twin: histogram_population in kernels/histogram.cl. */
    @Override
    public long[] histogram(int r, Population population, double lo, double hi, int bins) {
        long[] counts = new long[bins + 2];
        double scale = bins / (hi - lo);
        int p = population.index();
        for (long j = 0; j < n; j++) {
            counts[StateBins.slot(state(r, p, j), lo, hi, scale, bins)]++;
        }
        return counts;
    }

    private void checkRange(long from, int length) {
        if (from < 0 || length < 0 || from + length > n) {
            throw new IndexOutOfBoundsException("neurons [" + from + ", " + (from + length) + ") of " + n);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
