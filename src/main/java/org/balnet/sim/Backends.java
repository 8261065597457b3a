package org.balnet.sim;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.sim.cpu.CpuEngine;
import org.balnet.sim.cpu.PerSynapseEngine;

import java.io.PrintWriter;
import java.util.List;

/** Creates the engine a user asked for by name: {@code auto}, {@code cpu}, {@code per-synapse}. */
public final class Backends {
    public static final List<String> NAMES = List.of("auto", "cpu", "per-synapse");

    private Backends() {
    }

    /** Checks a backend name at the boundary (exit 2 for an unknown one). */
    public static String check(String name) {
        if (!NAMES.contains(name)) {
            throw InputError.UNKNOWN_CHOICE.exception("--backend", "--backend", name, String.join(", ", NAMES));
        }
        return name;
    }

    /**
     * @param name      backend name
     * @param scenario  the network
     * @param precision state precision
     * @param seed      RNG key
     * @param threads   CPU threads
     * @param h         time step (the per-synapse engine needs it)
     * @param log       where the choice made by {@code auto} is reported
     */
    public static Engine create(String name, Scenario scenario, Precision precision, long seed, int threads, double h,
                                PrintWriter log) {
        switch (check(name)) {
            case "per-synapse":
                if (precision != Precision.FP64) {
                    throw InputError.CONFLICT.exception("--precision",
                            "--backend per-synapse runs in fp64 only; drop --precision fp32");
                }
                return new PerSynapseEngine(scenario, seed, threads, h);
            case "auto":
                log.println("backend: auto chose cpu (" + threads + " threads)");
                return new CpuEngine(scenario, precision, seed, threads);
            default:
                return new CpuEngine(scenario, precision, seed, threads);
        }
    }

    /** Default thread count: all cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
