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
import org.balnet.sim.EngineBatch;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL backend: the states live on one device, and a step is one launch of
 * {@code step_population} for both populations (kernels/step.cl), which draws the Poisson counts,
 * updates the states and leaves one set of partial sums per work-group. Per step the host writes the
 * plan ({@value #PLAN_DOUBLES} doubles per replica) and, with the table sampler, the four Poisson
 * tables it built ({@link PoissonStep}, a few KiB to a few MiB), and reads the partial sums, adding them in group order
 * in double; nothing else crosses. The arithmetic per neuron is CpuEngine's, the random numbers are
 * the same (Philox twin, the host's tables or Poisson constants), so the counts agree neuron by
 * neuron and the observables to rounding: the reductions add in another order (the tanh and logistic
 * rates are bit-identical, see SourceRates; erf rates and the initial normals use the device's erf, log
 * and cos, which may differ from Java's by an ulp).
 *
 * <p>A batch ({@link #batch}) holds R replicas of the network in the same buffers, each with its own seed,
 * plan, tables and partial sums, and steps them all with one launch of the step kernel
 * ({@link EngineBatch}); each replica's work-groups are those of an engine of that replica alone, and the
 * host adds each replica's sums in the same order, so each replica's results are that engine's, bit for
 * bit. An engine of one replica is used directly as an {@link Engine}.
 *
 * <p>Not thread-safe: one thread drives an engine.
 */
public final class OpenClEngine implements Engine, EngineBatch {
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
    /** Doubles of the plan per replica: replica r's plan starts at r PLAN_REPLICA. */
    static final int PLAN_REPLICA = PLAN_DOUBLES;
    /**
     * Bytes of {@code __constant} memory every OpenCL 1.2 device offers (the least
     * CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE the standard allows): the plans of all replicas must fit it.
     */
    static final long CONSTANT_BYTES = 64 << 10;
    /** Most replicas one engine holds: as many plans as constant memory takes (170). */
    public static final int MAX_REPLICAS = (int) (CONSTANT_BYTES / (PLAN_REPLICA * Double.BYTES));
    // Per replica the kernels read REPLICA_WIDTH ulongs: its seed, its step and whether it takes part in
    // the launch (a replica without a plan keeps its state). Written into the program as REPLICA_*.
    static final int REPLICA_SEED = 0;
    static final int REPLICA_STEP = 1;
    static final int REPLICA_ACTIVE = 2;
    static final int REPLICA_WIDTH = 3;
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
    /** Replica r's RNG key. */
    private final long[] seeds;
    private final Sampler sampler;
    private final DeviceInfo device;
    private final HostProfile profile;
    private final Options options;
    /** One replica's groups and tiles. */
    private final StateLayout layout;
    /** Where the replicas' states are stored: {@link StateLayout#replicated}. */
    private final StateLayout storage;
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
    private cl_mem replicaBuffer;

    private final int stateArgs;
    private final long[] globalSize;
    private final long[] localSize;
    private final ByteBuffer planHost;
    private final Pointer planPointer;
    private final DoubleBuffer planView;
    private final double[] planValues;
    /** [r REPLICA_WIDTH + REPLICA_*]: what the kernels read per replica. */
    private final long[] replicaValues;
    private final Pointer replicaPointer;
    private final int[] tablesInLocal = new int[1];
    private final Pointer tablesInLocalPointer = Pointer.to(tablesInLocal);
    /** [replica][target][source]: where each table starts in the tables buffer, in longs. */
    private final long[][][] tableOffsets;
    /** Local memory the step kernel may give the table cache: the device's less the reduction's scratch. */
    private final long tableCacheBudget;
    private final ByteBuffer partialHost;
    private final DoubleBuffer partialView;
    private final Pointer partialPointer;
    private final double[] partialValues;
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
        this(scenario, precision, new long[]{seed}, sampler, device, profile, options);
    }

    /**
     * A batch of replicas of one network on one device, replica r keyed by {@code seeds[r]}, stepped with one
     * launch per step: each replica's results are those of {@code new OpenClEngine(scenario, precision,
     * seeds[r], sampler, device, profile)} alone.
     *
     * @throws org.balnet.model.BadInputException (TOO_LARGE, naming --replicas) when the states of all the
     *                                            replicas do not fit the device memory the profile allows, or
     *                                            there are more than {@link #MAX_REPLICAS}
     */
    public static OpenClEngine batch(Scenario scenario, Precision precision, long[] seeds, Sampler sampler,
                                     DeviceInfo device, HostProfile profile) {
        return new OpenClEngine(scenario, precision, seeds, sampler, device, profile, Options.DEFAULT);
    }

    OpenClEngine(Scenario scenario, Precision precision, long[] seeds, Sampler sampler, DeviceInfo device,
                 HostProfile profile, Options options) {
        if (seeds.length < 1 || seeds.length > MAX_REPLICAS) {
            throw InputError.outOfRange("--replicas", seeds.length, "1.." + MAX_REPLICAS
                    + " on one OpenCL engine (the replicas' step plans share 64 KiB of constant memory)");
        }
        if (!device.fp64()) {
            throw InputError.CONFLICT.exception("--device", device.label()
                    + " has no fp64 (cl_khr_fp64); the Poisson sampler's arithmetic is double: choose another device");
        }
        this.scenario = scenario;
        this.precision = precision;
        this.n = scenario.n();
        this.seeds = seeds.clone();
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
        this.storage = layout.replicated(seeds.length, maxAllocation);
        long parameterBytes = 2L * storage.segments() * Sizeof.cl_mem + 16L * Sizeof.cl_ulong;
        if (parameterBytes > device.maxParameterSize()) {
            throw InputError.TOO_LARGE.exception(seeds.length == 1 ? "--n" : "--replicas", String.format(Locale.ROOT,
                    "%s needs %d state buffers per population on %s, more than its %d bytes of "
                            + "kernel parameters can pass; lower %s or use --precision fp32",
                    what(), storage.segments(), device.label(), device.maxParameterSize(),
                    seeds.length == 1 ? "--n" : "--replicas"));
        }
        this.stateArgs = 2 * storage.segments();
        this.states = new cl_mem[stateArgs];
        this.planValues = new double[seeds.length * PLAN_REPLICA];
        this.planHost = ByteBuffer.allocateDirect(planValues.length * Double.BYTES).order(ByteOrder.nativeOrder());
        this.planView = planHost.asDoubleBuffer();
        this.planPointer = Pointer.to(planHost);
        this.replicaValues = new long[seeds.length * REPLICA_WIDTH];
        this.replicaPointer = Pointer.to(replicaValues);
        this.tableOffsets = new long[seeds.length][2][2];
        long partialLongs = seeds.length * 2 * layout.groupsPerPopulation() * PopulationSums.WIDTH;
        if (partialLongs > Integer.MAX_VALUE / Double.BYTES) {
            throw InputError.TOO_LARGE.exception("--replicas", what() + " need more partial sums than one host "
                    + "buffer holds; lower --replicas");
        }
        int partialCount = (int) partialLongs;
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
        this.globalSize = new long[]{seeds.length * 2 * layout.groupsPerPopulation() * wg};
        this.localSize = new long[]{wg};
        // The same words for a replica in a batch as for that replica alone: outputs do not depend on batching.
        this.description = String.format(Locale.ROOT, "%s (%s, %s), work-group %d, %s, host profile %s",
                device.name(), device.platform(), device.version(), wg, layout.describe(), profile.name());
    }

    /** The network in words, for messages: "n = 1000 per population" or "--replicas 64 of n = 1000 per population". */
    private String what() {
        String one = String.format(Locale.ROOT, "n = %d per population", n);
        return seeds.length == 1 ? one : "--replicas " + seeds.length + " of " + one;
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
     * Device bytes for the replicas of n neurons per population: the states (each replica's block but the
     * last padded to whole tiles, {@link StateLayout#replicated}), the partial sums (at most the profile's
     * groups per population), the recorded counts of tests.
     */
    private long bytesNeeded(Precision p) {
        return bytesNeeded(n, p, profile, options.tile(), seeds.length, options.recordCounts());
    }

    /**
     * {@link #bytesNeeded(long, long, long, long, Precision, boolean)} of R replicas in the work-groups the
     * engine plans: of {@code tile} neurons when it is positive, else as {@link StateLayout#plan} makes them.
     */
    private static long bytesNeeded(long n, Precision p, HostProfile profile, long tile, long replicas,
                                    boolean recordCounts) {
        long chunks = StateLayout.ceilDiv(n, CpuEngine.CHUNK);
        long groups = tile > 0 ? StateLayout.ceilDiv(n, tile) : Math.min(chunks, profile.groupsPerPopulation());
        long t = tile > 0 ? tile : StateLayout.ceilDiv(chunks, profile.groupsPerPopulation()) * CpuEngine.CHUNK;
        return bytesNeeded(n, groups, StateLayout.ceilDiv(n, t) * t, replicas, p, recordCounts);
    }

    /**
     * Device bytes for n neurons per population in {@code groups} work-groups per population: the
     * states, the partial sums, and the recorded counts of tests. The formula {@link DeviceSplit} checks
     * every device against before any allocates.
     */
    static long bytesNeeded(long n, long groups, Precision p, boolean recordCounts) {
        return bytesNeeded(n, groups, n, 1, p, recordCounts);
    }

    /**
     * Device bytes for R replicas of n neurons per population in {@code groups} work-groups per population,
     * their blocks {@code stride} apart in each population's state ({@link StateLayout#replicated}): the
     * states, the partial sums and the recorded counts of tests, per replica.
     */
    static long bytesNeeded(long n, long groups, long stride, long replicas, Precision p, boolean recordCounts) {
        long stored = (replicas - 1) * stride + n;
        return 2 * stored * p.bytes + replicas * (2 * groups * PopulationSums.WIDTH * Double.BYTES
                + (recordCounts ? 4 * n * Long.BYTES : 0));
    }

    /**
     * How many replicas of n neurons per population one engine on {@code device} holds: at most
     * {@code wanted} and {@link #MAX_REPLICAS}, as many as the profile's share of the device memory takes
     * (the check {@link #batch} makes), and as many as {@link StateLayout#MAX_SEGMENTS} buffers per population
     * of the device's largest allocation store; at least one (an engine of one replica that does not fit is
     * refused by its own check, with the numbers). validate and reproduce batch their replicas by it.
     */
    public static int replicasThatFit(long n, Precision p, DeviceInfo device, HostProfile profile, int wanted) {
        long allowed = (long) (profile.memoryFraction() * device.globalMemory());
        long one = bytesNeeded(n, p, profile, 0, 1, false);
        long each = bytesNeeded(n, p, profile, 0, 2, false) - one;
        long byMemory = allowed < one ? 1 : 1 + (allowed - one) / each;
        StateLayout layout = StateLayout.plan(n, p, profile.groupsPerPopulation(), device.maxAllocation());
        long segment = device.maxAllocation() / (layout.tile() * p.bytes) * layout.tile();
        long bySegments = 1 + Math.max(0, StateLayout.MAX_SEGMENTS * segment - n) / layout.replicaStride();
        return (int) Math.max(1, Math.min(Math.min(wanted, MAX_REPLICAS), Math.min(byMemory, bySegments)));
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
            boolean one = seeds.length == 1;
            throw InputError.TOO_LARGE.exception(one ? "--n" : "--replicas", String.format(Locale.ROOT,
                    "%s %s %s of device memory for the %s state on %s, but host profile %s "
                            + "allows %s (%.0f%% of its %s)%s; %slower --n, use another device or --backend cpu",
                    what(), one ? "needs" : "need", Sizes.bytes(needed), precision.key, device.label(), profile.name(),
                    Sizes.bytes(allowed), 100 * profile.memoryFraction(), Sizes.bytes(device.globalMemory()),
                    alt, one ? "" : "fewer --replicas, "));
        }
    }

    /**
     * Builds the program for work-group size {@code wg}, halving it while the compiled kernels cannot
     * run groups that large (register pressure on some GPUs); returns the size used.
     */
    private int buildKernels(int wg) {
        String[] sources = KernelProgram.sources(scenario, storage);
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

    /** The step plan's offsets and what the kernels read per replica, for the generated header (init.cl, step.cl). */
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
                .define("PLAN_REPLICA", PLAN_REPLICA)
                .toString()
                + new OpenClDefines("OpenClEngine: what the kernels read per replica, in ulongs")
                .define("REPLICA_SEED", REPLICA_SEED)
                .define("REPLICA_STEP", REPLICA_STEP)
                .define("REPLICA_ACTIVE", REPLICA_ACTIVE)
                .define("REPLICA_WIDTH", REPLICA_WIDTH)
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
            for (int s = 0; s < storage.segments(); s++) {
                states[p * storage.segments() + s] = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE,
                        storage.segmentNeurons(s) * precision.bytes, null, null);
            }
        }
        partials = CL.clCreateBuffer(context, CL.CL_MEM_WRITE_ONLY, partialHost.capacity(), null, null);
        replicaBuffer = CL.clCreateBuffer(context, CL.CL_MEM_READ_ONLY, (long) replicaValues.length * Long.BYTES,
                null, null);
        planBuffer = CL.clCreateBuffer(context, CL.CL_MEM_READ_ONLY, (long) planValues.length * Double.BYTES, null,
                null);
        allocateTables(sampler == Sampler.TABLE ? TABLES_INITIAL_BYTES : Long.BYTES);
        if (options.recordCounts()) {
            counts = CL.clCreateBuffer(context, CL.CL_MEM_WRITE_ONLY, seeds.length * 4 * n * Long.BYTES, null, null);
        }
        initArgs.states(states);
        stepArgs.states(states);
        histogramArgs.states(states);
        // The neurons, how work-groups cover them, the counter's key and first neuron.
        for (Bound k : new Bound[]{initArgs, stepArgs}) {
            k.set(Parameter.N, n);
            k.set(Parameter.TILE, layout.tile());
            k.set(Parameter.GROUPS_PER_POPULATION, layout.groupsPerPopulation());
            k.set(Parameter.SEGMENT_LENGTH, storage.segmentLength());
            k.set(Parameter.REPLICA_STRIDE, layout.replicaStride());
            k.set(Parameter.REPLICAS, replicaBuffer);
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
        histogramArgs.set(Parameter.SEGMENT_LENGTH, storage.segmentLength());
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
    public int replicas() {
        return seeds.length;
    }

    @Override
    public Engine replica(int r) {
        return new EngineBatch.ReplicaView(this, r);
    }

    @Override
    public boolean eventDriven() {
        return false;
    }

    @Override
    public PopulationSums[] initialize(double[] mean, double[] variance) {
        requireSingle();
        return initialize(new double[][]{mean}, new double[][]{variance})[0];
    }

    /**
     * One launch of the initial-state kernel per distinct (mean, variance) among the replicas drawn (one
     * launch when they start alike, as a batch's replicas do), then their sums.
     */
    @Override
    public PopulationSums[][] initialize(double[][] mean, double[][] variance) {
        boolean[] drawn = launchInitialize(mean, variance);
        return readSums(drawn);
    }

    /**
     * Starts drawing the initial state of the one replica and returns without waiting; {@link #readPartials}
     * waits. So a {@link MultiDeviceEngine} has all its devices drawing at once.
     */
    void launchInitialize(double[] mean, double[] variance) {
        requireSingle();
        launchInitialize(new double[][]{mean}, new double[][]{variance});
    }

    /** Starts drawing the initial states of the replicas whose mean is not null; returns which. */
    private boolean[] launchInitialize(double[][] mean, double[][] variance) {
        checkOpen();
        boolean[] drawn = new boolean[seeds.length];
        try {
            for (int r = 0; r < seeds.length; r++) {
                if (mean[r] == null || drawn[r]) {
                    continue;
                }
                for (int q = 0; q < seeds.length; q++) {
                    boolean alike = q >= r && mean[q] != null && !drawn[q] && Arrays.equals(mean[q], mean[r])
                            && Arrays.equals(variance[q], variance[r]);
                    replicaValues[q * REPLICA_WIDTH + REPLICA_SEED] = seeds[q];
                    replicaValues[q * REPLICA_WIDTH + REPLICA_STEP] = 0;
                    replicaValues[q * REPLICA_WIDTH + REPLICA_ACTIVE] = alike ? 1 : 0;
                    drawn[q] |= alike;
                }
                writeReplicas();
                initArgs.set(Parameter.MEAN_E, mean[r][0]);
                initArgs.set(Parameter.MEAN_I, mean[r][1]);
                initArgs.set(Parameter.SD_E, Math.sqrt(variance[r][0]));
                initArgs.set(Parameter.SD_I, Math.sqrt(variance[r][1]));
                CL.clEnqueueNDRangeKernel(queue, initKernel, 1, null, globalSize, localSize, 0, null, null);
            }
            CL.clFlush(queue);
        } catch (CLException e) {
            throw failure("drawing the initial state", e);
        }
        return drawn;
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        requireSingle();
        return step(new StepPlan[]{plan})[0];
    }

    /** One launch of the step kernel for every replica that has a plan; the others keep their states. */
    @Override
    public PopulationSums[][] step(StepPlan[] plans) {
        PoissonStep[] laws = new PoissonStep[seeds.length];
        for (int r = 0; r < seeds.length; r++) {
            if (plans[r] != null) {
                checkStep(plans[r]);
                // Prepared on the host, as CpuEngine does: the device samples the host's laws, and a lambda
                // outside the sampler's range is refused here.
                laws[r] = PoissonStep.prepare(sampler, plans[r].lambda);
            }
        }
        return readSums(launchStep(plans, laws));
    }

    static void checkStep(StepPlan plan) {
        if (plan.step < 0 || plan.step > CounterRng.MAX_STEP) {
            throw new IllegalArgumentException("step = " + plan.step + ": must be in 0.." + CounterRng.MAX_STEP);
        }
    }

    /**
     * Writes the one replica's plan and the laws the host prepared for it, starts the step and returns
     * without waiting for it; {@link #readPartials} waits.
     */
    void launchStep(StepPlan plan, PoissonStep laws) {
        requireSingle();
        launchStep(new StepPlan[]{plan}, new PoissonStep[]{laws});
    }

    /**
     * Writes the plans and laws of the replicas that have one, starts one step of them all and returns
     * without waiting; returns which replicas take part.
     */
    private boolean[] launchStep(StepPlan[] plans, PoissonStep[] laws) {
        checkOpen();
        boolean[] active = new boolean[seeds.length];
        long first = -1;
        try {
            int tableBytes = sampler == Sampler.TABLE ? writeTables(laws) : 0;
            for (int r = 0; r < seeds.length; r++) {
                active[r] = plans[r] != null;
                replicaValues[r * REPLICA_WIDTH + REPLICA_SEED] = seeds[r];
                replicaValues[r * REPLICA_WIDTH + REPLICA_STEP] = active[r] ? plans[r].step : 0;
                replicaValues[r * REPLICA_WIDTH + REPLICA_ACTIVE] = active[r] ? 1 : 0;
                if (active[r]) {
                    first = first < 0 ? plans[r].step : first;
                    writePlan(r, plans[r], laws[r]);
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
            writeReplicas();
            CL.clEnqueueNDRangeKernel(queue, stepKernel, 1, null, globalSize, localSize, 0, null, null);
            CL.clFlush(queue);
        } catch (CLException e) {
            throw failure("step " + first, e);
        }
        return active;
    }

    /** Replica r's part of the plan: a, b, delta, c per target, the weights, table offsets and laws per source. */
    private void writePlan(int r, StepPlan plan, PoissonStep laws) {
        for (int alpha = 0; alpha < 2; alpha++) {
            int t = r * PLAN_REPLICA + alpha * PLAN_STRIDE;
            planValues[t + PLAN_DECAY] = plan.decay[alpha];
            planValues[t + PLAN_HALF_DECAY] = plan.halfDecay[alpha];
            planValues[t + PLAN_SHIFT] = plan.shift[alpha];
            planValues[t + PLAN_CENTRE] = plan.centre[alpha];
            for (int beta = 0; beta < 2; beta++) {
                int s = t + (beta == 0 ? PLAN_SOURCE_E : PLAN_SOURCE_I);
                planValues[s + PLAN_WEIGHT] = plan.weight[alpha][beta];
                if (sampler == Sampler.TABLE) {
                    planValues[s + PLAN_TABLE] = tableOffsets[r][alpha][beta];
                    laws.table(alpha, beta).exportDoubles(planValues, s + PLAN_POISSON);
                } else {
                    planValues[s + PLAN_TABLE] = 0;
                    laws.prepared(alpha, beta).export(planValues, s + PLAN_POISSON);
                }
            }
        }
    }

    /** Writes the replicas' seeds, steps and activity (blocking, as the plan). */
    private void writeReplicas() {
        CL.clEnqueueWriteBuffer(queue, replicaBuffer, CL.CL_TRUE, 0, (long) replicaValues.length * Long.BYTES,
                replicaPointer, 0, null, null);
    }

    private void requireSingle() {
        if (seeds.length != 1) {
            throw new IllegalStateException("a batch of " + seeds.length + " replicas is stepped as a batch "
                    + "(step(StepPlan[])) or one replica at a time through replica(r)");
        }
    }

    /**
     * Exports the step's tables, replica by replica and in each its four one after another, into the tables
     * buffer (growing it when they need more), and decides whether the kernel caches them in local memory:
     * when both tables of any replica's population fit the budget. Returns the bytes to write.
     */
    private int writeTables(PoissonStep[] laws) {
        long bytes = 0;
        long cache = 0;
        for (int r = 0; r < laws.length; r++) {
            if (laws[r] == null) {
                continue;
            }
            for (int alpha = 0; alpha < 2; alpha++) {
                long population = 0;
                for (int beta = 0; beta < 2; beta++) {
                    PoissonTable table = laws[r].table(alpha, beta);
                    tableOffsets[r][alpha][beta] = bytes / Long.BYTES;
                    bytes += table.exportBytes();
                    population += table.exportBytes() - (long) PoissonTable.HEADER_LONGS * Long.BYTES;
                }
                cache = Math.max(cache, population);
            }
        }
        if (bytes > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("Poisson tables of " + bytes + " bytes");
        }
        if (bytes > tablesHost.capacity()) {
            allocateTables((int) (bytes + bytes / 2));
        }
        for (int r = 0; r < laws.length; r++) {
            if (laws[r] == null) {
                continue;
            }
            for (int alpha = 0; alpha < 2; alpha++) {
                for (int beta = 0; beta < 2; beta++) {
                    laws[r].table(alpha, beta).export(tablesHost, (int) (tableOffsets[r][alpha][beta] * Long.BYTES));
                }
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

    /**
     * Reads the groups' partial sums (blocking) and adds, for each replica that took part, its groups in
     * group order, e then i: the order of an engine of that replica alone.
     */
    private PopulationSums[][] readSums(boolean[] active) {
        readPartials();
        PopulationSums[][] out = new PopulationSums[seeds.length][];
        for (int r = 0; r < seeds.length; r++) {
            if (active[r]) {
                out[r] = new PopulationSums[]{new PopulationSums(), new PopulationSums()};
                for (int p = 0; p < 2; p++) {
                    addPartials(r, out[r][p], p);
                }
            }
        }
        return out;
    }

    /** Waits for the launched kernel and reads its groups' partial sums (all replicas') into the host's copy. */
    void readPartials() {
        checkOpen();
        try {
            CL.clEnqueueReadBuffer(queue, partials, CL.CL_TRUE, 0, partialHost.capacity(), partialPointer,
                    0, null, null);
        } catch (CLException e) {
            throw failure("reading the partial sums", e);
        }
        partialView.clear();
        partialView.get(partialValues);
    }

    /** {@link #addPartials(int, PopulationSums, int)} of the one replica. */
    void addPartials(PopulationSums into, int population) {
        requireSingle();
        addPartials(0, into, population);
    }

    /**
     * Adds the last read partial sums of one population's groups of replica r to {@code into}, in group
     * order: one addition per group, in double, so the total depends only on the groups and their order (a
     * {@link MultiDeviceEngine} continues the same sequence over its slices; a batch's replica r adds what
     * an engine of it alone adds).
     */
    private void addPartials(int r, PopulationSums into, int population) {
        long groups = layout.groupsPerPopulation();
        for (long g = 0; g < groups; g++) {
            into.addFlat(partialValues, (int) (((2L * r + population) * groups + g) * PopulationSums.WIDTH),
                    layout.groupNeurons(g));
        }
    }

    /** {@link #readCounts(int, Population, long, int)} of the one replica. */
    long[] readCounts(Population target, long from, int length) {
        requireSingle();
        return readCounts(0, target, from, length);
    }

    /**
     * The Poisson counts of the last step, when built with {@link Options#recordCounts}: for neurons
     * {@code [from, from + length)} of the target population of a replica, {@code [2 i]} = N_{alpha e}, {@code [2 i + 1]}
     * = N_{alpha i}.
     */
    long[] readCounts(int replica, Population target, long from, int length) {
        checkOpen();
        if (counts == null) {
            throw new IllegalStateException("counts are recorded only with Options.recordCounts");
        }
        checkRange(replica, from, length);
        long[] out = new long[2 * length];
        long offset = 2 * ((2L * replica + target.index()) * n + from) * Long.BYTES;
        CL.clEnqueueReadBuffer(queue, counts, CL.CL_TRUE, offset, (long) out.length * Long.BYTES, Pointer.to(out),
                0, null, null);
        return out;
    }

    @Override
    public void readState(Population population, long from, double[] dst, int length) {
        requireSingle();
        readState(0, population, from, dst, length);
    }

    @Override
    public void writeState(Population population, long from, double[] src, int length) {
        requireSingle();
        writeState(0, population, from, src, length);
    }

    @Override
    public void readState(int r, Population population, long from, double[] dst, int length) {
        checkOpen();
        checkRange(r, from, length);
        transfer(r, population, from, dst, length, false);
    }

    @Override
    public void writeState(int r, Population population, long from, double[] src, int length) {
        checkOpen();
        checkRange(r, from, length);
        transfer(r, population, from, src, length, true);
    }

    /** Copies between the host array and replica r's states, segment by segment, converting fp32. */
    private void transfer(int r, Population population, long from, double[] host, int length, boolean write) {
        int done = 0;
        try {
            while (done < length) {
                long j = r * layout.replicaStride() + from + done;
                int s = (int) (j / storage.segmentLength());
                long offset = j - s * storage.segmentLength();
                int count = (int) Math.min(length - done, storage.segmentNeurons(s) - offset);
                cl_mem buffer = states[population.index() * storage.segments() + s];
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
        requireSingle();
        return histogram(0, population, lo, hi, bins);
    }

    @Override
    public long[] histogram(int r, Population population, double lo, double hi, int bins) {
        checkOpen();
        checkRange(r, 0, 0);
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
            histogramArgs.set(Parameter.REPLICA_OFFSET, r * layout.replicaStride());
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

    private void checkRange(int r, long from, int length) {
        if (r < 0 || r >= seeds.length) {
            throw new IndexOutOfBoundsException("replica " + r + " of " + seeds.length);
        }
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
                    Sizes.bytes(storage.deviceBytes()), Sizes.bytes(device.globalMemory())), e);
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
        buffers.add(replicaBuffer);
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
