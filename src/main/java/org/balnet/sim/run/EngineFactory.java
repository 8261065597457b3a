package org.balnet.sim.run;

import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.Precision;

/**
 * Creates the engine of a run: the caller decides where OpenCL runs (device, host profile) and where
 * the choice of {@code auto} is reported; a resumed run names the backend its checkpoint was written by.
 */
@FunctionalInterface
public interface EngineFactory {
    /**
     * @param backend   backend name, as {@link org.balnet.sim.Backends} takes it
     * @param scenario  the network (n, seed)
     * @param precision state precision
     * @param sampler   how the spike counts are drawn (a resumed run's is its checkpoint's)
     * @param threads   CPU threads
     * @param h         time step
     */
    Engine create(String backend, Scenario scenario, Precision precision, Sampler sampler, int threads, double h);
}
