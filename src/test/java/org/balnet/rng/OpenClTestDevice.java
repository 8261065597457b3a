package org.balnet.rng;

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
import org.jocl.cl_platform_id;
import org.jocl.cl_program;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support, deliberately small: the first OpenCL device with cl_khr_fp64, a context and queue
 * on it, kernel sources from the classpath, builds that report the device, options and build log
 * when they fail, and buffers released on {@link #close}. The production driver is
 * {@code org.balnet.sim.opencl}'s business.
 */
final class OpenClTestDevice implements AutoCloseable {
    private final cl_device_id device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final String description;
    private final List<cl_mem> buffers = new ArrayList<>();
    private final List<cl_program> programs = new ArrayList<>();
    private final List<cl_kernel> kernels = new ArrayList<>();

    private OpenClTestDevice(cl_platform_id platform, cl_device_id device, String description) {
        this.device = device;
        this.description = description;
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, platform);
        this.context = CL.clCreateContext(properties, 1, new cl_device_id[]{device}, null, null, null);
        @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0
        cl_command_queue q = CL.clCreateCommandQueue(context, device, 0, null);
        this.queue = q;
    }

    /**
     * The first device, over all platforms, that reports cl_khr_fp64 and is not a simulator (Oclgrind,
     * which CI registers for its own check and which would take minutes here). Aborts the calling test with
     * a JUnit assumption (skipped, not failed), printing the reason, when the JOCL native library
     * does not load, there is no platform, or no device has fp64.
     */
    static OpenClTestDevice openWithFp64() {
        List<String> seen = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id platform : platforms) {
                String platformName = platformInfo(platform, CL.CL_PLATFORM_NAME);
                CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
                cl_device_id[] devices = new cl_device_id[count[0]];
                CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, devices.length, devices, null);
                for (cl_device_id device : devices) {
                    String name = deviceInfo(device, CL.CL_DEVICE_NAME) + " (" + platformName + ", "
                            + deviceInfo(device, CL.CL_DEVICE_VERSION) + ")";
                    seen.add(name);
                    if (name.contains("Oclgrind")) {
                        continue;
                    }
                    if (deviceInfo(device, CL.CL_DEVICE_EXTENSIONS).contains("cl_khr_fp64")) {
                        return new OpenClTestDevice(platform, device, name);
                    }
                }
            }
        } catch (UnsatisfiedLinkError | CLException e) {
            skip("no usable OpenCL platform: " + e);
        }
        skip(seen.isEmpty() ? "no OpenCL platform or device found" : "no OpenCL device with cl_khr_fp64 among " + seen);
        throw new AssertionError("unreachable");
    }

    private static void skip(String reason) {
        System.out.println("OpenCL test skipped: " + reason);
        Assumptions.assumeTrue(false, reason);
    }

    /** Device name, platform and OpenCL version. */
    String description() {
        return description;
    }

    /** The text of a kernel file shipped as a classpath resource, e.g. "/kernels/philox.cl". */
    static String source(String resource) {
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
     * Builds the concatenation of the sources, in order.
     *
     * @throws AssertionError naming the device, the options and carrying the full build log, if
     *                        the build fails
     */
    cl_program build(String options, String... sources) {
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

    cl_kernel kernel(cl_program program, String name) {
        cl_kernel kernel = CL.clCreateKernel(program, name, null);
        kernels.add(kernel);
        return kernel;
    }

    cl_mem input(int[] data) {
        return buffer(CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_int * data.length, Pointer.to(data));
    }

    cl_mem input(long[] data) {
        return buffer(CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_long * data.length, Pointer.to(data));
    }

    cl_mem input(double[] data) {
        return buffer(CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, (long) Sizeof.cl_double * data.length, Pointer.to(data));
    }

    /** A write-only buffer of the given size in bytes. */
    cl_mem output(long bytes) {
        return buffer(CL.CL_MEM_WRITE_ONLY, bytes, null);
    }

    private cl_mem buffer(long flags, long bytes, Pointer host) {
        cl_mem buffer = CL.clCreateBuffer(context, flags, bytes, host, null);
        buffers.add(buffer);
        return buffer;
    }

    /** Sets the arguments in order: cl_mem, Integer or Long values. */
    static void arguments(cl_kernel kernel, Object... values) {
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
    void run(cl_kernel kernel, long globalSize) {
        CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[]{globalSize}, null, 0, null, null);
        CL.clFinish(queue);
    }

    void read(cl_mem buffer, int[] into) {
        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, 0, (long) Sizeof.cl_int * into.length, Pointer.to(into), 0, null, null);
    }

    void read(cl_mem buffer, long[] into) {
        CL.clEnqueueReadBuffer(queue, buffer, CL.CL_TRUE, 0, (long) Sizeof.cl_long * into.length, Pointer.to(into), 0, null, null);
    }

    void read(cl_mem buffer, double[] into) {
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

    private static String platformInfo(cl_platform_id platform, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(platform, param, 0, null, size);
        byte[] value = new byte[(int) size[0]];
        CL.clGetPlatformInfo(platform, param, value.length, Pointer.to(value), null);
        return cString(value);
    }

    private static String deviceInfo(cl_device_id device, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(device, param, 0, null, size);
        byte[] value = new byte[(int) size[0]];
        CL.clGetDeviceInfo(device, param, value.length, Pointer.to(value), null);
        return cString(value);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
