package org.balnet.sim.opencl;

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
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one OpenCL harness of the tests. It decides once per JVM whether there is a device to test on
 * (the device the default host profile chooses: a GPU, else PoCL's CPU device in CI; fp64 is part of
 * the choice) and then either hands it out or, when there is none, skips the calling test with the
 * reason printed. With {@value #REQUIRE_VARIABLE}=1 in the environment (as {@code .ci/run} sets it)
 * a missing or unusable device fails the test instead, so CI cannot pass with the OpenCL tests
 * skipped. Once a device exists, anything that goes wrong on it is a failure, never a skip.
 *
 * <p>Instances are a context and queue on that device for tests that run their own kernels (the
 * twin tests): kernel sources from the classpath, builds that report the device, options and build
 * log when they fail, and buffers released on {@link #close}. The production driver is
 * {@link OpenClEngine}'s business.
 */
public final class OpenClTestDevice implements AutoCloseable {
    /** Set to 1 to make a missing or unusable OpenCL device a test failure instead of a skip. */
    public static final String REQUIRE_VARIABLE = "BALNET_REQUIRE_OPENCL";

    private static DeviceInfo chosen;
    private static String unavailableReason;

    private final cl_device_id device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final String description;
    private final List<cl_mem> buffers = new ArrayList<>();
    private final List<cl_program> programs = new ArrayList<>();
    private final List<cl_kernel> kernels = new ArrayList<>();

    private OpenClTestDevice(DeviceInfo info) {
        this.device = info.deviceId();
        this.description = info.label();
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, info.platformId());
        this.context = CL.clCreateContext(properties, 1, new cl_device_id[]{device}, null, null, null);
        @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0
        cl_command_queue q = CL.clCreateCommandQueue(context, device, 0, null);
        this.queue = q;
    }

    /**
     * The device the OpenCL tests run on: the one the default host profile (or
     * {@value OpenClDevices#DEVICE_VARIABLE}) selects, which has fp64. Where there is none, or the
     * OpenCL library does not load, the calling test is skipped with the reason printed, or fails
     * under {@value #REQUIRE_VARIABLE}=1.
     */
    public static synchronized DeviceInfo device() {
        if (chosen == null && unavailableReason == null) {
            try {
                DeviceRequest request = DeviceRequest.fromEnvironment(profile());
                chosen = OpenClDevices.select(OpenClDevices.list(), profile(), request.selector(),
                        request.selectorSource());
                System.out.println("OpenCL tests on " + chosen.label());
            } catch (OpenClFailure | LinkageError e) {
                // LinkageError: after JOCL's static initializer has failed once, every later use of CL
                // throws NoClassDefFoundError, whichever test comes first.
                unavailableReason = e.getMessage();
            }
        }
        if (unavailableReason != null) {
            unavailable("no usable OpenCL device: " + unavailableReason);
        }
        return chosen;
    }

    /** The host profile the tests use: the default one. */
    public static HostProfile profile() {
        return HostProfile.defaults();
    }

    /** A context and queue on {@link #device()}, for tests that build and run their own kernels. */
    public static OpenClTestDevice open() {
        return new OpenClTestDevice(device());
    }

    /**
     * Ends the calling test because OpenCL cannot be tested here: a failure under
     * {@value #REQUIRE_VARIABLE}=1, else a skip; either way the reason is printed.
     */
    public static void unavailable(String reason) {
        if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
            Assertions.fail(reason + " (" + REQUIRE_VARIABLE + "=1: the OpenCL tests must run here)");
        }
        System.out.println("OpenCL test skipped: " + reason);
        Assumptions.abort(reason);
    }

    /** Device name, platform and OpenCL version. */
    public String description() {
        return description;
    }

    /** The text of a kernel file shipped as a classpath resource, e.g. "/kernels/philox.cl". */
    public static String source(String resource) {
        try (InputStream in = OpenClTestDevice.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("kernel resource " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read kernel resource " + resource, e);
        }
    }

    /**
     * The constants the engine's kernels share with Java ({@link KernelProgram#constants}): the start
     * of every twin test's program, as of the engine's.
     */
    public static String kernelConstants() {
        return KernelProgram.constants();
    }

    /**
     * Builds the concatenation of the sources, in order.
     *
     * @throws AssertionError naming the device, the options and carrying the full build log, if
     *                        the build fails
     */
    public cl_program build(String options, String... sources) {
        cl_program program = CL.clCreateProgramWithSource(context, sources.length, sources, null, null);
        programs.add(program);
        try {
            CL.clBuildProgram(program, 1, new cl_device_id[]{device}, options, null, null);
        } catch (CLException e) {
            throw new AssertionError("OpenCL build failed (" + CL.stringFor_errorCode(e.getStatus()) + ") on " + description
                    + " with options \"" + options + "\"; build log:\n" + buildLog(program), e);
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    public cl_kernel kernel(cl_program program, String name) {
        cl_kernel kernel = CL.clCreateKernel(program, name, null);
        kernels.add(kernel);
        return kernel;
    }

    public cl_mem input(int[] data) {
        return buffer(CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_int * data.length, Pointer.to(data));
    }

    public cl_mem input(long[] data) {
        return buffer(CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_long * data.length, Pointer.to(data));
    }

    public cl_mem input(double[] data) {
        return buffer(CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_double * data.length, Pointer.to(data));
    }

    /** A write-only buffer of the given size in bytes. */
    public cl_mem output(long bytes) {
        return buffer(CL.CL_MEM_WRITE_ONLY, bytes, null);
    }

    private cl_mem buffer(long flags, long bytes, Pointer host) {
        cl_mem buffer = CL.clCreateBuffer(context, flags, bytes, host, null);
        buffers.add(buffer);
        return buffer;
    }

    /** Sets the arguments in order: cl_mem, Integer or Long values. */
    public static void arguments(cl_kernel kernel, Object... values) {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof cl_mem) {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to((cl_mem) v));
            } else if (v instanceof Integer) {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[]{(Integer) v}));
            } else if (v instanceof Long) {
                CL.clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[]{(Long) v}));
            } else {
                throw new IllegalArgumentException("argument " + i + ": unsupported type " + v.getClass());
            }
        }
    }

    /** Runs a 1-D range of the given size and waits for it. */
    public void run(cl_kernel kernel, long globalSize) {
        CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[]{globalSize}, null, 0, null, null);
        CL.clFinish(queue);
    }

    public void read(cl_mem buffer, int[] into) {
        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, 0, (long) Sizeof.cl_int * into.length, Pointer.to(into), 0, null, null);
    }

    public void read(cl_mem buffer, long[] into) {
        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, 0, (long) Sizeof.cl_long * into.length, Pointer.to(into), 0, null, null);
    }

    public void read(cl_mem buffer, double[] into) {
        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, 0, (long) Sizeof.cl_double * into.length, Pointer.to(into), 0, null, null);
    }

    @Override
    public void close() {
        buffers.forEach(CL::clReleaseMemObject);
        kernels.forEach(CL::clReleaseKernel);
        programs.forEach(CL::clReleaseProgram);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}
