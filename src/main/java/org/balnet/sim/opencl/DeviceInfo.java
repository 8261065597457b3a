package org.balnet.sim.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.Locale;

/**
 * One OpenCL device as the driver reports it. Memory sizes in bytes.
 *
 * @param index            position in {@link OpenClDevices#list()} (what {@code --device N} and
 *                         {@code balnet devices} use): platforms in driver order, their devices in order
 * @param platform         platform name, e.g. "NVIDIA CUDA", "Portable Computing Language"
 * @param name             device name
 * @param type             GPU, CPU, accelerator or other
 * @param computeUnits     CL_DEVICE_MAX_COMPUTE_UNITS (SMs on NVIDIA, cores on PoCL)
 * @param globalMemory     CL_DEVICE_GLOBAL_MEM_SIZE
 * @param maxAllocation    CL_DEVICE_MAX_MEM_ALLOC_SIZE, the largest single buffer
 * @param localMemory      CL_DEVICE_LOCAL_MEM_SIZE per work-group
 * @param maxWorkGroupSize CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param maxParameterSize CL_DEVICE_MAX_PARAMETER_SIZE: bytes of kernel arguments, which bounds how
 *                         many buffers one population's state may be split over
 * @param fp64             whether the device has cl_khr_fp64 (the sampler needs it)
 * @param version          CL_DEVICE_VERSION, e.g. "OpenCL 3.0 CUDA"
 * @param driver           CL_DRIVER_VERSION
 * @param available        CL_DEVICE_AVAILABLE
 * @param platformId       JOCL handle
 * @param deviceId         JOCL handle
 */
public record DeviceInfo(int index, String platform, String name, HostProfile.DeviceType type, int computeUnits,
                         long globalMemory, long maxAllocation, long localMemory, long maxWorkGroupSize,
                         long maxParameterSize, boolean fp64, String version, String driver, boolean available,
                         cl_platform_id platformId, cl_device_id deviceId) {

    /**
     * A simulator of a device rather than a device: Oclgrind, which interprets kernels one instruction
     * at a time to check them, and reports itself as a GPU. A run takes it only when {@code --device}
     * names it.
     */
    public boolean simulator() {
        return OpenClDevices.SIMULATORS.stream().anyMatch(s -> platform.contains(s) || name.contains(s));
    }

    /** GPUs and accelerators come before CPU devices when {@code auto} chooses. */
    boolean isGpuLike() {
        return type == HostProfile.DeviceType.GPU || type == HostProfile.DeviceType.ACCELERATOR;
    }

    /** "[0] NVIDIA H200 (NVIDIA CUDA, OpenCL 3.0 CUDA)". */
    public String label() {
        return String.format(Locale.ROOT, "[%d] %s (%s, %s)", index, name, platform, version);
    }

    @Override
    public String toString() {
        return label();
    }
}
