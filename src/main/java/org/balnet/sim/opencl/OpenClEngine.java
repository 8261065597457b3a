package org.balnet.sim.opencl;

import org.balnet.io.Sizes;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.OpenClDefines;
import org.balnet.rng.PoissonSampler;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.PoissonTable;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.StepPlan;
import org.balnet.sim.cpu.CpuEngine;
import org.balnet.sim.opencl.KernelArguments.Bound;
import org.balnet.sim.opencl.KernelArguments.Parameter;
import org.balnet.sim.opencl.KernelArguments.Signature;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL backend: the states live on one device, and a step is one launch of
 * {@code step_population} for both populations (kernels/step.cl), which draws the Poisson counts,
 * updates the states and leaves one set of partial sums per work-group. Per step the host writes the
 * plan ({@value #PLAN_DOUBLES} doubles) and, with the table sampler, the four Poisson tables it built
 * ({@link PoissonStep}, a few KiB to a few MiB), and reads the partial sums, adding them in group order
 * in double; nothing else crosses. The arithmetic per neuron is CpuEngine's, the random numbers are
 * the same (Philox twin, the host's tables or Poisson constants), so the counts agree neuron by
 * neuron and the observables to rounding: the reductions add in another order (the tanh and logistic
 * rates are bit-identical, see SourceRates; erf rates and the initial normals use the device's erf, log
 * and cos, which may differ from Java's by an ulp).
 *
 * <p>Not thread-safe: one thread drives an engine.
 */
public final class OpenClEngine implements Engine {
    // Layout of the step plan (doubles), per target population: a, b, delta, c, then per source
    // the spike weight, the offset of its table in the tables buffer (in longs; table sampler) and the
    // constants of its Poisson law (PoissonTable.exportDoubles or PoissonSampler.Prepared.export).
    // Written into the program as PLAN_* by planDefines(), so host and kernel cannot disagree.
    static final int PLAN_DECAY = 0;
    static final int PLAN_HALF_DECAY = 1;
    static final int PLAN_SHIFT = 2;
    static final int PLAN_CENTRE = 3;
    static final int PLAN_SOURCE_E = 4;
    static final int PLAN_WEIGHT = 0;
    static final int PLAN_TABLE = 1;
    static final int PLAN_POISSON = 2;
    static final int PLAN_SOURCE_WIDTH = PLAN_POISSON
            + Math.max(PoissonTable.EXPORT_DOUBLES, PoissonSampler.Prepared.EXPORT_WIDTH);
    static final int PLAN_SOURCE_I = PLAN_SOURCE_E + PLAN_SOURCE_WIDTH;
    static final int PLAN_STRIDE = PLAN_SOURCE_I + PLAN_SOURCE_WIDTH;
    static final int PLAN_DOUBLES = 2 * PLAN_STRIDE;
    /** First size of the tables buffer; it grows by half again whenever a step's tables need more. */
    private static final int TABLES_INITIAL_BYTES = 64 << 10;
    /** Build option of the tests' count recording ({@link Options#recordCounts}). */
    static final String RECORD_COUNTS = "BALNET_RECORD_COUNTS";

    /** Work-groups of the histogram kernel at most: enough to fill a GPU, few enough to add on the host. */
    private static final int HISTOGRAM_GROUPS = 1024;
    /** Local memory left free for the compiler when sizing the histogram's local counters, bytes. */
    private static final long LOCAL_MEMORY_RESERVE = 1024;
    /** Largest neuron range one histogram group counts in 32-bit local counters. */
    private static final long HISTOGRAM_MAX_RANGE = 1L << 31;

    /**
     * Test and diagnostic settings, all off in production.
     *
     * @param maxAllocation    largest buffer to allocate, bytes; 0 for the device's own limit. Tests
     *                         force a small one to split the state over several buffers.
     * @param recordCounts     build with BALNET_RECORD_COUNTS: every step also writes each neuron's two
     *                         Poisson counts to a buffer ({@link #readCounts}), for the equivalence check
     * @param neuronBase       index of this engine's first neuron in the RNG counter (0 in production):
     *                         tests use 2^32 - k to exercise 64-bit neuron indices at small n
     * @param histogramWindow  most bins counted per histogram pass; 0 for what local memory holds
     * @param tablesInGlobal   read the Poisson tables from global memory even where they fit local
     *                         memory (tests run both paths)
     * @param tile             neurons per work-group; 0 to plan it from n. A slice of a
     *                         {@link MultiDeviceEngine} takes the whole network's, so that its groups are
     *                         the whole network's groups
     * @param workGroupSize    work-items per group; 0 for the profile's or device's choice. A slice takes
     *                         the size common to all devices of its network
     */
    record Options(long maxAllocation, boolean recordCounts, long neuronBase, int histogramWindow,
                   boolean tablesInGlobal, long tile, int workGroupSize) {
        static final Options DEFAULT = new Options(0, false, 0, 0, false);

        Options(long maxAllocation, boolean recordCounts, long neuronBase, int histogramWindow,
                boolean tablesInGlobal) {
            this(maxAllocation, recordCounts, neuronBase, histogramWindow, tablesInGlobal, 0, 0);
        }

        /** The options of the slice of neurons [first, ...) of a network with the given tile and work-group size. */
        static Options slice(long first, long tile, int workGroupSize) {
            return new Options(0, false, first, 0, false, tile, workGroupSize);
        }
    }

    private final Scenario scenario;
    private final Precision precision;
    private final long n;
    private final long seed;
    private final Sampler sampler;
    private final DeviceInfo device;
    private final HostProfile profile;
    private final Options options;
    private final StateLayout layout;
    private final int workGroupSize;
    private final String description;

    private cl_context context;
    private cl_command_queue queue;
    private cl_program program;
    private cl_kernel initKernel;
    private cl_kernel stepKernel;
    private cl_kernel histogramKernel;
    // The same kernels, their arguments set by name.
    private Bound initArgs;
    private Bound stepArgs;
    private Bound histogramArgs;
    /** [population * segments + segment]. */
    private final cl_mem[] states;
    private cl_mem partials;
    private cl_mem planBuffer;
    private cl_mem tablesBuffer;
    private ByteBuffer tablesHost;
    private Pointer tablesPointer;
    private cl_mem counts;

    private final int stateArgs;
    private final long[] globalSize;
    private final long[] localSize;
    private final ByteBuffer planHost;
    private final Pointer planPointer;
    private final DoubleBuffer planView;
    private final double[] planValues = new double[PLAN_DOUBLES];
    private final int[] tablesInLocal = new int[1];
    private final Pointer tablesInLocalPointer = Pointer.to(tablesInLocal);
    /** [target][source]: where each table starts in the tables buffer, in longs. */
    private final long[][] tableOffsets = new long[2][2];
    /** Local memory the step kernel may give the table cache: the device's less the reduction's scratch. */
    private final long tableCacheBudget;
    private final ByteBuffer partialHost;
    private final DoubleBuffer partialView;
    private final Pointer partialPointer;
    private final double[] partialValues;
    private final long[] stepValue = new long[1];
    private final Pointer stepPointer = Pointer.to(stepValue);
    private boolean closed;

    /** An engine with the default sampler ({@link Sampler#DEFAULT}). */
    public OpenClEngine(Scenario scenario, Precision precision, long seed, DeviceInfo device, HostProfile profile) {
        this(scenario, precision, seed, Sampler.DEFAULT, device, profile, Options.DEFAULT);
    }

    /**
     * @param scenario  the network (n, rates)
     * @param precision state precision
     * @param seed      RNG key
     * @param sampler   how the spike counts are drawn
     * @param device    a device with fp64
     * @param profile   work-group size, groups per population, memory share
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when the state does not fit the device memory the
     *                                            profile allows, with the numbers
     * @throws OpenClFailure                       when the kernels do not build or the device is out of resources
     */
    public OpenClEngine(Scenario scenario, Precision precision, long seed, Sampler sampler, DeviceInfo device,
                        HostProfile profile) {
        this(scenario, precision, seed, sampler, device, profile, Options.DEFAULT);
    }

    OpenClEngine(Scenario scenario, Precision precision, long seed, Sampler sampler, DeviceInfo device,
                 HostProfile profile, Options options) {
        if (!device.fp64()) {
            throw InputError.CONFLICT.exception("--device", device.label()
                    + " has no fp64 (cl_khr_fp64); the Poisson sampler's arithmetic is double: choose another device");
        }
        this.scenario = scenario;
        this.precision = precision;
        this.n = scenario.n();
        this.seed = seed;
        this.sampler = sampler;
        this.device = device;
        this.profile = profile;
        this.options = options;
        if (options.neuronBase() < 0 || options.neuronBase() > CounterRng.MAX_NEURON - n) {
            throw new IllegalArgumentException("neuron base " + options.neuronBase() + " out of range for n = " + n);
        }
        checkMemory();
        long maxAllocation = options.maxAllocation() > 0 ? Math.min(options.maxAllocation(), device.maxAllocation())
                : device.maxAllocation();
        this.layout = options.tile() > 0 ? StateLayout.withTile(n, precision, options.tile(), maxAllocation)
                : StateLayout.plan(n, precision, profile.groupsPerPopulation(), maxAllocation);
        long parameterBytes = 2L * layout.segments() * Sizeof.cl_mem + 16L * Sizeof.cl_ulong;
        if (parameterBytes > device.maxParameterSize()) {
            throw InputError.TOO_LARGE.exception("--n", String.format(Locale.ROOT,
                    "n = %d per population needs %d state buffers per population on %s, more than its %d bytes of "
                            + "kernel parameters can pass; lower --n or use --precision fp32",
                    n, layout.segments(), device.label(), device.maxParameterSize()));
        }
        this.stateArgs = 2 * layout.segments();
        this.states = new cl_mem[stateArgs];
        this.planHost = ByteBuffer.allocateDirect(planValues.length * Double.BYTES).order(ByteOrder.nativeOrder());
        this.planView = planHost.asDoubleBuffer();
        this.planPointer = Pointer.to(planHost);
        int partialCount = (int) (2 * layout.groupsPerPopulation() * PopulationSums.WIDTH);
        this.partialHost = ByteBuffer.allocateDirect(partialCount * Double.BYTES).order(ByteOrder.nativeOrder());
        this.partialView = partialHost.asDoubleBuffer();
        this.partialPointer = Pointer.to(partialHost);
        this.partialValues = new double[partialCount];
        int wg = options.workGroupSize() > 0 ? options.workGroupSize() : requestedWorkGroupSize(profile, device);
        try {
            CL.setExceptionsEnabled(true);
            cl_context_properties properties = new cl_context_properties();
            properties.addProperty(CL.CL_CONTEXT_PLATFORM, device.platformId());
            context = CL.clCreateContext(properties, 1, new cl_device_id[]{device.deviceId()}, null, null, null);
            @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0 on host and device
            cl_command_queue q = CL.clCreateCommandQueue(context, device.deviceId(), 0, null);
            queue = q;
            wg = buildKernels(wg);
            allocate();
        } catch (CLException e) {
            close();
            throw failure("setting up the engine", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.workGroupSize = wg;
        this.tableCacheBudget = device.localMemory() - (long) PopulationSums.WIDTH * Double.BYTES * wg
                - LOCAL_MEMORY_RESERVE;
        this.globalSize = new long[]{2 * layout.groupsPerPopulation() * wg};
        this.localSize = new long[]{wg};
        this.description = String.format(Locale.ROOT, "%s (%s, %s), work-group %d, %s, host profile %s",
                device.name(), device.platform(), device.version(), wg, layout.describe(), profile.name());
    }

    /**
     * The work-group size an engine asks for before its kernels are built: the profile's, else the
     * device's limit capped at {@link HostProfile#DEFAULT_WORK_GROUP_SIZE}; never above the device's limit.
     */
    static int requestedWorkGroupSize(HostProfile profile, DeviceInfo device) {
        int wg = profile.workGroupSize() > 0 ? profile.workGroupSize()
                : (int) Math.min(HostProfile.DEFAULT_WORK_GROUP_SIZE, Long.highestOneBit(device.maxWorkGroupSize()));
        return (int) Math.min(wg, Long.highestOneBit(Math.max(1, device.maxWorkGroupSize())));
    }

    /**
     * Device bytes for n neurons per population: the states, the partial sums (at most the profile's
     * groups per population), the recorded counts of tests.
     */
    private long bytesNeeded(Precision p) {
        long groups = options.tile() > 0 ? StateLayout.ceilDiv(n, options.tile())
                : Math.min(StateLayout.ceilDiv(n, CpuEngine.CHUNK), profile.groupsPerPopulation());
        return bytesNeeded(n, groups, p, options.recordCounts());
    }

    /**
     * Device bytes for n neurons per population in {@code groups} work-groups per population: the
     * states, the partial sums, and the recorded counts of tests. The formula {@link DeviceSplit} checks
     * every device against before any allocates.
     */
    static long bytesNeeded(long n, long groups, Precision p, boolean recordCounts) {
        return 2 * n * p.bytes + 2 * groups * PopulationSums.WIDTH * Double.BYTES
                + (recordCounts ? 4 * n * Long.BYTES : 0);
    }

    /**
     * Refuses, with the numbers, a state that does not fit the share of device memory the profile
     * allows; checked before anything is allocated, since drivers allocate lazily and would fail later,
     * inside a kernel launch, with a bare error code.
     */
    private void checkMemory() {
        long needed = bytesNeeded(precision);
        long allowed = (long) (profile.memoryFraction() * device.globalMemory());
        if (needed > allowed) {
            String alt = "";
            if (precision == Precision.FP64) {
                long fp32 = bytesNeeded(Precision.FP32);
                alt = String.format(Locale.ROOT, "; fp32 would need %s%s", Sizes.bytes(fp32),
                        fp32 <= allowed ? " (fits: --precision fp32)" : "");
            }
            throw InputError.TOO_LARGE.exception("--n", String.format(Locale.ROOT,
                    "n = %d per population needs %s of device memory for the %s state on %s, but host profile %s "
                            + "allows %s (%.0f%% of its %s)%s; lower --n, use another device or --backend cpu",
                    n, Sizes.bytes(needed), precision.key, device.label(), profile.name(),
                    Sizes.bytes(allowed), 100 * profile.memoryFraction(), Sizes.bytes(device.globalMemory()),
                    alt));
        }
    }

    /**
     * Builds the program for work-group size {@code wg}, halving it while the compiled kernels cannot
     * run groups that large (register pressure on some GPUs); returns the size used.
     */
    private int buildKernels(int wg) {
        String[] sources = KernelProgram.sources(scenario, layout);
        while (true) {
            String buildOptions = buildOptions(wg);
            program = KernelProgram.build(context, device.deviceId(), device.label(), sources, buildOptions);
            initKernel = createKernel(Signature.INIT.kernel(), buildOptions);
            stepKernel = createKernel(Signature.STEP.kernel(), buildOptions);
            histogramKernel = createKernel(Signature.HISTOGRAM.kernel(), buildOptions);
            initArgs = new Bound(initKernel, Signature.INIT, stateArgs, buildOptions, device.label());
            stepArgs = new Bound(stepKernel, Signature.STEP, stateArgs, buildOptions, device.label());
            histogramArgs = new Bound(histogramKernel, Signature.HISTOGRAM, stateArgs, buildOptions, device.label());
            long limit = Math.min(kernelWorkGroupSize(initKernel), kernelWorkGroupSize(stepKernel));
            if (limit >= wg || wg == 1) {
                return wg;
            }
            releaseKernels();
            wg = (int) Math.min(wg / 2, Long.highestOneBit(Math.max(1, limit)));
        }
    }

    /**
     * A kernel of the built program. Some runtimes (Oclgrind) answer a kernel they cannot prepare with
     * no kernel and no exception: that is a failure naming the kernel, not a NullPointerException later.
     */
    private cl_kernel createKernel(String name, String buildOptions) {
        int[] status = new int[1];
        cl_kernel k = CL.clCreateKernel(program, name, status);
        if (k == null || status[0] != CL.CL_SUCCESS) {
            throw new OpenClFailure("OpenCL on " + device.label() + " built the program (options \"" + buildOptions
                    + "\") but cannot create its kernel " + name + " (" + CL.stringFor_errorCode(status[0])
                    + "); its log above may say why");
        }
        return k;
    }

    /** Build options: the work-group size, the sampler, the state precision, and the count recording of tests. */
    String buildOptions(int wg) {
        StringBuilder b = new StringBuilder("-DBALNET_WORK_GROUP_SIZE=").append(wg);
        b.append(sampler == Sampler.TABLE ? " -DBALNET_SAMPLER_TABLE" : " -DBALNET_SAMPLER_PTRS");
        if (precision == Precision.FP32) {
            b.append(" -DBALNET_STATE_FP32");
        }
        if (options.recordCounts()) {
            b.append(" -D").append(RECORD_COUNTS);
        }
        return b.toString();
    }

    /** The step plan's offsets, for the generated header of the kernels (step.cl). */
    static String planDefines() {
        return new OpenClDefines("OpenClEngine: offsets of the step plan, in doubles")
                .define("PLAN_DECAY", PLAN_DECAY)
                .define("PLAN_HALF_DECAY", PLAN_HALF_DECAY)
                .define("PLAN_SHIFT", PLAN_SHIFT)
                .define("PLAN_CENTRE", PLAN_CENTRE)
                .define("PLAN_SOURCE_E", PLAN_SOURCE_E)
                .define("PLAN_SOURCE_I", PLAN_SOURCE_I)
                .define("PLAN_WEIGHT", PLAN_WEIGHT)
                .define("PLAN_TABLE", PLAN_TABLE)
                .define("PLAN_POISSON", PLAN_POISSON)
                .define("PLAN_STRIDE", PLAN_STRIDE)
                .toString();
    }

    private long kernelWorkGroupSize(cl_kernel kernel) {
        long[] v = new long[1];
        CL.clGetKernelWorkGroupInfo(kernel, device.deviceId(), CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                Pointer.to(v), null);
        return v[0];
    }

    private void allocate() {
        for (int p = 0; p < 2; p++) {
            for (int s = 0; s < layout.segments(); s++) {
                states[p * layout.segments() + s] = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE,
                        layout.segmentNeurons(s) * precision.bytes, null, null);
            }
        }
        partials = CL.clCreateBuffer(context, CL.CL_MEM_WRITE_ONLY, layout.partialBytes(), null, null);
        planBuffer = CL.clCreateBuffer(context, CL.CL_MEM_READ_ONLY, (long) planValues.length * Double.BYTES, null,
                null);
        allocateTables(sampler == Sampler.TABLE ? TABLES_INITIAL_BYTES : Long.BYTES);
        if (options.recordCounts()) {
            counts = CL.clCreateBuffer(context, CL.CL_MEM_WRITE_ONLY, 4 * n * Long.BYTES, null, null);
        }
        initArgs.states(states);
        stepArgs.states(states);
        histogramArgs.states(states);
        // The neurons, how work-groups cover them, the counter's key and first neuron.
        for (Bound k : new Bound[]{initArgs, stepArgs}) {
            k.set(Parameter.N, n);
            k.set(Parameter.TILE, layout.tile());
            k.set(Parameter.GROUPS_PER_POPULATION, layout.groupsPerPopulation());
            k.set(Parameter.SEGMENT_LENGTH, layout.segmentLength());
            k.set(Parameter.SEED, seed);
            k.set(Parameter.NEURON_BASE, options.neuronBase());
            k.set(Parameter.PARTIALS, partials);
        }
        stepArgs.set(Parameter.PLAN, planBuffer);
        if (options.recordCounts()) {
            stepArgs.set(Parameter.COUNTS, counts);
        }
        // PTRS reads no table; the table sampler sets both again every step (writeTables).
        stepArgs.value(Parameter.TABLES_IN_LOCAL, tablesInLocalPointer);
        stepArgs.local(Parameter.TABLE_CACHE, Long.BYTES);
        histogramArgs.set(Parameter.N, n);
        histogramArgs.set(Parameter.SEGMENT_LENGTH, layout.segmentLength());
    }

    /** A tables buffer (device and host) of at least {@code bytes}, bound to the step kernel. */
    private void allocateTables(int bytes) {
        if (tablesBuffer != null) {
            CL.clReleaseMemObject(tablesBuffer);
            tablesBuffer = null;
        }
        tablesHost = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        tablesPointer = Pointer.to(tablesHost);
        tablesBuffer = CL.clCreateBuffer(context, CL.CL_MEM_READ_ONLY, bytes, null, null);
        if (stepArgs != null) {
            stepArgs.set(Parameter.TABLES, tablesBuffer);
        }
    }

    @Override
    public String backend() {
        return "opencl";
    }

    @Override
    public String device() {
        return description;
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

    /** The device this engine runs on. */
    public DeviceInfo deviceInfo() {
        return device;
    }

    /** Work-items per group, after any reduction the compiled kernels required. */
    public int workGroupSize() {
        return workGroupSize;
    }

    /** The state layout: neurons per group, buffers per population. */
    public StateLayout layout() {
        return layout;
    }

    @Override
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        launchInitialize(mean, variance);
        return readSums();
    }

    /**
     * Starts drawing the initial state and returns without waiting; {@link #readPartials} waits. So a
     * {@link MultiDeviceEngine} has all its devices drawing at once.
     */
    void launchInitialize(double[] mean, double[] variance) {
        checkOpen();
        try {
            initArgs.set(Parameter.MEAN_E, mean[0]);
            initArgs.set(Parameter.MEAN_I, mean[1]);
            initArgs.set(Parameter.SD_E, Math.sqrt(variance[0]));
            initArgs.set(Parameter.SD_I, Math.sqrt(variance[1]));
            CL.clEnqueueNDRangeKernel(queue, initKernel, 1, null, globalSize, localSize, 0, null, null);
            CL.clFlush(queue);
        } catch (CLException e) {
            throw failure("drawing the initial state", e);
        }
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        checkStep(plan);
        // Prepared on the host, as CpuEngine does: the device samples the host's laws, and a lambda
        // outside the sampler's range is refused here.
        launchStep(plan, PoissonStep.prepare(sampler, plan.lambda));
        return readSums();
    }

    static void checkStep(StepPlan plan) {
        if (plan.step < 0 || plan.step > CounterRng.MAX_STEP) {
            throw new IllegalArgumentException("step = " + plan.step + ": must be in 0.." + CounterRng.MAX_STEP);
        }
    }

    /**
     * Writes the plan and the laws the host prepared for it, starts the step and returns without waiting
     * for it; {@link #readPartials} waits.
     */
    void launchStep(StepPlan plan, PoissonStep laws) {
        checkOpen();
        try {
            int tableBytes = sampler == Sampler.TABLE ? writeTables(laws) : 0;
            for (int alpha = 0; alpha < 2; alpha++) {
                int t = alpha * PLAN_STRIDE;
                planValues[t + PLAN_DECAY] = plan.decay[alpha];
                planValues[t + PLAN_HALF_DECAY] = plan.halfDecay[alpha];
                planValues[t + PLAN_SHIFT] = plan.shift[alpha];
                planValues[t + PLAN_CENTRE] = plan.centre[alpha];
                for (int beta = 0; beta < 2; beta++) {
                    int s = t + (beta == 0 ? PLAN_SOURCE_E : PLAN_SOURCE_I);
                    planValues[s + PLAN_WEIGHT] = plan.weight[alpha][beta];
                    if (sampler == Sampler.TABLE) {
                        planValues[s + PLAN_TABLE] = tableOffsets[alpha][beta];
                        laws.table(alpha, beta).exportDoubles(planValues, s + PLAN_POISSON);
                    } else {
                        planValues[s + PLAN_TABLE] = 0;
                        laws.prepared(alpha, beta).export(planValues, s + PLAN_POISSON);
                    }
                }
            }
            planView.clear();
            planView.put(planValues);
            // Blocking writes: for a non-blocking one JOCL starts a thread that waits on the write's event
            // (clWaitForEvents) to release its pointer, so OpenCL would be called from a second host thread
            // while this one goes on; Oclgrind 21.10 runs queued kernels inside that wait and is not safe
            // against it (a crash in its MemoryPool::alloc, see docs/opencl.md). The queue is empty here
            // (the last step ended with a blocking read), so blocking costs only the copy.
            CL.clEnqueueWriteBuffer(queue, planBuffer, CL.CL_TRUE, 0, planHost.capacity(), planPointer,
                    0, null, null);
            if (tableBytes > 0) {
                CL.clEnqueueWriteBuffer(queue, tablesBuffer, CL.CL_TRUE, 0, tableBytes, tablesPointer, 0, null, null);
            }
            stepValue[0] = plan.step;
            stepArgs.value(Parameter.TIME_STEP, stepPointer);
            CL.clEnqueueNDRangeKernel(queue, stepKernel, 1, null, globalSize, localSize, 0, null, null);
            CL.clFlush(queue);
        } catch (CLException e) {
            throw failure("step " + plan.step, e);
        }
    }

    /**
     * Exports the step's four tables one after another into the tables buffer (growing it when they
     * need more), and decides whether the kernel caches them in local memory: when both tables of
     * either population fit the budget. Returns the bytes to write.
     */
    private int writeTables(PoissonStep laws) {
        long bytes = 0;
        long cache = 0;
        for (int alpha = 0; alpha < 2; alpha++) {
            long population = 0;
            for (int beta = 0; beta < 2; beta++) {
                PoissonTable table = laws.table(alpha, beta);
                tableOffsets[alpha][beta] = bytes / Long.BYTES;
                bytes += table.exportBytes();
                population += table.exportBytes() - (long) PoissonTable.HEADER_LONGS * Long.BYTES;
            }
            cache = Math.max(cache, population);
        }
        if (bytes > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("Poisson tables of " + bytes + " bytes");
        }
        if (bytes > tablesHost.capacity()) {
            allocateTables((int) (bytes + bytes / 2));
        }
        for (int alpha = 0; alpha < 2; alpha++) {
            for (int beta = 0; beta < 2; beta++) {
                laws.table(alpha, beta).export(tablesHost, (int) (tableOffsets[alpha][beta] * Long.BYTES));
            }
        }
        boolean local = !options.tablesInGlobal() && cache <= tableCacheBudget;
        tablesInLocal[0] = local ? 1 : 0;
        stepArgs.value(Parameter.TABLES_IN_LOCAL, tablesInLocalPointer);
        stepArgs.local(Parameter.TABLE_CACHE, local ? cache : Long.BYTES);
        return (int) bytes;
    }

    /** Whether the last step read its tables from local memory (for tests). */
    boolean tablesInLocal() {
        return tablesInLocal[0] != 0;
    }

    /** Reads the groups' partial sums (blocking) and adds them in group order, e then i. */
    private PopulationSums[] readSums() {
        readPartials();
        PopulationSums[] out = {new PopulationSums(), new PopulationSums()};
        for (int p = 0; p < 2; p++) {
            addPartials(out[p], p);
        }
        return out;
    }

    /** Waits for the launched kernel and reads its groups' partial sums into the host's copy. */
    void readPartials() {
        checkOpen();
        try {
            CL.clEnqueueReadBuffer(queue, partials, CL.CL_TRUE, 0, layout.partialBytes(), partialPointer,
                    0, null, null);
        } catch (CLException e) {
            throw failure("reading the partial sums", e);
        }
        partialView.clear();
        partialView.get(partialValues);
    }

    /**
     * Adds the last read partial sums of one population's groups to {@code into}, in group order: one
     * addition per group, in double, so the total depends only on the groups and their order (a
     * {@link MultiDeviceEngine} continues the same sequence over its slices).
     */
    void addPartials(PopulationSums into, int population) {
        long groups = layout.groupsPerPopulation();
        for (long g = 0; g < groups; g++) {
            into.addFlat(partialValues, (int) ((population * groups + g) * PopulationSums.WIDTH),
                    layout.groupNeurons(g));
        }
    }

    /**
     * The Poisson counts of the last step, when built with {@link Options#recordCounts}: for neurons
     * {@code [from, from + length)} of the target population, {@code [2 i]} = N_{alpha e}, {@code [2 i + 1]}
     * = N_{alpha i}.
     */
    long[] readCounts(Population target, long from, int length) {
        checkOpen();
        if (counts == null) {
            throw new IllegalStateException("counts are recorded only with Options.recordCounts");
        }
        checkRange(from, length);
        long[] out = new long[2 * length];
        long offset = 2 * ((long) target.index() * n + from) * Long.BYTES;
        CL.clEnqueueReadBuffer(queue, counts, CL.CL_TRUE, offset, (long) out.length * Long.BYTES, Pointer.to(out),
                0, null, null);
        return out;
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        checkOpen();
        checkRange(from, length);
        transfer(population, from, dst, length, false);
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        checkOpen();
        checkRange(from, length);
        transfer(population, from, src, length, true);
    }

    /** Copies between the host array and the state buffers, segment by segment, converting fp32. */
    private void transfer(Population population, long from, double[] host, int length, boolean write) {
        int done = 0;
        try {
            while (done < length) {
                long j = from + done;
                int s = (int) (j / layout.segmentLength());
                long offset = j - s * layout.segmentLength();
                int count = (int) Math.min(length - done, layout.segmentNeurons(s) - offset);
                cl_mem buffer = states[population.index() * layout.segments() + s];
                long bytesOffset = offset * precision.bytes;
                long bytes = (long) count * precision.bytes;
                if (precision == Precision.FP64) {
                    Pointer p = Pointer.to(host).withByteOffset((long) done * Double.BYTES);
                    if (write) {
                        CL.clEnqueueWriteBuffer(queue, buffer, CL.CL_TRUE, bytesOffset, bytes, p, 0, null, null);
                    } else {
                        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, bytesOffset, bytes, p, 0, null, null);
                    }
                } else {
                    float[] f = new float[count];
                    if (write) {
                        for (int i = 0; i < count; i++) {
                            f[i] = (float) host[done + i];
                        }
                        CL.clEnqueueWriteBuffer(queue, buffer, CL.CL_TRUE, bytesOffset, bytes, Pointer.to(f), 0, null,
                                null);
                    } else {
                        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, bytesOffset, bytes, Pointer.to(f), 0, null,
                                null);
                        for (int i = 0; i < count; i++) {
                            host[done + i] = f[i];
                        }
                    }
                }
                done += count;
            }
        } catch (CLException e) {
            throw failure(write ? "writing states" : "reading states", e);
        }
    }

    @Override
    public long[] histogram(Population population, double lo, double hi, int bins) {
        checkOpen();
        if (bins < 1 || !(hi > lo)) {
            throw new IllegalArgumentException("histogram needs bins >= 1 and hi > lo: bins = " + bins + ", [" + lo
                    + ", " + hi + ")");
        }
        long[] result = new long[bins + 2];
        double scale = bins / (hi - lo);
        long groups = Math.max(Math.min(HISTOGRAM_GROUPS, layout.groupsPerPopulation()),
                StateLayout.ceilDiv(n, HISTOGRAM_MAX_RANGE));
        long perGroup = StateLayout.ceilDiv(n, groups);
        groups = StateLayout.ceilDiv(n, perGroup);
        long local;
        try {
            local = Math.min(workGroupSize, Long.highestOneBit(kernelWorkGroupSize(histogramKernel)));
        } catch (CLException e) {
            throw failure("querying the histogram kernel", e);
        }
        int fit = (int) Math.min(1 << 16, (device.localMemory() - LOCAL_MEMORY_RESERVE) / Integer.BYTES);
        int window = Math.min(bins + 2, options.histogramWindow() > 0 ? Math.min(options.histogramWindow(), fit) : fit);
        cl_mem groupCounts = null;
        try {
            groupCounts = CL.clCreateBuffer(context, CL.CL_MEM_WRITE_ONLY, groups * window * Integer.BYTES, null, null);
            int[] host = new int[(int) (groups * window)];
            histogramArgs.set(Parameter.POP, population.index());
            histogramArgs.set(Parameter.NEURONS_PER_GROUP, perGroup);
            histogramArgs.set(Parameter.LO, lo);
            histogramArgs.set(Parameter.HI, hi);
            histogramArgs.set(Parameter.SCALE, scale);
            histogramArgs.set(Parameter.BINS, bins);
            histogramArgs.set(Parameter.COUNTS, groupCounts);
            histogramArgs.local(Parameter.LOCAL_COUNTS, (long) window * Integer.BYTES);
            for (int first = 0; first < bins + 2; first += window) {
                int count = Math.min(window, bins + 2 - first);
                histogramArgs.set(Parameter.WINDOW_FIRST, first);
                histogramArgs.set(Parameter.WINDOW_COUNT, count);
                CL.clEnqueueNDRangeKernel(queue, histogramKernel, 1, null, new long[]{groups * local},
                        new long[]{local}, 0, null, null);
                CL.clEnqueueReadBuffer(queue, groupCounts, CL.CL_TRUE, 0, groups * count * Integer.BYTES,
                        Pointer.to(host), 0, null, null);
                for (long g = 0; g < groups; g++) {
                    for (int b = 0; b < count; b++) {
                        result[first + b] += Integer.toUnsignedLong(host[(int) (g * count + b)]);
                    }
                }
            }
        } catch (CLException e) {
            throw failure("computing a histogram", e);
        } finally {
            if (groupCounts != null) {
                CL.clReleaseMemObject(groupCounts);
            }
        }
        return result;
    }

    private void checkRange(long from, int length) {
        if (from < 0 || length < 0 || from + length > n) {
            throw new IndexOutOfBoundsException("neurons [" + from + ", " + (from + length) + ") of " + n);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL engine is closed");
        }
    }

    /** An OpenCL error as a message for the user: out of resources says so, with the device's memory. */
    private OpenClFailure failure(String during, CLException e) {
        int status = e.getStatus();
        String code = CL.stringFor_errorCode(status);
        if (status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL.CL_OUT_OF_RESOURCES
                || status == CL.CL_OUT_OF_HOST_MEMORY) {
            return new OpenClFailure(String.format(Locale.ROOT,
                    "%s ran out of resources while %s (%s): n = %d per population, %s state, %s on the device of %s "
                            + "global memory; lower --n, use --precision fp32, or lower memory_fraction in the host "
                            + "profile", device.label(), during, code, n, precision.key,
                    Sizes.bytes(layout.deviceBytes()), Sizes.bytes(device.globalMemory())), e);
        }
        return new OpenClFailure("OpenCL error on " + device.label() + " while " + during + ": " + code, e);
    }

    private void releaseKernels() {
        for (cl_kernel k : new cl_kernel[]{initKernel, stepKernel, histogramKernel}) {
            if (k != null) {
                CL.clReleaseKernel(k);
            }
        }
        initKernel = stepKernel = histogramKernel = null;
        initArgs = null;
        stepArgs = null;
        histogramArgs = null;
        if (program != null) {
            CL.clReleaseProgram(program);
            program = null;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        List<cl_mem> buffers = new ArrayList<>(List.of(states));
        buffers.add(partials);
        buffers.add(planBuffer);
        buffers.add(tablesBuffer);
        buffers.add(counts);
        for (cl_mem m : buffers) {
            if (m != null) {
                try {
                    CL.clReleaseMemObject(m);
                } catch (CLException e) {
                    errors.add(e);
                }
            }
        }
        try {
            releaseKernels();
            if (queue != null) {
                CL.clReleaseCommandQueue(queue);
            }
            if (context != null) {
                CL.clReleaseContext(context);
            }
        } catch (CLException e) {
            errors.add(e);
        }
        queue = null;
        context = null;
        if (!errors.isEmpty()) {
            throw failure("releasing the engine", (CLException) errors.get(0));
        }
    }
}
