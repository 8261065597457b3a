package org.balnet.sim.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether the JVM's signal handlers are safe from OpenCL drivers that run LLVM in-process.
 *
 * <p>PoCL puts LLVM's handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGINT, SIGTERM and SIGQUIT over
 * the JVM's as soon as its devices are listed (clGetDeviceIDs; {@code java -Xcheck:jni} then reports
 * "SIGSEGV handler modified!"). The JVM takes SIGSEGV in normal operation (safepoint polls, implicit
 * null checks), so from then on it can die at any moment with a bare "Segmentation fault" and no
 * hs_err file: on this project's 2-core PoCL machine 3 of 15 runs that compiled kernels did. With the
 * JVM's signal-chaining library preloaded ({@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}, which
 * {@code hosts/balnet} and the test set-up do) the JVM keeps its handlers and passes on only the
 * signals that are not its own: 0 of 15 crashed. The same was reported for LLVM 15 and 19 under other
 * JVM programs (zulu-openjdk issue 179, fuzion pull request 6129) and for PoCL under Julia.
 */
public final class SignalChaining {
    private SignalChaining() {
    }

    /** True when libjsig is loaded in this process (read from /proc/self/maps; false where that is unreadable). */
    public static boolean active() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.endsWith("/libjsig.so"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * The warning to print once OpenCL's devices have been listed, or empty: when the listing included
     * a platform that runs LLVM in-process ({@link OpenClDevices#IN_PROCESS_LLVM_PLATFORMS}) and the JVM
     * is not protected, its handlers are already replaced, whichever device the run then uses.
     *
     * @param listed the devices of {@link OpenClDevices#list()}
     */
    public static Optional<String> warning(List<DeviceInfo> listed) {
        if (active()) {
            return Optional.empty();
        }
        List<String> risky = listed.stream().map(DeviceInfo::platform).distinct()
                .filter(p -> OpenClDevices.IN_PROCESS_LLVM_PLATFORMS.stream().anyMatch(p::contains)).toList();
        if (risky.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("warning: listing the devices of " + String.join(", ", risky) + " replaced the JVM's "
                + "signal handlers (SIGSEGV, SIGINT, SIGTERM, ...) with LLVM's, which can crash the JVM "
                + "(Segmentation fault); " + advice());
    }

    /** How to turn it on, for messages. */
    public static String advice() {
        return "run balnet through hosts/balnet, or with LD_PRELOAD=" + Path.of(System.getProperty("java.home"), "lib",
                "libjsig.so");
    }
}
