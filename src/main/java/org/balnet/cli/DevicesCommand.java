package org.balnet.cli;

import org.balnet.sim.opencl.DeviceInfo;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code balnet devices}: the OpenCL platforms and devices, and the one a run would take. */
@Command(name = "devices", mixinStandardHelpOptions = true, sortOptions = false,
        header = "List the OpenCL platforms and devices, and the device a run would take.",
        description = {"For every device: type, compute units, global memory, largest allocation, local memory, fp64 "
                + "support, OpenCL and driver versions; then the device that --backend opencl would take with the "
                + "given --host and --device (or $" + OpenClDevices.DEVICE_VARIABLE + ").",
                "Exit codes: 0 listed, 1 no OpenCL platform (the reason is printed), 2 bad input."})
public final class DevicesCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions devices;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HostProfile profile = devices.hostProfile();
        DeviceRequest request = devices.deviceRequest();
        List<DeviceInfo> devices;
        try {
            devices = OpenClDevices.list();
        } catch (OpenClFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        if (devices.isEmpty()) {
            throw new CommandFailure("no OpenCL platform or device found: the ICD loader sees no driver (check "
                    + "/etc/OpenCL/vendors or OCL_ICD_VENDORS; hosts/gpu-check.sh repairs a bare GPU host)");
        }
        for (DeviceInfo d : devices) {
            out.printf(Locale.ROOT, "[%d] %s%n", d.index(), d.name());
            out.printf(Locale.ROOT, "    platform: %s; %s; driver %s%n", d.platform(), d.version(), d.driver());
            out.printf(Locale.ROOT, "    type %s, %d compute units, global memory %s, largest allocation %s, "
                            + "local memory %s, max work-group %d%n", d.type().key, d.computeUnits(),
                    gib(d.globalMemory()), gib(d.maxAllocation()), kib(d.localMemory()), d.maxWorkGroupSize());
            out.printf(Locale.ROOT, "    fp64: %s; available: %s%s%s%n", d.fp64() ? "yes" : "no",
                    d.available() ? "yes" : "no", d.fp64() ? "" : " (balnet needs fp64 for its sampler: not usable)",
                    d.simulator() ? "; a simulator (kernel checking, slow): used only when --device names it" : "");
        }
        try {
            DeviceInfo chosen = OpenClDevices.select(devices, profile, request.selector(), request.selectorSource());
            out.printf(Locale.ROOT, "host profile %s (%s) with %s: %s%n", profile.name(), profile.conditions(),
                    request.selector() == null ? "no device selector" : request.selectorSource() + " = "
                            + request.selector(), chosen.label());
        } catch (OpenClFailure e) {
            out.println("host profile " + profile.name() + ": " + e.getMessage());
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%d KiB", bytes >> 10);
    }
}
