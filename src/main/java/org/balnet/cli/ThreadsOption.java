package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.sim.Backends;
import picocli.CommandLine.Option;

/** {@code --threads}, declared once for every command that runs the Java engine (a picocli mixin). */
public final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "K", description = "CPU threads (default: all cores).")
    Integer threads;

    /** The thread count: all cores when absent; exit 2 below 1. */
    int threads() {
        int k = threads != null ? threads : Backends.defaultThreads();
        if (k < 1) {
            throw InputError.outOfRange("--threads", k, ">= 1");
        }
        return k;
    }
}
