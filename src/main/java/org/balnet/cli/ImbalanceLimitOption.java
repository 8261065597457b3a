package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.sim.Simulation;
import picocli.CommandLine.Option;

/** {@code --imbalance-limit}, declared once for the commands that simulate (a picocli mixin). */
public final class ImbalanceLimitOption {
    @Option(names = "--imbalance-limit", paramLabel = "R", defaultValue = "0.5",
            description = "Stop a run when |F_a| / (C_ae Q_ae + C_ai Q_ai) exceeds R for either population: "
                    + "the network has left the balanced state (default: ${DEFAULT-VALUE}).")
    double imbalanceLimit = Simulation.DEFAULT_IMBALANCE_LIMIT;

    /** The limit; exit 2 unless it is a finite number above 0. */
    double imbalanceLimit() {
        if (!(imbalanceLimit > 0) || Double.isInfinite(imbalanceLimit)) {
            throw InputError.outOfRange("--imbalance-limit", imbalanceLimit, "a finite number > 0");
        }
        return imbalanceLimit;
    }
}
