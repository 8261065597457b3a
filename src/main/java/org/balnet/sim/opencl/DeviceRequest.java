package org.balnet.sim.opencl;

/**
 * What the user asked for: a host profile, and optionally one device.
 *
 * @param profile        host profile (device conditions, precision default, work-group size, memory share)
 * @param selector       {@code --device} or {@value OpenClDevices#DEVICE_VARIABLE}: an index or a name
 *                       substring; null when neither is given
 * @param selectorSource "--device" or {@value OpenClDevices#DEVICE_VARIABLE}, for messages
 */
public record DeviceRequest(HostProfile profile, String selector, String selectorSource) {
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

    /** {@code --device} when given, else {@value OpenClDevices#DEVICE_VARIABLE}, else none. */
    public static DeviceRequest of(HostProfile profile, String deviceOption) {
        if (deviceOption != null) {
            return new DeviceRequest(profile, deviceOption, "--device");
        }
        String env = System.getenv(OpenClDevices.DEVICE_VARIABLE);
        if (env != null && !env.isBlank()) {
            return new DeviceRequest(profile, env, OpenClDevices.DEVICE_VARIABLE);
        }
        return new DeviceRequest(profile, null, "--device");
    }
}
