package org.balnet.sim.opencl;

import org.balnet.model.InputError;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The OpenCL devices of this machine, and the choice of one: by {@code --device} (an index of
 * {@link #list()} or a substring of the device or platform name), else by the host profile, GPUs and
 * accelerators first, then CPU devices, never a simulator such as Oclgrind.
 */
public final class OpenClDevices {
    /** Environment variable read when {@code --device} is not given. */
    public static final String DEVICE_VARIABLE = "BALNET_OPENCL_DEVICE";
    /** clGetPlatformIDs' answer when the ICD loader finds no vendor driver (cl_khr_icd). */
    private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    private OpenClDevices() {
    }

    /**
     * Platforms known to put LLVM's signal handlers over the JVM's as soon as their devices are listed
     * (clGetDeviceIDs; asking for platform names is harmless): PoCL. See {@link SignalChaining}.
     */
    static final List<String> IN_PROCESS_LLVM_PLATFORMS = List.of("Portable Computing Language");

    /**
     * Platform or device names of simulators ({@link DeviceInfo#simulator()}): never chosen without
     * {@code --device}, however they report their type.
     */
    static final List<String> SIMULATORS = List.of("Oclgrind");

    /**
     * The devices found, and the platforms passed over without listing their devices.
     *
     * @param devices          in driver order
     * @param skippedPlatforms names of platforms not examined (see {@link #list(boolean)})
     */
    public record Listing(List<DeviceInfo> devices, List<String> skippedPlatforms) {
    }

    /**
     * Every device of every platform, in driver order.
     *
     * @return the devices; empty when the loader works but finds no platform
     * @throws OpenClFailure when the OpenCL loader (libOpenCL.so) or JOCL's native library cannot be
     *                       loaded, or the driver fails to answer
     */
    public static List<DeviceInfo> list() {
        return list(false).devices();
    }

    /**
     * The devices, optionally without touching platforms whose listing alone would take the JVM's
     * signal handlers: with {@code protectJvm} and no signal chaining ({@link SignalChaining#active()}),
     * the devices of {@link #IN_PROCESS_LLVM_PLATFORMS} are not listed, so a run that ends up on the
     * Java engine keeps a sound JVM (and its SIGINT/SIGTERM handling).
     *
     * <p>Synchronized: the ICD loader reads its vendor list on the first clGetPlatformIDs of a process, and
     * two threads making that first call at once (two shards of {@code validate --plan local} starting
     * together) were seen to leave one of them with no platform, so that {@code auto} fell back to the
     * Java engine for that replica alone.
     *
     * @throws OpenClFailure as {@link #list()}
     */
    public static synchronized Listing list(boolean protectJvm) {
        boolean skipRisky = protectJvm && !SignalChaining.active();
        List<String> skipped = new ArrayList<>();
        // Before JOCL is touched: it prints its own line when the library is missing (OpenClLibrary).
        OpenClLibrary.problem().ifPresent(why -> {
            throw cannotLoad(why, null);
        });
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            try {
                CL.clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                if (e.getStatus() == CL_PLATFORM_NOT_FOUND_KHR) {
                    return new Listing(List.of(), List.of());
                }
                throw e;
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            List<DeviceInfo> out = new ArrayList<>();
            for (cl_platform_id platform : platforms) {
                String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
                if (skipRisky && IN_PROCESS_LLVM_PLATFORMS.stream().anyMatch(platformName::contains)) {
                    skipped.add(platformName);
                    continue;
                }
                try {
                    CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
                } catch (CLException e) {
                    if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) {
                        continue;
                    }
                    throw e;
                }
                cl_device_id[] devices = new cl_device_id[count[0]];
                CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, devices.length, devices, null);
                for (cl_device_id d : devices) {
                    out.add(describe(out.size(), platform, platformName, d));
                }
            }
            return new Listing(out, skipped);
        } catch (LinkageError e) {
            throw cannotLoad(e.getMessage(), e);
        } catch (CLException e) {
            throw new OpenClFailure("the OpenCL driver failed while listing devices: "
                    + CL.stringFor_errorCode(e.getStatus()), e);
        }
    }

    private static OpenClFailure cannotLoad(String why, Throwable cause) {
        return new OpenClFailure("the OpenCL library cannot be loaded (" + why + "): install an OpenCL ICD loader "
                + "(libOpenCL.so, e.g. Debian's ocl-icd-libopencl1 and ocl-icd-opencl-dev) and a driver, or see "
                + "hosts/gpu-check.sh", cause);
    }

    private static DeviceInfo describe(int index, cl_platform_id platform, String platformName, cl_device_id d) {
        long type = deviceLong(d, CL.CL_DEVICE_TYPE);
        HostProfile.DeviceType t;
        if ((type & CL.CL_DEVICE_TYPE_GPU) != 0) {
            t = HostProfile.DeviceType.GPU;
        } else if ((type & CL.CL_DEVICE_TYPE_CPU) != 0) {
            t = HostProfile.DeviceType.CPU;
        } else if ((type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            t = HostProfile.DeviceType.ACCELERATOR;
        } else {
            t = HostProfile.DeviceType.OTHER;
        }
        String extensions = deviceString(d, CL.CL_DEVICE_EXTENSIONS);
        return new DeviceInfo(index, platformName, deviceString(d, CL.CL_DEVICE_NAME), t,
                deviceInt(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceLong(d, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(d, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(d, CL.CL_DEVICE_LOCAL_MEM_SIZE),
                deviceSize(d, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                deviceSize(d, CL.CL_DEVICE_MAX_PARAMETER_SIZE),
                extensions.contains("cl_khr_fp64"),
                deviceString(d, CL.CL_DEVICE_VERSION),
                deviceString(d, CL.CL_DRIVER_VERSION),
                deviceInt(d, CL.CL_DEVICE_AVAILABLE) != 0,
                platform, d);
    }

    /**
     * Chooses the device for a run.
     *
     * @param devices        {@link #list()}
     * @param profile        host profile: its device conditions apply when there is no selector
     * @param selector       {@code --device} or {@link #DEVICE_VARIABLE}: an index of {@code devices} or a
     *                       case-insensitive substring of "platform / device name"; null or blank for none
     * @param selectorSource where the selector came from ("--device" or the variable), for messages
     * @throws OpenClFailure                       when there is no device at all, or none that the profile
     *                                             accepts, that has fp64 and is not a simulator
     * @throws org.balnet.model.BadInputException when the selector names no device, or a device without fp64
     */
    public static DeviceInfo select(List<DeviceInfo> devices, HostProfile profile, String selector,
                                    String selectorSource) {
        if (devices.isEmpty()) {
            throw new OpenClFailure("no OpenCL platform or device found: the ICD loader sees no driver "
                    + "(check /etc/OpenCL/vendors or OCL_ICD_VENDORS; hosts/gpu-check.sh repairs a bare GPU host)");
        }
        if (selector != null && !selector.isBlank()) {
            DeviceInfo chosen = bySelector(devices, selector.trim(), selectorSource);
            if (!chosen.fp64()) {
                throw InputError.CONFLICT.exception(selectorSource, String.format(Locale.ROOT,
                        "%s = %s selects %s, which has no fp64 (cl_khr_fp64); the Poisson sampler's arithmetic is "
                                + "double, so balnet cannot run there: choose another device (balnet devices) or "
                                + "--backend cpu", selectorSource, selector, chosen.label()));
            }
            if (!chosen.available()) {
                throw new OpenClFailure(chosen.label() + " is not available (CL_DEVICE_AVAILABLE is false)");
            }
            return chosen;
        }
        return devices.stream()
                .filter(d -> d.available() && d.fp64() && !d.simulator() && profile.matches(d))
                .min(Comparator.comparingInt((DeviceInfo d) -> d.isGpuLike() ? 0
                        : d.type() == HostProfile.DeviceType.CPU ? 1 : 2).thenComparingInt(DeviceInfo::index))
                .orElseThrow(() -> new OpenClFailure(String.format(Locale.ROOT,
                        "no available OpenCL device with fp64 matches host profile %s (%s); devices: %s%s",
                        profile.name(), profile.conditions(), describeAll(devices),
                        devices.stream().anyMatch(DeviceInfo::simulator) ? " (a simulator is taken only when --device "
                                + "names it)" : "")));
    }

    /** The selector that takes every device the host profile accepts ({@link #selectAll}). */
    public static final String ALL = "all";

    /** Whether a selector names several devices: {@value #ALL} or a comma-separated list. */
    public static boolean isList(String selector) {
        return selector != null && (selector.contains(",") || selector.trim().equalsIgnoreCase(ALL));
    }

    /**
     * Chooses the devices of a run, which may be several ({@link MultiDeviceEngine}): for a single
     * selector (or none) the one device of {@link #select}; for {@value #ALL} every available device
     * with fp64 that the host profile accepts, simulators left out; for a list ({@code 0,1} or name
     * substrings), those devices, in the list's order.
     *
     * @throws OpenClFailure                       as {@link #select}, or when {@value #ALL} finds no device
     * @throws org.balnet.model.BadInputException for an index out of range, a name that matches no
     *                                            device, a device named twice, {@value #ALL} inside a list,
     *                                            an empty item, or a device without fp64, naming the value and
     *                                            the devices
     */
    public static List<DeviceInfo> selectAll(List<DeviceInfo> devices, HostProfile profile, String selector,
                                             String selectorSource) {
        if (!isList(selector)) {
            return List.of(select(devices, profile, selector, selectorSource));
        }
        if (devices.isEmpty()) {
            select(devices, profile, null, selectorSource);
        }
        String trimmed = selector.trim();
        if (trimmed.equalsIgnoreCase(ALL)) {
            List<DeviceInfo> all = devices.stream()
                    .filter(d -> d.available() && d.fp64() && !d.simulator() && profile.matches(d))
                    .collect(Collectors.toList());
            if (all.isEmpty()) {
                throw new OpenClFailure(String.format(Locale.ROOT, "%s = all: no available OpenCL device with fp64 "
                                + "matches host profile %s (%s); devices: %s", selectorSource, profile.name(),
                        profile.conditions(), describeAll(devices)));
            }
            return List.copyOf(all);
        }
        List<DeviceInfo> chosen = new ArrayList<>();
        for (String item : trimmed.split(",", -1)) {
            String what = item.trim();
            if (what.isEmpty() || what.equalsIgnoreCase(ALL)) {
                throw InputError.CONFLICT.exception(selectorSource, String.format(Locale.ROOT,
                        "%s = %s: %s; give device indices or names separated by commas (e.g. 0,1), or all alone; "
                                + "devices: %s", selectorSource, selector, what.isEmpty() ? "an empty item"
                                : "all inside a list", describeAll(devices)));
            }
            DeviceInfo d = select(devices, profile, what, selectorSource);
            if (chosen.contains(d)) {
                throw InputError.CONFLICT.exception(selectorSource, String.format(Locale.ROOT,
                        "%s = %s names %s twice; each device holds one slice of the network, so name each once; "
                                + "devices: %s", selectorSource, selector, d.label(), describeAll(devices)));
            }
            chosen.add(d);
        }
        return List.copyOf(chosen);
    }

    private static DeviceInfo bySelector(List<DeviceInfo> devices, String selector, String source) {
        if (selector.chars().allMatch(Character::isDigit)) {
            long i;
            try {
                i = Long.parseLong(selector);
            } catch (NumberFormatException e) {
                i = -1;
            }
            if (i < 0 || i >= devices.size()) {
                throw InputError.outOfRange(source, selector, String.format(Locale.ROOT,
                        "a device index 0..%d or a name substring; devices: %s", devices.size() - 1,
                        describeAll(devices)));
            }
            return devices.get((int) i);
        }
        String needle = selector.toLowerCase(Locale.ROOT);
        for (DeviceInfo d : devices) {
            if ((d.platform() + " / " + d.name()).toLowerCase(Locale.ROOT).contains(needle)) {
                return d;
            }
        }
        throw InputError.UNKNOWN_CHOICE.exception(source, source, selector,
                "a device index or a substring of a device or platform name; devices: " + describeAll(devices));
    }

    /** Every device's label with its fp64 support, for messages. */
    static String describeAll(List<DeviceInfo> devices) {
        return devices.stream().map(d -> d.label() + (d.fp64() ? "" : " without fp64")
                        + (d.simulator() ? " (simulator)" : ""))
                .collect(Collectors.joining(", "));
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] value = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, value.length, Pointer.to(value), null);
        return cString(value);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] value = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, value.length, Pointer.to(value), null);
        return cString(value);
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
