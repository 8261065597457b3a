package org.balnet.sim;

import org.balnet.model.Scenario;
import org.balnet.model.Scheme;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Simulation}s of the replicas of an {@link EngineBatch}, stepped together: each replica keeps
 * its own host side (observables, lambda, the common shift, its departure test), and one call of the batch's
 * engine performs the per-neuron work of all of them. Replica r's simulation is exactly the one its engine
 * would drive alone. {@link TimeLoop#run(SimulationBatch, long, List, List, java.util.function.BooleanSupplier)}
 * runs a batch through time; a single {@link Simulation} is a batch of one ({@link #of(Simulation)}).
 */
public final class SimulationBatch implements AutoCloseable {
    private final EngineBatch engines;
    private final List<Simulation> simulations;

    private SimulationBatch(EngineBatch engines, List<Simulation> simulations) {
        this.engines = engines;
        this.simulations = List.copyOf(simulations);
    }

    /** One simulation alone: its steps are {@link Simulation#step()}. Closing the batch closes it. */
    public static SimulationBatch of(Simulation simulation) {
        return new SimulationBatch(null, List.of(simulation));
    }

    /**
     * Draws the initial states of every replica in one pass and starts their simulations.
     *
     * @param scenarios   replica r's network (the same n for all; its seed is the engine's replica r's)
     * @param engines     the batch, which this closes
     * @param scheme      common-mode scheme
     * @param h           time step
     * @param initialMean m_alpha of (6.5)-(6.6), [e, i], the same for every replica
     */
    public static SimulationBatch start(List<Scenario> scenarios, EngineBatch engines, Scheme scheme, double h,
                                        double[] initialMean) {
        int replicas = engines.replicas();
        if (scenarios.size() != replicas) {
            throw new IllegalArgumentException(scenarios.size() + " scenarios for " + replicas + " replicas");
        }
        double[][] m = new double[replicas][];
        double[][] k = new double[replicas][];
        for (int r = 0; r < replicas; r++) {
            Scenario s = scenarios.get(r);
            if (s.n() != engines.n()) {
                throw new IllegalArgumentException("engine n " + engines.n() + " != scenario n " + s.n());
            }
            m[r] = initialMean.clone();
            k[r] = new double[]{s.initial().kE(), s.initial().kI()};
        }
        PopulationSums[][] sums = engines.initialize(m, k);
        List<Simulation> sims = new ArrayList<>(replicas);
        for (int r = 0; r < replicas; r++) {
            Scenario s = scenarios.get(r);
            sims.add(new Simulation(s, engines.replica(r), scheme, h, Observables.from(s, 0, 0.0, sums[r], m[r])));
        }
        return new SimulationBatch(engines, sims);
    }

    /**
     * The given simulations, each on its replica's view of {@code engines} ({@code simulations.get(r).engine()}
     * is {@code engines.replica(r)} or reads the same state); for resumed runs and initial states set by hand.
     */
    public static SimulationBatch of(EngineBatch engines, List<Simulation> simulations) {
        if (simulations.size() != engines.replicas()) {
            throw new IllegalArgumentException(simulations.size() + " simulations for " + engines.replicas()
                    + " replicas");
        }
        return new SimulationBatch(engines, simulations);
    }

    public int size() {
        return simulations.size();
    }

    public Simulation get(int r) {
        return simulations.get(r);
    }

    public List<Simulation> simulations() {
        return simulations;
    }

    /**
     * One step of each replica r with {@code active[r]}, the engine's work in one pass.
     */
    public void step(boolean[] active) {
        if (engines == null) {
            if (active[0]) {
                simulations.get(0).step();
            }
            return;
        }
        StepPlan[] plans = new StepPlan[simulations.size()];
        for (int r = 0; r < plans.length; r++) {
            plans[r] = active[r] ? simulations.get(r).plan() : null;
        }
        PopulationSums[][] sums = engines.step(plans);
        for (int r = 0; r < plans.length; r++) {
            if (active[r]) {
                simulations.get(r).complete(sums[r]);
            }
        }
    }

    /** Closes the engine (or the single simulation's). */
    @Override
    public void close() {
        if (engines == null) {
            simulations.get(0).close();
        } else {
            engines.close();
        }
    }
}
