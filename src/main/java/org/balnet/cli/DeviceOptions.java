package org.balnet.cli;

import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.OpenClDevices;
import picocli.CommandLine.Option;

/**
 * The OpenCL device and the host profile: the options of every command that may run on OpenCL,
 * declared once (a picocli mixin).
 */
public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "D",
            description = "OpenCL device: an index or a substring of the device or platform name, as `balnet devices` "
                    + "lists them; or several, one network split over them: a list (0,1) or all (every device the "
                    + "host profile accepts). Default: $" + OpenClDevices.DEVICE_VARIABLE
                    + ", else the host profile's choice.")
    String device;

    @Option(names = "--host", paramLabel = "NAME|FILE", defaultValue = HostProfile.DEFAULT,
            description = "Host profile: auto, pocl-cpu, nvidia-h200, nvidia-h200x8 or a TOML file (hosts/*.toml): device choice, "
                    + "precision, work-group size, memory share (default: ${DEFAULT-VALUE}).")
    String host;

    /** The host profile of {@code --host} (exit 2 for an unknown name or a bad file). */
    HostProfile hostProfile() {
        return HostProfile.load(host);
    }

    /** The OpenCL device asked for by {@code --device} (or the environment) on the host profile. */
    DeviceRequest deviceRequest() {
        return DeviceRequest.of(hostProfile(), device);
    }
}
