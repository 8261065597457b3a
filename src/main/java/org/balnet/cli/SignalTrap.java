package org.balnet.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns SIGINT and SIGTERM into a request to stop that a run polls between steps, so that it can
 * finish the step, write a checkpoint and its files, and exit with 128 + the signal's number (130,
 * 143) like a process killed by it. A second signal while the run is stopping takes the previous
 * handler's action (for the JVM's default: exit at once); the checkpoint being written then is lost,
 * the one before it is intact, since checkpoints are written by rename.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the only Java API that lets a program handle
 * a signal itself rather than in a shutdown hook, where the JVM is already exiting and the run's
 * thread cannot return its exit code. When a signal cannot be handled (the JVM runs with -Xrs, or
 * the signal was ignored when the process started, as for background jobs of a shell) it keeps its
 * default behaviour. Closing the trap restores the previous handlers.
 */
final class SignalTrap implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("INT", "TERM");
    /** Exit status of a process ended by signal s: 128 + s (shells report it that way). */
    private static final int SIGNAL_EXIT_BASE = 128;

    private final PrintWriter err;
    private final AtomicReference<Signal> received = new AtomicReference<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private SignalTrap(PrintWriter err) {
        this.err = err;
    }

    /** Installs the handlers; messages about a received signal go to {@code err}. */
    static SignalTrap install(PrintWriter err) {
        SignalTrap trap = new SignalTrap(err);
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            try {
                SignalHandler old = Signal.handle(signal, trap::handle);
                if (old == SignalHandler.SIG_IGN) {
                    // Ignored at start-up (nohup, background job): keep ignoring it, as the user asked.
                    Signal.handle(signal, SignalHandler.SIG_IGN);
                } else {
                    trap.previous.put(signal, old);
                }
            } catch (IllegalArgumentException e) {
                // Reserved by the JVM (-Xrs) or the platform: the signal keeps its default action.
            }
        }
        return trap;
    }

    private void handle(Signal signal) {
        if (received.compareAndSet(null, signal)) {
            err.println("balnet: SIG" + signal.getName() + " received: finishing the step, then writing a checkpoint "
                    + "and the files (send it again to quit at once)");
            err.flush();
            return;
        }
        SignalHandler old = previous.get(signal);
        if (old != null && old != SignalHandler.SIG_DFL && old != SignalHandler.SIG_IGN) {
            old.handle(signal);
        } else {
            Runtime.getRuntime().halt(exitCode(signal));
        }
    }

    /** True once SIGINT or SIGTERM has arrived. */
    boolean stopRequested() {
        return received.get() != null;
    }

    /** The signal received, e.g. "SIGTERM", or null. */
    String signalName() {
        Signal s = received.get();
        return s != null ? "SIG" + s.getName() : null;
    }

    /** 130 for SIGINT, 143 for SIGTERM; 0 when no signal arrived. */
    int exitCode() {
        Signal s = received.get();
        return s != null ? exitCode(s) : 0;
    }

    private static int exitCode(Signal s) {
        return SIGNAL_EXIT_BASE + s.getNumber();
    }

    @Override
    public void close() {
        for (Map.Entry<Signal, SignalHandler> e : previous.entrySet()) {
            try {
                Signal.handle(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ignored) {
                // cannot happen for a signal we installed a handler for; nothing to restore otherwise
            }
        }
        previous.clear();
    }
}
