package org.balnet.sim.opencl;

/**
 * A failure of the OpenCL backend at run time whose message is complete for the user: no platform,
 * no matching device, a kernel that does not build (with the device, the options and the full build
 * log), a device out of resources. The command line reports it with exit code 1; {@code --backend
 * auto} falls back to the Java engine instead.
 */
public final class OpenClFailure extends RuntimeException {
    public OpenClFailure(String message) {
        super(message);
    }

    public OpenClFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
