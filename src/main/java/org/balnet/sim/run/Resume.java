package org.balnet.sim.run;

import org.balnet.rng.Sampler;
import org.balnet.sim.Precision;

/**
 * What a resumed run ({@link RecordedRun#resume}) may be told: everything else (the scenario, n, seed,
 * scheme, h, record interval) comes from its directory. A null means "as the run was".
 *
 * @param tEnd            a new end time, at least the newest checkpoint's
 * @param precision       the precision asked for: refused unless it is the run's
 * @param backend         the backend asked for: refused unless it is the run's or {@code auto}
 * @param sampler         the sampler asked for: refused unless it is the run's
 * @param threads         CPU threads
 * @param imbalanceLimit  a new limit on the relative imbalance
 * @param checkpointEvery a new simulated time between checkpoints
 * @param keepGoing       simulate on past a departure from the balanced state
 */
public record Resume(Double tEnd, Precision precision, String backend, Sampler sampler, int threads,
                     Double imbalanceLimit,
                     Double checkpointEvery, boolean keepGoing) {
}
