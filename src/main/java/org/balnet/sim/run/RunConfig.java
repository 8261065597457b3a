package org.balnet.sim.run;

import org.balnet.io.Json;
import org.balnet.io.TimeGrid;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.StepSize;
import org.balnet.sim.monitor.MonitorConfig;

import java.util.Locale;

/**
 * A run to start ({@link RecordedRun#start}): the resolved scenario and its step, the engine to run
 * it on, and how the run watches and saves itself.
 *
 * @param scenario             the network and its run settings, overrides applied
 * @param initial              its balanced initial point
 * @param step                 h and the step counts ({@link StepSize#choose})
 * @param backend              backend name, as {@link org.balnet.sim.Backends} takes it
 * @param precision            state precision
 * @param sampler              how the spike counts are drawn
 * @param threads              CPU threads
 * @param imbalanceLimit       relative imbalance at which the network counts as out of the balanced state
 * @param keepGoing            simulate on past such a departure (noted, not stopped)
 * @param checkpointEverySteps steps between periodic checkpoints, 0 for none ({@link #checkpointSteps})
 * @param monitors             what the run records besides trajectory.csv
 */
public record RunConfig(Scenario scenario, InitialPoint initial, StepSize.Choice step, String backend,
                        Precision precision, Sampler sampler, int threads, double imbalanceLimit, boolean keepGoing,
                        long checkpointEverySteps, MonitorConfig monitors) {

    /**
     * Steps between checkpoints for {@code --checkpoint-every D}; 0 without it (null). D must be a
     * whole multiple of the record interval, so that checkpoints fall on recorded rows.
     *
     * @throws org.balnet.model.BadInputException (naming --checkpoint-every) otherwise
     */
    public static long checkpointSteps(Double every, Scenario scenario, StepSize.Choice step) {
        if (every == null) {
            return 0;
        }
        InputError.positive("--checkpoint-every", every);
        double d = scenario.run().recordEvery();
        long k = TimeGrid.multiple(every, d);
        if (k < 1) {
            throw InputError.CONFLICT.exception("--checkpoint-every", String.format(Locale.ROOT,
                    "--checkpoint-every = %s must be a whole multiple of the record interval %s (run.record_every "
                            + "or --record-every), e.g. %s", Json.number(every), Json.number(d),
                    Json.number(d * Math.max(1, Math.round(every / d)))));
        }
        try {
            return Math.multiplyExact(k, step.stepsPerRecord());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
