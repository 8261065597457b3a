package org.balnet.sim.cpu;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.sim.SourceRates;

/**
 * The scenario's rate functions as the per-neuron loop evaluates them: one {@link SourceRates} per
 * source population, which gives f_{e beta}, f_{i beta} and their derivatives at one state from one
 * or two exponentials (accuracy and method there).
 */
final class RateTable {
    /** Indexed by source population. */
    private final SourceRates[] bySource = new SourceRates[2];

    RateTable(Scenario scenario) {
        for (Population source : Population.values()) {
            bySource[source.index()] = SourceRates.of(scenario, source);
        }
    }

    /**
     * Adds f_{e,source}(u), f_{i,source}(u), f'_{e,source}(u), f'_{i,source}(u) to the sums at
     * {@link org.balnet.sim.PopulationSums#RATE_E} .. {@link org.balnet.sim.PopulationSums#SLOPE_I}.
     *
     * @param source 0 = e, 1 = i
     */
    void accumulate(double[] sums, int source, double u) {
        bySource[source].accumulate(sums, u);
    }

    /** f_{target, source}(u); target and source 0 = e, 1 = i. */
    double value(int target, int source, double u) {
        return bySource[source].value(Population.values()[target], u);
    }
}
