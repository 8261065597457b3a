package org.balnet.sim.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.balnet.sim.opencl.KernelArguments.Parameter.*;

/**
 * The parameters of the engine's kernels after their state buffers ({@code STATE_PARAMS}, see
 * {@link StateLayout#openClSource}): each parameter once, named as in the kernels in upper case and
 * typed ({@link Parameter}), and each kernel's list of them in the order of its parameter list
 * ({@link Signature}). {@link OpenClEngine} binds every argument through these ({@link Bound}), never by
 * a number. {@code KernelArgumentsTest} reads the parameter lists of kernels/*.cl and fails when they
 * and the signatures disagree in name, order or type; {@link Bound#Bound} checks the count on every build.
 */
final class KernelArguments {
    private KernelArguments() {
    }

    /** What an argument is, as far as binding goes: its size and how it is set. */
    enum Type {
        ULONG(Sizeof.cl_ulong), UINT(Sizeof.cl_uint), INT(Sizeof.cl_int), DOUBLE(Sizeof.cl_double),
        /** A {@code __global} or {@code __constant} buffer. */
        BUFFER(Sizeof.cl_mem),
        /** A {@code __local} buffer: set with its size and no value. */
        LOCAL(0);

        final int bytes;

        Type(int bytes) {
            this.bytes = bytes;
        }
    }

    /** A kernel parameter, named as in the kernels (in lower case there). */
    enum Parameter {
        N(Type.ULONG), TILE(Type.ULONG), GROUPS_PER_POPULATION(Type.ULONG), SEGMENT_LENGTH(Type.ULONG),
        /** Elements of a population's state from one replica's block to the next (a whole number of tiles). */
        REPLICA_STRIDE(Type.ULONG),
        /** Per replica its seed, step and whether it takes part (REPLICA_* in the generated header). */
        REPLICAS(Type.BUFFER),
        NEURON_BASE(Type.ULONG),
        MEAN_E(Type.DOUBLE), MEAN_I(Type.DOUBLE), SD_E(Type.DOUBLE), SD_I(Type.DOUBLE),
        PLAN(Type.BUFFER), TABLES(Type.BUFFER), TABLES_IN_LOCAL(Type.UINT), TABLE_CACHE(Type.LOCAL),
        PARTIALS(Type.BUFFER),
        /** Where the histogram's replica starts in its population's state. */
        REPLICA_OFFSET(Type.ULONG),
        POP(Type.INT), NEURONS_PER_GROUP(Type.ULONG), LO(Type.DOUBLE), HI(Type.DOUBLE), SCALE(Type.DOUBLE),
        BINS(Type.INT), WINDOW_FIRST(Type.INT), WINDOW_COUNT(Type.INT),
        COUNTS(Type.BUFFER), LOCAL_COUNTS(Type.LOCAL);

        final Type type;

        Parameter(Type type) {
            this.type = type;
        }

