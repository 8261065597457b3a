package org.balnet.sim;

import org.balnet.io.TimeGrid;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Chooses and checks the time step h (docs/design.md, section 3, "The step size").
 * {@code auto}: h = 0.01 min tau for semi-implicit, and the smaller of that and a quarter of the
 * stability bound for explicit; then shortened so that the record interval D is a whole number of
 * steps. A given h must divide D, and for explicit must lie below the bound. The end time must be a
 * whole number of record intervals ({@link TimeGrid#records}): a run ends exactly there, on a row.
 */
public final class StepSize {
    /** auto step for semi-implicit, as a fraction of the shortest tau: resolves the O(1) time scale. */
    public static final double AUTO_FRACTION_OF_TAU = 0.01;
    /** auto step for explicit, as a fraction of its stability bound. */
    public static final double AUTO_FRACTION_OF_BOUND = 0.25;

    /**
     * The step, its stability bound (explicit only; infinity for semi-implicit) and the step counts.
     *
     * @param h              time step
     * @param explicitBound  largest stable explicit step for the Jacobian used
     * @param stepsPerRecord D / h
     * @param totalSteps     steps to reach t_end
     */
    public record Choice(double h, double explicitBound, long stepsPerRecord, long totalSteps) {
    }

    private StepSize() {
    }

    /**
     * The driver's step for an event-driven backend ({@link Engine#eventDriven()}): one record interval D.
     * The dynamics has no time step, so there is no stability bound (infinity) and nothing to choose; the
     * driver only looks at the network once per record.
     *
     * @throws org.balnet.model.BadInputException for an end time that is not a whole number of D
     */
    public static Choice eventDriven(Scenario scenario) {
        Scenario.RunSettings run = scenario.run();
        double d = run.recordEvery();
        return new Choice(d, Double.POSITIVE_INFINITY, 1, totalSteps(run, 1, d));
    }

    /**
     * @param scenario    the network and run settings (t_end, dt, record_every, scheme)
     * @param jacobian    J_v at the initial point (the expected value of J-hat), [target][source]
     * @throws org.balnet.model.BadInputException for a step that does not divide D or is unstable, or an
     *                                            end time that is not a whole number of D
     */
    public static Choice choose(Scenario scenario, double[][] jacobian) {
        Scenario.RunSettings run = scenario.run();
        double d = run.recordEvery();
        double bound = CommonMode.explicitStabilityBound(scenario, jacobian);
        OptionalDouble given = run.dt();
        double h;
        long perRecord;
        if (given.isPresent()) {
            h = given.getAsDouble();
            perRecord = TimeGrid.multiple(d, h);
            if (perRecord < 1) {
                throw InputError.CONFLICT.exception("--record-every", String.format(Locale.ROOT,
                        "--record-every = %s must be a whole multiple of --dt = %s (or use --dt auto)", d, h));
            }
            if (run.scheme() == Scheme.EXPLICIT && !(h < bound)) {
                throw InputError.UNSTABLE_STEP.exception("--dt", String.format(Locale.ROOT,
                        "--dt = %s is above the explicit scheme's stability bound h < %.4g for n = %d (from the "
                                + "Jacobian at the initial point: the common mode relaxes at rate sqrt(n) |eig J|); use "
                                + "--dt %.3g or smaller, --dt auto, or --scheme semi-implicit, which has no bound",
                        h, bound, scenario.n(), AUTO_FRACTION_OF_BOUND * bound));
            }
        } else {
            double tauMin = Math.min(scenario.tau(Population.E), scenario.tau(Population.I));
            double target = AUTO_FRACTION_OF_TAU * tauMin;
            if (run.scheme() == Scheme.EXPLICIT) {
                target = Math.min(target, AUTO_FRACTION_OF_BOUND * bound);
            }
            perRecord = (long) Math.ceil(d / target * (1 - 1e-12));
            perRecord = Math.max(1, perRecord);
            h = d / perRecord;
        }
        return new Choice(h, bound, perRecord, totalSteps(run, perRecord, h));
    }

    /** Steps to t_end: a whole number of records of perRecord steps each, below the 2^31 the counter holds. */
    private static long totalSteps(Scenario.RunSettings run, long perRecord, double h) {
        long total;
        try {
            total = Math.multiplyExact(TimeGrid.records(run.tEnd(), "--t-end", run.recordEvery(), "--record-every"),
                    perRecord);
        } catch (ArithmeticException e) {
            total = Long.MAX_VALUE;
        }
        if (total > Integer.MAX_VALUE) {
            // The RNG counter gives the step 32 bits; far beyond any sensible run.
            throw InputError.TOO_LARGE.exception("--t-end", String.format(Locale.ROOT,
                    "t_end / h = %.3g steps exceeds the 2^31 steps a run may take", run.tEnd() / h));
        }
        return total;
    }
}
