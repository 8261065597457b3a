package org.balnet.sim.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

import java.util.Locale;

/**
 * The parameters of the engine's kernels after their state buffers ({@code STATE_PARAMS}, see
 * {@link StateLayout#openClSource}), one enum per kernel listing them in the order of the kernel's
 * parameter list, each constant named as the parameter in upper case and typed. {@link OpenClEngine}
 * binds every argument through them ({@link Bound}), never by a number. {@code KernelArgumentsTest}
 * reads the parameter lists of kernels/*.cl and fails when they and these enums disagree in name,
 * order or type; {@link Bound#Bound} checks the count on every build.
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

    /** One kernel parameter: implemented by the enums below. */
    interface Parameter {
        Type type();

        /** The build option that declares the parameter ({@code #ifdef}), or null when it is always there. */
        String buildOption();

        String name();

        int ordinal();

        /** The parameter's name in the kernel source. */
        default String kernelName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code init_population} in kernels/init.cl. */
    enum Init implements Parameter {
        N(Type.ULONG), TILE(Type.ULONG), GROUPS_PER_POPULATION(Type.ULONG), SEGMENT_LENGTH(Type.ULONG),
        SEED(Type.ULONG), NEURON_BASE(Type.ULONG),
        MEAN_E(Type.DOUBLE), MEAN_I(Type.DOUBLE), SD_E(Type.DOUBLE), SD_I(Type.DOUBLE),
        PARTIALS(Type.BUFFER);

        static final String KERNEL = "init_population";
        private final Type type;

        Init(Type type) {
            this.type = type;
        }

        @Override
        public Type type() {
            return type;
        }

        @Override
        public String buildOption() {
            return null;
        }
    }

    /** {@code step_population} in kernels/step.cl. */
    enum Step implements Parameter {
        N(Type.ULONG), TILE(Type.ULONG), GROUPS_PER_POPULATION(Type.ULONG), SEGMENT_LENGTH(Type.ULONG),
        SEED(Type.ULONG), NEURON_BASE(Type.ULONG),
        /** The step index of the counter (not {@code step}: PoCL renames a parameter that shadows the built-in). */
        TIME_STEP(Type.ULONG),
        PLAN(Type.BUFFER), TABLES(Type.BUFFER), TABLES_IN_LOCAL(Type.UINT), TABLE_CACHE(Type.LOCAL),
        PARTIALS(Type.BUFFER),
        /** Only in the tests' builds: each neuron's two counts ({@link OpenClEngine.Options#recordCounts}). */
        COUNTS(Type.BUFFER, OpenClEngine.RECORD_COUNTS);

        static final String KERNEL = "step_population";
        private final Type type;
        private final String buildOption;

        Step(Type type) {
            this(type, null);
        }

        Step(Type type, String buildOption) {
            this.type = type;
            this.buildOption = buildOption;
        }

        @Override
        public Type type() {
            return type;
        }

        @Override
        public String buildOption() {
            return buildOption;
        }
    }

    /** {@code histogram_population} in kernels/histogram.cl. */
    enum Histogram implements Parameter {
        N(Type.ULONG), SEGMENT_LENGTH(Type.ULONG), POP(Type.INT), NEURONS_PER_GROUP(Type.ULONG),
        LO(Type.DOUBLE), HI(Type.DOUBLE), SCALE(Type.DOUBLE), BINS(Type.INT),
        WINDOW_FIRST(Type.INT), WINDOW_COUNT(Type.INT),
        COUNTS(Type.BUFFER), LOCAL_COUNTS(Type.LOCAL);

        static final String KERNEL = "histogram_population";
        private final Type type;

        Histogram(Type type) {
            this.type = type;
        }

        @Override
        public Type type() {
            return type;
        }

        @Override
        public String buildOption() {
            return null;
        }
    }

    /**
     * A kernel whose arguments are set by parameter: index = the state buffers + the parameter's place.
     * Setting a parameter with a value of another type is a programming error and throws.
     */
    static final class Bound<P extends Enum<P> & Parameter> {
        private final cl_kernel kernel;
        private final String name;
        private final int stateArgs;

        /**
         * @param parameters   the kernel's parameters after the state buffers
         * @param stateArgs    number of state buffers, the kernel's first arguments
         * @param buildOptions the options the program was built with (which optional parameters exist)
         * @throws OpenClFailure if the compiled kernel has another number of arguments than these
         */
        Bound(cl_kernel kernel, String name, Class<P> parameters, int stateArgs, String buildOptions,
              String deviceLabel) {
            this.kernel = kernel;
            this.name = name;
            this.stateArgs = stateArgs;
            int expected = stateArgs;
            for (P p : parameters.getEnumConstants()) {
                expected += p.buildOption() == null || hasOption(buildOptions, p.buildOption()) ? 1 : 0;
            }
            int[] actual = new int[1];
            CL.clGetKernelInfo(kernel, CL.CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(actual), null);
            if (actual[0] != expected) {
                throw new OpenClFailure("kernel " + name + " on " + deviceLabel + " has " + actual[0]
                        + " arguments, but OpenClEngine binds " + expected + " (" + stateArgs + " state buffers and "
                        + parameters.getSimpleName() + " in KernelArguments): the two lists disagree");
            }
        }

        private static boolean hasOption(String buildOptions, String option) {
            for (String o : buildOptions.split(" ")) {
                if (o.equals("-D" + option) || o.startsWith("-D" + option + "=")) {
                    return true;
                }
            }
            return false;
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

        void set(P p, long value) {
            value(p, Type.ULONG, Pointer.to(new long[]{value}));
        }

        void set(P p, double value) {
            value(p, Type.DOUBLE, Pointer.to(new double[]{value}));
        }

        void set(P p, int value) {
            value(p, p.type() == Type.UINT ? Type.UINT : Type.INT, Pointer.to(new int[]{value}));
        }

        void set(P p, cl_mem buffer) {
            value(p, Type.BUFFER, Pointer.to(buffer));
        }

        /** Sets a scalar from a pointer the caller keeps (no allocation per call, for every step's arguments). */
        void value(P p, Type type, Pointer value) {
            check(p, type);
            CL.clSetKernelArg(kernel, stateArgs + p.ordinal(), type.bytes, value);
        }

        /** Gives a {@code __local} parameter its size. */
        void local(P p, long bytes) {
            check(p, Type.LOCAL);
            CL.clSetKernelArg(kernel, stateArgs + p.ordinal(), bytes, null);
        }

        private void check(P p, Type type) {
            if (p.type() != type) {
                throw new IllegalArgumentException(name + "(" + p.kernelName() + ") is " + p.type() + ", set as " + type);
            }
        }
    }
}
