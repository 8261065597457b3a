package org.balnet.sim.opencl;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.PoissonTable;
import org.balnet.sim.SourceRates;
import org.balnet.sim.TableExp;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL program of the engine, assembled at load time from the kernel files shipped in the jar
 * ({@code /kernels/*.cl}, one concern each) and generated pieces: the counter layout's streams and the
 * Poisson tables' layout, {@link TableExp}'s constants, the scenario's rate functions per source
 * ({@link SourceRates#openClSource}), the step plan's offsets and the state layout.
 * A build that fails reports the device, the options and the full build log.
 */
final class KernelProgram {
    /** Kernel files, in the order they are concatenated; generated text goes between them. */
    static final String[] FILES_RNG = {"philox.cl", "poisson.cl"};
    /** Read after the generated streams and table layout ({@link CounterRng}, {@link PoissonTable}). */
    static final String[] FILES_BEFORE_GENERATED = {"poisson_table.cl", "state.cl"};
    /** Read after TableExp's generated constants and before the generated per-source rate functions. */
    static final String RATES_FILE = "rates.cl";
    static final String[] FILES_AFTER_GENERATED = {"reduce.cl", "init.cl", "step.cl", "histogram.cl"};
    private static final String RESOURCE_PREFIX = "/kernels/";

    private KernelProgram() {
    }

    /** The text of one kernel file from the classpath. */
    static String file(String name) {
        String resource = RESOURCE_PREFIX + name;
        try (InputStream in = KernelProgram.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel resource " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel resource " + resource, e);
        }
    }

    /**
     * The program's sources, in order: philox, poisson; the generated counter streams and table layout
     * ({@link CounterRng#openClDefines}, {@link PoissonTable#openClDefines}); poisson_table, state;
     * TableExp's constants, rates; the generated per-source rate functions, plan offsets and state
     * layout; reduce, init, step, histogram.
     *
     * @param planDefines the {@code #define}s of the step plan's layout
     */
    static String[] sources(Scenario scenario, StateLayout layout, String planDefines) {
        List<String> out = new ArrayList<>();
        for (String f : FILES_RNG) {
            out.add(file(f));
        }
        out.add(CounterRng.openClDefines() + PoissonTable.openClDefines());
        for (String f : FILES_BEFORE_GENERATED) {
            out.add(file(f));
        }
        out.add(TableExp.openClConstants());
        out.add(file(RATES_FILE));
        out.add(rateSource(scenario) + planDefines + layout.openClSource());
        for (String f : FILES_AFTER_GENERATED) {
            out.add(file(f));
        }
        return out.toArray(new String[0]);
    }

    /**
     * rates_source_e and rates_source_i: each source's four rates from one state
     * ({@link SourceRates#openClSource}), called by sums_accumulate in reduce.cl.
     */
    static String rateSource(Scenario scenario) {
        StringBuilder b = new StringBuilder("/* Generated from the scenario's rate functions (SourceRates.openClSource). */\n");
        for (Population source : Population.values()) {
            b.append(SourceRates.of(scenario, source).openClSource("rates_source_" + source.label));
        }
        return b.toString();
    }

    /**
     * Builds the program for one device.
     *
     * @param description the device in words, for the failure message
     * @throws OpenClFailure naming the device, the options and carrying the full build log
     */
    static cl_program build(cl_context context, cl_device_id device, String description, String[] sources,
                            String options) {
        cl_program program = CL.clCreateProgramWithSource(context, sources.length, sources, null, null);
        try {
            CL.clBuildProgram(program, 1, new cl_device_id[]{device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program, device);
            CL.clReleaseProgram(program);
            throw new OpenClFailure("the OpenCL kernels failed to build (" + CL.stringFor_errorCode(e.getStatus())
                    + ") on " + description + " with options \"" + options + "\"; build log:\n" + log, e);
        }
        return program;
    }

    static String buildLog(cl_program program, cl_device_id device) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            int end = log.length;
            while (end > 0 && log[end - 1] == 0) {
                end--;
            }
            return new String(log, 0, end, StandardCharsets.UTF_8).trim();
        } catch (CLException e) {
            return "(no build log: " + CL.stringFor_errorCode(e.getStatus()) + ")";
        }
    }
}
