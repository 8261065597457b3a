package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import picocli.CommandLine.Option;

import java.util.OptionalDouble;

/**
 * A scenario and the overrides of its {@code [run]} settings: the options of {@code simulate},
 * {@code bench} and {@code validate}, declared once (a picocli mixin).
 */
public final class ScenarioOptions {
    // Not required by picocli: `simulate --resume DIR` takes the scenario from DIR. load() refuses its
    // absence everywhere else (exit 2).
    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Scenario file (TOML), or a built-in name: mv-6.1, mv-6.2, eta-finite (required, except "
                    + "with simulate --resume).")
    String scenario;

    @Option(names = "--t-end", paramLabel = "T", description = "End time, a whole number of record intervals: the run "
            + "ends exactly at T and writes its row there (overrides run.t_end).")
    Double tEnd;

    @Option(names = "--dt", paramLabel = "H|auto", description = "Time step, or auto (overrides run.dt).")
    String dt;

    @Option(names = "--scheme", paramLabel = "S", description = "semi-implicit (default) or explicit.")
    String scheme;

    @Option(names = "--seed", paramLabel = "S", description = "RNG seed, an integer >= 0 (overrides run.seed); "
            + "validate derives each replica's seed from it.")
    Long seed;

    @Option(names = "--record-every", paramLabel = "D", description = "Record interval; the end time must be a whole "
            + "number of them (overrides run.record_every).")
    Double recordEvery;

    /**
     * The scenario with the overrides applied (and {@code n} when not null), without solving anything.
     *
     * @throws org.balnet.model.BadInputException naming the option for a missing scenario or a bad value
     */
    Scenario load(Long n) {
        if (scenario == null) {
            throw InputError.MISSING_KEY.exception("--scenario", "--scenario",
                    "a scenario file or the name of a built-in one, e.g. --scenario mv-6.1");
        }
        Scenario s = ScenarioLoader.load(scenario);
        if (n != null) {
            s = s.withN(n);
        }
        Scenario.RunSettings run = s.run();
        double t = tEnd != null ? InputError.positive("--t-end", tEnd) : run.tEnd();
        OptionalDouble h = run.dt();
        if (dt != null) {
            if ("auto".equals(dt)) {
                h = OptionalDouble.empty();
            } else {
                double x;
                try {
                    x = Double.parseDouble(dt);
                } catch (NumberFormatException e) {
                    throw InputError.WRONG_TYPE.exception("--dt", "--dt", dt, "a number > 0 or auto");
                }
                h = OptionalDouble.of(InputError.positive("--dt", x));
            }
        }
        double every = recordEvery != null ? InputError.positive("--record-every", recordEvery) : run.recordEvery();
        long sd = run.seed();
        if (seed != null) {
            if (seed < 0) {
                throw InputError.outOfRange("--seed", seed, ">= 0");
            }
            sd = seed;
        }
        Scheme sc = scheme != null ? Scheme.fromKey(scheme, "--scheme") : run.scheme();
        return s.withRun(new Scenario.RunSettings(t, h, every, sd, sc));
    }
}