        /** The parameter's name in the kernel source. */
        String kernelName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One kernel's parameters after its state buffers, in order.
     *
     * @param conditional the parameters declared only under a build option ({@code #ifdef}), with that option
     */
    record Signature(String kernel, List<Parameter> parameters, Map<Parameter, String> conditional) {
        /** {@code init_population} in kernels/init.cl. */
        static final Signature INIT = new Signature("init_population", List.of(N, TILE, GROUPS_PER_POPULATION,
                SEGMENT_LENGTH, REPLICA_STRIDE, REPLICAS, NEURON_BASE, MEAN_E, MEAN_I, SD_E, SD_I, PARTIALS), Map.of());
        /** {@code step_population} in kernels/step.cl; the counts only in the tests' builds ({@link OpenClEngine.Options#recordCounts}). */
        static final Signature STEP = new Signature("step_population", List.of(N, TILE, GROUPS_PER_POPULATION,
                SEGMENT_LENGTH, REPLICA_STRIDE, REPLICAS, NEURON_BASE, PLAN, TABLES, TABLES_IN_LOCAL, TABLE_CACHE, PARTIALS,
                COUNTS), Map.of(COUNTS, OpenClEngine.RECORD_COUNTS));
        /** {@code histogram_population} in kernels/histogram.cl. */
        static final Signature HISTOGRAM = new Signature("histogram_population", List.of(N, SEGMENT_LENGTH, REPLICA_OFFSET,
                POP, NEURONS_PER_GROUP, LO, HI, SCALE, BINS, WINDOW_FIRST, WINDOW_COUNT, COUNTS, LOCAL_COUNTS), Map.of());

        /** The parameter's place after the state buffers. */
        int index(Parameter p) {
            int i = parameters.indexOf(p);
            if (i < 0) {
                throw new IllegalArgumentException(kernel + " has no parameter " + p.kernelName());
            }
            return i;
        }

        /** How many of the parameters a program built with these options declares. */
        int declared(String buildOptions) {
            int count = 0;
            for (Parameter p : parameters) {
                String option = conditional.get(p);
                count += option == null || hasOption(buildOptions, option) ? 1 : 0;
            }
            return count;
        }

        private static boolean hasOption(String buildOptions, String option) {
            for (String o : buildOptions.split(" ")) {
                if (o.equals("-D" + option) || o.startsWith("-D" + option + "=")) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A kernel whose arguments are set by parameter: index = the state buffers + the parameter's place
     * in its signature. Setting a parameter the kernel lacks, or with a value of another type, is a
     * programming error and throws.
     */
    static final class Bound {
        private final cl_kernel kernel;
        private final Signature signature;
        private final int stateArgs;

        /**
         * @param stateArgs    number of state buffers, the kernel's first arguments
         * @param buildOptions the options the program was built with (which conditional parameters exist)
         * @throws OpenClFailure if the compiled kernel has another number of arguments than these
         */
        Bound(cl_kernel kernel, Signature signature, int stateArgs, String buildOptions, String deviceLabel) {
            this.kernel = kernel;
            this.signature = signature;
            this.stateArgs = stateArgs;
            int expected = stateArgs + signature.declared(buildOptions);
            int[] actual = new int[1];
            CL.clGetKernelInfo(kernel, CL.CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(actual), null);
            if (actual[0] != expected) {
                throw new OpenClFailure("kernel " + signature.kernel() + " on " + deviceLabel + " has " + actual[0]
                        + " arguments, but OpenClEngine binds " + expected + " (" + stateArgs
                        + " state buffers and KernelArguments.Signature): the two lists disagree");
            }
        }

        cl_kernel kernel() {
            return kernel;
        }

        /** Binds the state buffers, arguments 0 .. stateArgs - 1. */
        void states(cl_mem[] states) {
            for (int i = 0; i < stateArgs; i++) {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(states[i]));
            }
        }

        void set(Parameter p, long value) {
            CL.clSetKernelArg(kernel, index(p, Type.ULONG), Type.ULONG.bytes, Pointer.to(new long[]{value}));
        }

        void set(Parameter p, double value) {
            CL.clSetKernelArg(kernel, index(p, Type.DOUBLE), Type.DOUBLE.bytes, Pointer.to(new double[]{value}));
        }

        void set(Parameter p, int value) {
            Type type = p.type == Type.UINT ? Type.UINT : Type.INT;
            CL.clSetKernelArg(kernel, index(p, type), type.bytes, Pointer.to(new int[]{value}));
        }

        void set(Parameter p, cl_mem buffer) {
            CL.clSetKernelArg(kernel, index(p, Type.BUFFER), Type.BUFFER.bytes, Pointer.to(buffer));
        }

        /** Sets a scalar of the parameter's type from a pointer the caller keeps (no allocation per step). */
        void value(Parameter p, Pointer value) {
            if (p.type == Type.LOCAL || p.type == Type.BUFFER) {
                throw new IllegalArgumentException(signature.kernel() + "(" + p.kernelName() + ") is not a scalar");
            }
            CL.clSetKernelArg(kernel, index(p, p.type), p.type.bytes, value);
        }

        /** Gives a {@code __local} parameter its size. */
        void local(Parameter p, long bytes) {
            CL.clSetKernelArg(kernel, index(p, Type.LOCAL), bytes, null);
        }

        private int index(Parameter p, Type type) {
            if (p.type != type) {
                throw new IllegalArgumentException(signature.kernel() + "(" + p.kernelName() + ") is " + p.type
                        + ", set as " + type);
            }
            return stateArgs + signature.index(p);
        }
    }
}
