package org.balnet.sim;

import org.balnet.io.TimeGrid;
import org.balnet.limit.Eigenvalues;
import org.balnet.model.Population;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;

import java.util.Locale;
import java.util.Optional;

/**
 * Drives one {@link Engine} through time: the host side of every step (docs/design.md, section 2).
 * It turns the engine's sums into {@link Observables}, computes lambda and the common shift with
 * {@link CommonMode}, and watches for the network leaving the balanced state. The same driver serves
 * every backend, so backends cannot disagree on the host arithmetic.
 */
public final class Simulation implements AutoCloseable {
    /**
     * Default limit on the relative imbalance |F-hat| / (C_e Q_e + C_i Q_i) of either population: in the
     * balanced state it is O(n^{-1/2}), so a value above one half means excitation and inhibition no
     * longer cancel and the run has left the balanced state.
     */
    public static final double DEFAULT_IMBALANCE_LIMIT = 0.5;

    private final Scenario scenario;
    private final Engine engine;
    private final CommonMode commonMode;
    private final Scheme scheme;
    private final double h;
    /** Step times k h as the decimals they stand for: what rows, messages and run.json print. */
    private final TimeGrid steps;
    private final StepPlan plan = new StepPlan();
    private Observables observables;

    /**
     * Draws the initial state and computes its observables.
     *
     * @param scenario    the network; its n must equal the engine's
     * @param engine      the backend, which this simulation closes
     * @param scheme      common-mode scheme
     * @param h           time step
     * @param initialMean m_alpha of (6.5)-(6.6), [e, i]; the variances come from the scenario
     */
    public Simulation(Scenario scenario, Engine engine, Scheme scheme, double h, double[] initialMean) {
        if (engine.n() != scenario.n()) {
            throw new IllegalArgumentException("engine n " + engine.n() + " != scenario n " + scenario.n());
        }
        this.scenario = scenario;
        this.engine = engine;
        this.scheme = scheme;
        this.h = h;
        this.steps = new TimeGrid(h);
        this.commonMode = new CommonMode(scenario, scheme, h);
        double[] k = {scenario.initial().kE(), scenario.initial().kI()};
        double[] m = initialMean.clone();
        this.observables = Observables.from(scenario, 0, 0.0, engine.initialize(m, k), m);
    }

    /** Restarts from a given state (checkpoint): the engine already holds the state, the sums are its reduction. */
    public Simulation(Scenario scenario, Engine engine, Scheme scheme, double h, Observables current) {
        this.scenario = scenario;
        this.engine = engine;
        this.scheme = scheme;
        this.h = h;
        this.steps = new TimeGrid(h);
        this.commonMode = new CommonMode(scenario, scheme, h);
        this.observables = current;
    }

    /** Advances one step and returns the new observables. */
    public Observables step() {
        return complete(engine.step(plan()));
    }

    /**
     * The host side of the next step, before the engine's: its plan (lambda, the common shift, the centre),
     * which stays valid until {@link #complete}. With {@link #complete} the two halves of {@link #step}, for
     * stepping several replicas' engines in one pass ({@link SimulationBatch}).
     */
    public StepPlan plan() {
        long k = observables.step();
        if (engine.eventDriven()) {
            // No scheme: the engine simulates the interval exactly; the current means centre the sums.
            plan.step = k;
            plan.centre[0] = observables.mean()[0];
            plan.centre[1] = observables.mean()[1];
        } else {
            commonMode.plan(observables, k, plan);
        }
        return plan;
    }

    /** Takes the engine's sums of the step {@link #plan} planned and returns the new observables. */
    public Observables complete(PopulationSums[] sums) {
        long k = observables.step();
        // Not (k + 1) * h, which prints step 164 of h = 0.01 as t = 1.6400000000000001.
        observables = Observables.from(scenario, k + 1, steps.stepTime(k + 1), sums, plan.centre);
        return observables;
    }

    public Observables observables() {
        return observables;
    }

    /**
     * Why the network is no longer in the balanced state, or empty while it is: non-finite
     * observables, an unstable empirical Jacobian (zeta-hat &gt; 0), an input that has vanished (the
     * network fell silent), a relative imbalance above {@code imbalanceLimit}, or (explicit scheme,
     * tau-leaped backend) a step above the stability bound of the current Jacobian.
     */
    public Optional<String> departure(double imbalanceLimit) {
        Observables o = observables;
        if (!o.isFinite()) {
            return Optional.of(String.format(Locale.ROOT,
                    "observables became non-finite at t = %s (v_e = %s, v_i = %s, K_e = %s, K_i = %s)",
                    o.time(), o.mean()[0], o.mean()[1], o.variance()[0], o.variance()[1]));
        }
        double zeta = Eigenvalues.of(o.jacobian()).zeta();
        if (zeta > 0) {
            // The empirical counterpart of the limit's eta: the common mode is linearly unstable, so
            // the network is off the balanced manifold (3.8). Away from a departure zeta-hat is an
            // average of f' over n neurons and fluctuates little (mv-6.1 at n = 200: -0.019 +- 0.001).
            return Optional.of(String.format(Locale.ROOT,
                    "the network left the balanced state at t = %s: the empirical Jacobian has an eigenvalue "
                            + "with positive real part (zeta = %.4g), the common mode is unstable (v_e = %.4g, "
                            + "v_i = %.4g)", o.time(), zeta, o.mean()[0], o.mean()[1]));
        }
        for (Population alpha : Population.values()) {
            if (o.isSilent(scenario, alpha)) {
                return Optional.of(String.format(Locale.ROOT,
                        "the network fell silent at t = %s: the input of population %s, C_%se Q_%se + C_%si Q_%si = "
                                + "%.3g, is below %.0e of its bound, where balance between the rates is rounding "
                                + "(v_%s = %.4g)", o.time(), alpha.label, alpha.label, alpha.label, alpha.label,
                        alpha.label, o.input(scenario, alpha), RateFunction.NEGLIGIBLE_FRACTION, alpha.label,
                        o.mean()[alpha.index()]));
            }
            double r = o.relativeImbalance(scenario, alpha);
            if (r > imbalanceLimit) {
                return Optional.of(String.format(Locale.ROOT,
                        "the network left the balanced state at t = %s: population %s has relative imbalance "
                                + "|F_%s| / input = %.3g > %s (F_%s = %.4g, v_%s = %.4g)",
                        o.time(), alpha.label, alpha.label, r, imbalanceLimit, alpha.label,
                        o.imbalance()[alpha.index()], alpha.label, o.mean()[alpha.index()]));
            }
        }
        if (scheme == Scheme.EXPLICIT && !engine.eventDriven()) {
            double bound = CommonMode.explicitStabilityBound(scenario, o.jacobian());
            if (h > bound) {
                return Optional.of(String.format(Locale.ROOT,
                        "at t = %s the explicit scheme's stability bound fell to h < %.4g, below the step h = %s; "
                                + "rerun with a smaller --dt or with --scheme semi-implicit, which has no bound",
                        o.time(), bound, h));
            }
        }
        return Optional.empty();
    }

    /**
     * Steps on which the semi-implicit scheme used the explicit shift because the empirical Jacobian
     * had turned unstable (the network leaving the balanced manifold); 0 while it stays balanced.
     */
    public long explicitFallbacks() {
        return commonMode.explicitFallbacks();
    }

    public Engine engine() {
        return engine;
    }

    public Scenario scenario() {
        return scenario;
    }

    public double h() {
        return h;
    }

    public Scheme scheme() {
        return scheme;
    }

    @Override
    public void close() {
        engine.close();
    }
}
