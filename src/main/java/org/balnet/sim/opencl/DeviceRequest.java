package org.balnet.sim.opencl;

/**
 * What the user asked for: a host profile, and optionally the device or devices.
 *
 * @param profile        host profile (device conditions, precision default, work-group size, memory share)
 * @param selector       {@code --device}, else {@value OpenClDevices#DEVICE_VARIABLE}, else the profile's
 *                       {@code [device] use}: an index or a name substring, a comma-separated list of them,
 *                       or {@value OpenClDevices#ALL} ({@link OpenClDevices#selectAll}); null when none says
 * @param selectorSource "--device", {@value OpenClDevices#DEVICE_VARIABLE} or {@value #PROFILE_SOURCE},
 *                       for messages
 */
public record DeviceRequest(HostProfile profile, String selector, String selectorSource) {
    /** How messages name the host profile's device list. */
    public static final String PROFILE_SOURCE = "host.device.use";

    /**
     * The request when only the environment speaks: the given profile, and the device named by
     * {@value OpenClDevices#DEVICE_VARIABLE} if it is set.
     */
    public static DeviceRequest fromEnvironment(HostProfile profile) {
        return of(profile, null);
    }

    /** The built-in default host profile, and the device named by the environment if any. */
    public static DeviceRequest defaults() {
        return fromEnvironment(HostProfile.defaults());
    }

    /**
     * {@code --device} when given, else {@value OpenClDevices#DEVICE_VARIABLE}, else the profile's
     * {@code [device] use}, else none.
     */
    public static DeviceRequest of(HostProfile profile, String deviceOption) {
        if (deviceOption != null) {
            return new DeviceRequest(profile, deviceOption, "--device");
        }
        String env = System.getenv(OpenClDevices.DEVICE_VARIABLE);
        if (env != null && !env.isBlank()) {
            return new DeviceRequest(profile, env, OpenClDevices.DEVICE_VARIABLE);
        }
        if (!profile.devices().isEmpty()) {
            return new DeviceRequest(profile, profile.devices(), PROFILE_SOURCE);
        }
        return new DeviceRequest(profile, null, "--device");
    }
}
