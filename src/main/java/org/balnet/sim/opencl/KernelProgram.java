package org.balnet.sim.opencl;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.Philox4x32;
import org.balnet.rng.PoissonSampler;
import org.balnet.rng.PoissonTable;
import org.balnet.sim.PopulationSums;
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
 * The OpenCL program of the engine, assembled at load time: one generated header, then the kernel
 * files shipped in the jar ({@code /kernels/*.cl}, one concern each), with the scenario's rate functions
 * generated after rates.cl. The header holds every number the kernels share with Java, written from
 * the Java class that owns it ({@link #constants}) and the state layout; nothing in kernels/*.cl
 * repeats one by hand. A build that fails reports the device, the options and the full build log.
 */
final class KernelProgram {
    /** Kernel files read after the generated header, in order; the scenario's rate functions follow them. */
    static final String[] FILES_BEFORE_RATES = {"philox.cl", "poisson.cl", "poisson_table.cl", "state.cl", "rates.cl"};
    /** Kernel files read after the generated rate functions, which reduce.cl calls. */
    static final String[] FILES_AFTER_RATES = {"reduce.cl", "init.cl", "step.cl", "histogram.cl"};
    private static final String RESOURCE_PREFIX = "/kernels/";
    private static final String HEADER_BEGIN = "/* ===== Generated header: written by org.balnet.sim.opencl.KernelProgram from the Java\n"
            + "   classes named in each part. Do not edit here: change the Java class, and its kernel twin follows. ===== */\n";
    private static final String HEADER_END = "/* ===== End of the generated header. ===== */\n";

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
     * The constants the kernels share with Java, whatever the scenario: Philox's
     * ({@link Philox4x32#openClDefines}), the counter layout and uniform conversion
     * ({@link CounterRng#openClDefines}), the Poisson sampler's constants and log-factorial table
     * ({@link PoissonSampler#openClDefines}), the layout of a Poisson table
     * ({@link PoissonTable#openClDefines}), TableExp's constants and table, the layout of the sums
     * ({@link PopulationSums#openClDefines}) and of the step plan and the replicas ({@link OpenClEngine#planDefines}).
     * The twin tests build their programs on it too.
     */
    static String constants() {
        return "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
                + Philox4x32.openClDefines() + CounterRng.openClDefines() + PoissonSampler.openClDefines()
                + PoissonTable.openClDefines() + TableExp.openClConstants() + PopulationSums.openClDefines()
                + OpenClEngine.planDefines();
    }

    /** The generated header: {@link #constants} and the state buffers of this layout, between marker lines. */
    static String header(StateLayout layout) {
        return HEADER_BEGIN + constants() + layout.openClSource() + HEADER_END;
    }

    /**
     * The program's sources, in order: the generated header; philox, poisson, poisson_table, state,
     * rates; the scenario's rate functions; reduce, init, step, histogram.
     */
    static String[] sources(Scenario scenario, StateLayout layout) {
        List<String> out = new ArrayList<>();
        out.add(header(layout));
        for (String f : FILES_BEFORE_RATES) {
            out.add(file(f));
        }
        out.add(rateSource(scenario));
        for (String f : FILES_AFTER_RATES) {
            out.add(file(f));
        }
        return out.toArray(new String[0]);
    }

    /**
     * rates_source_e and rates_source_i: each source's four rates from one state
     * ({@link SourceRates#openClSource}), called by sums_accumulate in reduce.cl.
     */
    static String rateSource(Scenario scenario) {
        StringBuilder b = new StringBuilder("/* ===== Generated from the scenario's rate functions (SourceRates.openClSource). ===== */\n");
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
            return text(log).trim();
        } catch (CLException e) {
            return "(no build log: " + CL.stringFor_errorCode(e.getStatus()) + ")";
        }
    }

    /** A string OpenCL returned, without the terminating NULs. */
    static String text(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
