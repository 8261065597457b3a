package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator's departure test where the rates have vanished: no division by an underflowed input. */
class DepartureTest {
    private static Observables withRates(double q, double f) {
        double[][] rates = {{q, q}, {q, q}};
        return new Observables(3, 0.03, new double[]{-40, -40}, new double[]{0.5, 0.5}, rates,
                new double[]{f, f}, new double[][]{{q, -2 * q}, {q, -q}});
    }

    @Test
    void anUnderflowedInputGivesAFiniteImbalanceAndCountsAsSilent() {
        Scenario s = ScenarioLoader.load("silent-logistic");
        Observables zero = withRates(0, 0);
        for (Population a : Population.values()) {
            assertEquals(0.0, zero.relativeImbalance(s, a), "0 over the floor, not 0/0");
            assertTrue(zero.isSilent(s, a));
        }
        // the t = 0: rates ~ 1e-16 and F ~ -2.8e-16 read as an imbalance of 0.5 before
        Observables tiny = withRates(1e-16, -2.8e-16);
        assertTrue(tiny.relativeImbalance(s, Population.E) < 1e-7, "against the floor: " + tiny.relativeImbalance(s, Population.E));
        assertTrue(tiny.isSilent(s, Population.E));
    }

    @Test
    void aSilentNetworkHasLeftTheBalancedStateAndSaysSo() {
        Scenario s = ScenarioLoader.load("silent-logistic");
        // the engine plays no part in the departure test
        Simulation sim = new Simulation(s, null, s.run().scheme(), 0.01, withRates(1e-16, -2.8e-16));
        Optional<String> why = sim.departure(Simulation.DEFAULT_IMBALANCE_LIMIT);
        assertTrue(why.isPresent());
        assertTrue(why.get().contains("the network fell silent at t = 0.03"), why.get());
    }

    @Test
    void aBalancedNetworkIsNotSilent() {
        Scenario s = ScenarioLoader.load("mv-6.1");
        Observables o = withRates(0.5, 0.01);
        assertFalse(o.isSilent(s, Population.E));
    }
}
