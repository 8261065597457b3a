package org.balnet.sim.opencl;

import org.junit.jupiter.api.Assumptions;

import java.util.List;

/**
 * The device the OpenCL tests run on: the one the default host profile would choose (a GPU, else
 * PoCL's CPU device in CI). Where there is no usable OpenCL platform the calling test is skipped
 * with the reason printed, not failed.
 */
final class OpenClTestSupport {
    private static DeviceInfo device;
    private static String skipReason;

    private OpenClTestSupport() {
    }

    static synchronized DeviceInfo device() {
        if (device == null && skipReason == null) {
            try {
                List<DeviceInfo> all = OpenClDevices.list();
                device = OpenClDevices.select(all, HostProfile.defaults(), null, "--device");
                System.out.println("OpenCL tests on " + device.label());
            } catch (OpenClFailure e) {
                skipReason = e.getMessage();
            }
        }
        if (skipReason != null) {
            System.out.println("OpenCL test skipped: " + skipReason);
            Assumptions.assumeTrue(false, skipReason);
        }
        return device;
    }

    /** The profile the tests use: the default one. */
    static HostProfile profile() {
        return HostProfile.defaults();
    }
}
