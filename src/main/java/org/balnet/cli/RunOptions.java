package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
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
                           Sampler sampler, int threads, double imbalanceLimit) {
    }

    /** The scenario with every override applied, its initial point and step; exit 2 for any bad value. */
    public Resolved resolve() {
        Scenario s = scenario.load(n);
        String backend = engine.backend();
        checkEventDriven(backend, scenario.dt, scenario.scheme);
        Precision p = engine.precision();
        Sampler sm = engine.sampler();
        int k = engine.threads();
        double limit = imbalance.imbalanceLimit();
        InitialPoint init = InitialPoint.resolve(s);
        StepSize.Choice step = Backends.step(backend, s, init.jacobian());
        return new Resolved(s, init, step, p, sm, k, limit);
    }

    /**
     * Exit 2 for {@code --dt} or {@code --scheme} with the exact backend: it has no time step and no
     * common-mode scheme, and an option that changes nothing must not look as if it did.
     */
    static void checkEventDriven(String backend, String dt, String scheme) {
        if (!Backends.isEventDriven(backend)) {
            return;
        }
        if (dt != null) {
            throw InputError.CONFLICT.exception("--dt", "--dt = " + dt + " has no meaning with --backend exact: it "
                    + "simulates the network in continuous time, spike by spike, with no time step; drop --dt");
        }
        if (scheme != null) {
            throw InputError.CONFLICT.exception("--scheme", "--scheme = " + scheme + " has no meaning with --backend "
                    + "exact: it has no time step, hence no common-mode scheme; drop --scheme");
        }
    }

    /**
     * The engine of {@code --backend} for a resolved run, on the device of {@code --device} and
     * {@code --host}; {@code auto}'s choice is reported on {@code log}.
     *
     * @throws CommandFailure (exit 1) when OpenCL was asked for and cannot run
     */
    public Engine createEngine(Resolved r, PrintWriter log) {
        return engine.create(engine.backend, r.scenario(), r.precision(), r.sampler(), r.threads(), r.step().h(),
                log);
    }
}
