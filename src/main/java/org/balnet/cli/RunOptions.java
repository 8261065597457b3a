package org.balnet.cli;

import org.balnet.model.Scenario;
import org.balnet.sim.Engine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.StepSize;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * The options of one simulation run ({@code simulate}, {@code bench}): a scenario with its overrides
 * and n, where it runs, and when it counts as out of the balanced state. {@link #resolve} checks every
 * value (exit 2 with the option's name) and returns the resolved scenario, initial point and step.
 */
public final class RunOptions {
    @Mixin
    ScenarioOptions scenario;

    @Option(names = "--n", paramLabel = "N", description = "Neurons per population (overrides network.n).")
    Long n;

    @Mixin
    EngineOptions engine;

    @Mixin
    ImbalanceLimitOption imbalance;

    @Option(names = "--keep-going", description = "When the network leaves the balanced state, note it in "
            + "run.json and stderr but simulate on to the end (to study the network beyond the balanced manifold).")
    boolean keepGoing;

    /** The resolved run. */
    public record Resolved(Scenario scenario, InitialPoint initial, StepSize.Choice step, Precision precision,
                           int threads, double imbalanceLimit) {
    }

    /** The scenario with every override applied, its initial point and step; exit 2 for any bad value. */
    public Resolved resolve() {
        Scenario s = scenario.load(n);
        engine.backend();
        Precision p = engine.precision();
        int k = engine.threads();
        double limit = imbalance.imbalanceLimit();
        InitialPoint init = InitialPoint.resolve(s);
        StepSize.Choice step = StepSize.choose(s, init.jacobian());
        return new Resolved(s, init, step, p, k, limit);
    }

    /**
     * The engine of {@code --backend} for a resolved run, on the device of {@code --device} and
     * {@code --host}; {@code auto}'s choice is reported on {@code log}.
     *
     * @throws CommandFailure (exit 1) when OpenCL was asked for and cannot run
     */
    public Engine createEngine(Resolved r, PrintWriter log) {
        return engine.create(engine.backend, r.scenario(), r.precision(), r.threads(), r.step().h(), log);
    }
}
