package org.balnet.sim.cpu;

import org.balnet.io.Sizes;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
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
 */
public class CpuEngine implements Engine {
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
    protected final long seed;
    private final Sampler sampler;
    private final RateTable rates;
    /** [population][segment][index] for fp64, or null. */
    private final double[][][] states64;
    /** [population][segment][index] for fp32, or null. */
    private final float[][][] states32;
    private final int chunksPerPopulation;
    /** Partial sums, flat: ((population * chunksPerPopulation) + chunk) * WIDTH. */
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
        if (threads < 1) {
            throw InputError.outOfRange("--threads", threads, ">= 1");
        }
        this.scenario = scenario;
        this.n = scenario.n();
        this.precision = precision;
        this.seed = seed;
        this.sampler = sampler;
        this.threads = threads;
        this.rates = new RateTable(scenario);
        long chunks = (n + CHUNK - 1) / CHUNK;
        checkHeap(n, precision, chunks);
        this.chunksPerPopulation = (int) chunks;
        this.partials = new double[2 * chunksPerPopulation * PopulationSums.WIDTH];
        int segments = (int) ((n + SEGMENT - 1) / SEGMENT);
        if (precision == Precision.FP64) {
            states64 = new double[2][segments][];
            states32 = null;
        } else {
            states32 = new float[2][segments][];
            states64 = null;
        }
        for (int p = 0; p < 2; p++) {
            for (int s = 0; s < segments; s++) {
                int len = (int) Math.min(SEGMENT, n - (long) s * SEGMENT);
                if (precision == Precision.FP64) {
                    states64[p][s] = new double[len];
                } else {
                    states32[p][s] = new float[len];
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
        long chunks = (n + CHUNK - 1) / CHUNK;
        return 2 * n * precision.bytes + 2 * chunks * PopulationSums.WIDTH * Double.BYTES;
    }

    private static void checkHeap(long n, Precision precision, long chunks) {
        long needed = bytesNeeded(n, precision);
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (chunks > Integer.MAX_VALUE / (2 * PopulationSums.WIDTH) || needed + HEAP_MARGIN > available) {
            String alt = precision == Precision.FP64
                    ? String.format(Locale.ROOT, "; fp32 would need %s", Sizes.bytes(bytesNeeded(n, Precision.FP32)))
                    : "";
            throw InputError.TOO_LARGE.exception("--n", String.format(Locale.ROOT,
                    "n = %d per population needs %s of Java heap for the %s state, but only %s is available%s; "
                            + "raise the heap (java -Xmx...), lower --n, or use --backend opencl",
                    n, Sizes.bytes(needed), precision.key, Sizes.bytes(available), alt));
        }
    }


    @Override
    public String backend() {
        return "cpu";
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
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        double[] sd = {Math.sqrt(variance[0]), Math.sqrt(variance[1])};
        return runChunks((w, pop, chunk) -> initChunk(w, pop, chunk, mean[pop], sd[pop]));
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        PoissonStep laws = PoissonStep.prepare(sampler, plan.lambda);
        return runChunks((w, pop, chunk) -> stepChunk(w, pop, chunk, plan, laws));
    }

    /** Per-thread scratch: the RNG streams and the chunk's sums. */
    protected static final class Worker {
        final CounterRng rng;
        /** Second stream: a table draw's escape, or the inhibitory-source count of PTRS. */
        final CounterRng second;
        final double[] sums = new double[PopulationSums.WIDTH];
        /** The chunk's counts N_{alpha e}^j, N_{alpha i}^j, j = first + i. */
        final long[] countsE = new long[CHUNK];
        final long[] countsI = new long[CHUNK];

        Worker(long seed) {
            rng = new CounterRng(seed);
            second = new CounterRng(seed);
        }
    }

    private interface ChunkTask {
        void run(Worker w, int population, int chunk);
    }

    private PopulationSums[] runChunks(ChunkTask task) {
        int total = 2 * chunksPerPopulation;
        if (pool == null) {
            Worker w = new Worker(seed);
            for (int c = 0; c < total; c++) {
                task.run(w, c / chunksPerPopulation, c % chunksPerPopulation);
            }
        } else {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    Worker w = new Worker(seed);
                    for (int c = next.getAndIncrement(); c < total; c = next.getAndIncrement()) {
                        task.run(w, c / chunksPerPopulation, c % chunksPerPopulation);
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
        PopulationSums[] out = {new PopulationSums(), new PopulationSums()};
        for (int p = 0; p < 2; p++) {
            for (int c = 0; c < chunksPerPopulation; c++) {
                out[p].addFlat(partials, (p * chunksPerPopulation + c) * PopulationSums.WIDTH, chunkLength(c));
            }
        }
        return out;
    }

    private int chunkLength(int chunk) {
        return (int) Math.min(CHUNK, n - (long) chunk * CHUNK);
    }

    /** Twin: init_population in kernels/init.cl. */
    private void initChunk(Worker w, int pop, int chunk, double mean, double sd) {
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
            u = store(pop, seg, off + i, u);
            accumulate(s, pop, u, mean);
        }
        System.arraycopy(s, 0, partials, (pop * chunksPerPopulation + chunk) * PopulationSums.WIDTH,
                PopulationSums.WIDTH);
    }

    /** Twin: step_population in kernels/step.cl. */
    private void stepChunk(Worker w, int pop, int chunk, StepPlan plan, PoissonStep laws) {
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
            double u = a * load(pop, seg, off + i) + b * jump + delta;
            u = store(pop, seg, off + i, u);
            accumulate(s, pop, u, centre);
        }
        System.arraycopy(s, 0, partials, (pop * chunksPerPopulation + chunk) * PopulationSums.WIDTH,
                PopulationSums.WIDTH);
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

    private double load(int pop, int seg, int i) {
        return states64 != null ? states64[pop][seg][i] : states32[pop][seg][i];
    }

    /**
     * Stores u and returns the stored value (rounded to float in fp32), so sums describe the state held.
     * Twin: state_store in kernels/state.cl.
     */
    private double store(int pop, int seg, int i, double u) {
        if (states64 != null) {
            states64[pop][seg][i] = u;
            return u;
        }
        float f = (float) u;
        states32[pop][seg][i] = f;
        return f;
    }

    /** The state of neuron j of population p (slow path, for subclasses and tests). */
    protected double state(int pop, long j) {
        return load(pop, (int) (j / SEGMENT), (int) (j % SEGMENT));
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        checkRange(from, length);
        int p = population.index();
        for (int i = 0; i < length; i++) {
            dst[i] = state(p, from + i);
        }
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        checkRange(from, length);
        int p = population.index();
        for (int i = 0; i < length; i++) {
            long j = from + i;
            store(p, (int) (j / SEGMENT), (int) (j % SEGMENT), src[i]);
        }
    }

    /** Twin: histogram_population in kernels/histogram.cl. */
    @Override
    public long[] histogram(Population population, double lo, double hi, int bins) {
        long[] counts = new long[bins + 2];
        double scale = bins / (hi - lo);
        int p = population.index();
        for (long j = 0; j < n; j++) {
            counts[StateBins.slot(state(p, j), lo, hi, scale, bins)]++;
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
