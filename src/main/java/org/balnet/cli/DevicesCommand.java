package org.balnet.cli;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.Precision;
import org.balnet.sim.opencl.DeviceInfo;
import org.balnet.sim.opencl.DeviceSplit;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code balnet devices}: the OpenCL platforms and devices, and the one a run would take. */
@Command(name = "devices", mixinStandardHelpOptions = true, sortOptions = false,
        header = "List the OpenCL platforms and devices, and the device a run would take.",
        description = {"For every device: type, compute units, global memory, largest allocation, local memory, fp64 "
                + "support, OpenCL and driver versions; then the device that --backend opencl would take with the "
                + "given --host and --device (or $" + OpenClDevices.DEVICE_VARIABLE + "), or the devices for a list or "
                + "all; with --n, how a run of n neurons per population would be split over them (each device's "
                + "neurons, work-groups and memory, checked against what the host profile allows).",
                "Exit codes: 0 listed (also when a run of --n would not fit: the refusal is printed), 1 no OpenCL "
                        + "platform (the reason is printed), 2 bad input."})
public final class DevicesCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions devices;

    @Option(names = "--n", paramLabel = "N",
            description = "Neurons per population: show how a run of this size would be split over the devices.")
    Long n;

    @Option(names = "--precision", paramLabel = "P",
            description = "State precision for --n: fp64 or fp32 (default: the host profile's).")
    String precision;

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
        if (n != null) {
            ScenarioLoader.checkN("--n", n);
        }
        Precision p = precision != null ? Precision.fromKey(precision, "--precision") : profile.precision();
        List<DeviceInfo> chosen;
        try {
            chosen = OpenClDevices.selectAll(devices, profile, request.selector(), request.selectorSource());
            out.printf(Locale.ROOT, "host profile %s (%s) with %s: %s%n", profile.name(), profile.conditions(),
                    request.selector() == null ? "no device selector" : request.selectorSource() + " = "
                            + request.selector(), chosen.stream().map(DeviceInfo::label)
                            .collect(Collectors.joining(", ")));
        } catch (OpenClFailure e) {
            out.println("host profile " + profile.name() + ": " + e.getMessage());
            out.flush();
            return Main.EXIT_OK;
        }
        if (n != null) {
            try {
                out.printf(Locale.ROOT, "a run (%s state): %s%n", p.key,
                        DeviceSplit.plan(n, p, profile, chosen).describe());
            } catch (BadInputException e) {
                if (e.kind() != InputError.TOO_LARGE) {
                    throw e;
                }
                out.printf(Locale.ROOT, "a run (%s state) would be refused: %s%n", p.key, e.getMessage());
            }
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
