package org.balnet.sim.opencl;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.Sampler;
import org.balnet.sim.CommonMode;
import org.balnet.sim.Observables;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepPlan;
import org.balnet.sim.cpu.CpuEngine;

import java.util.Locale;

/**
 * The OpenCL backend against the Java one on one device, for {@code balnet check-opencl} and a GPU
 * host's first run (hosts/gpu-check.sh):
 * <ol>
 *   <li>lockstep: both engines take the same step plans (computed from the Java engine's sums) for
 *   a few steps; every neuron's two Poisson counts from the device must equal those Java draws at the
 *   same addresses ({@link PoissonStep#draw}), and the states must agree to rounding (a count off by
 *   one moves a state by C/sqrt(n), ten orders of magnitude more). One more lockstep step sets the four
 *   λ to {@link #LARGE_LAMBDA} (up to 1e7, what n = 1e9 gives), so that the tables of large networks,
 *   which live in global memory, are compared at any n;</li>
 *   <li>free running: two independent simulations for more steps; the means and variances must agree
 *   to {@link #FP64_TOLERANCE} relative in fp64 ({@link #FP32_TOLERANCE} in fp32).</li>
 * </ol>
 * The free-running bound is the criterion at n = 1e5 over 100 steps (measured: 4e-14 on
 * PoCL). Rounding differences of 1e-16 grow during the transient from the initial condition, at a
 * rate that rises with n (two OpenCL runs that differ only in their work-group size, hence in the
 * order of their sums, drift apart alike: 7e-13 after 30 steps at n = 3.8e5). So at larger n or
 * longer runs the free-running part may exceed 1e-12 with nothing wrong; the lockstep part is exact
 * at any n.
 */
public final class OpenClEquivalence {
    /** Relative agreement of v-hat and K-hat demanded in fp64: the reductions add in another order. */
    public static final double FP64_TOLERANCE = 1e-12;
    /**
     * In fp32 a state within an ulp of a rounding boundary may round the other way (the sums, hence
     * the plans, differ in their last bits: they add in another order): fp32's unit roundoff.
     */
    public static final double FP32_TOLERANCE = 1e-7;
    /** Largest state difference in lockstep, relative to max(1, |u|): rounding only. */
    public static final double FP64_STATE_TOLERANCE = 1e-12;
    /** λ_αβ, [target][source], of the last lockstep step: the tables of n near 1e9 at any n. */
    static final double[][] LARGE_LAMBDA = {{1e6, 2.5e6}, {4e6, 1e7}};

    private OpenClEquivalence() {
    }

    /**
     * @param countsCompared    Poisson counts compared in lockstep (4 n per step)
     * @param countsDiffering   how many of them differ (must be 0)
     * @param firstDifference   the first differing count in words, or empty
     * @param maxStateDifference largest |u_opencl - u_cpu| / max(1, |u_cpu|) in lockstep
     * @param maxMeanDifference  largest relative difference of v-hat over the free-running steps
     * @param maxVarianceDifference largest relative difference of K-hat over the free-running steps
     */
    public record Report(String device, long n, Precision precision, Sampler sampler, int lockstepSteps, int steps,
                         long countsCompared,
                         long countsDiffering, String firstDifference, double maxStateDifference,
                         double maxMeanDifference, double maxVarianceDifference) {
        public double tolerance() {
            return precision == Precision.FP64 ? FP64_TOLERANCE : FP32_TOLERANCE;
        }

        public double stateTolerance() {
            return precision == Precision.FP64 ? FP64_STATE_TOLERANCE : FP32_TOLERANCE;
        }

        public boolean passed() {
            return countsDiffering == 0 && maxStateDifference <= stateTolerance()
                    && maxMeanDifference <= tolerance() && maxVarianceDifference <= tolerance();
        }

        /** Several lines for people and logs. */
        public String describe() {
            return String.format(Locale.ROOT,
                    "device: %s%n"
                            + "n = %d per population, %s, sampler %s%n"
                            + "lockstep, %d steps and one at lambda up to %.0e: %d Poisson counts compared, %d differ%s; "
                            + "largest state difference %.3g (allowed %.1g)%n"
                            + "free running, %d steps: largest relative difference of v-hat %.3g, of K-hat %.3g "
                            + "(allowed %.1g)%n"
                            + "%s",
                    device, n, precision.key, sampler.key, lockstepSteps, LARGE_LAMBDA[1][1], countsCompared,
                    countsDiffering,
                    firstDifference.isEmpty() ? "" : " (first: " + firstDifference + ")", maxStateDifference,
                    stateTolerance(), steps, maxMeanDifference, maxVarianceDifference, tolerance(),
                    passed() ? "PASSED: OpenCL reproduces the Java engine" : "FAILED");
        }
    }

    /**
     * Runs both parts.
     *
     * @param scenario      the network, at the n to compare (1e5 is the project's check)
     * @param initialMean   m_alpha of the initial condition, [e, i]
     * @param h             time step
     * @param lockstepSteps steps compared count by count
     * @param steps         steps run free
     * @param threads       Java engine threads
     */
    public static Report run(Scenario scenario, double[] initialMean, double h, Precision precision, long seed,
                             Sampler sampler, DeviceInfo device, HostProfile profile, int lockstepSteps, int steps,
                             int threads) {
        long n = scenario.n();
        if (n > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("the equivalence check reads all states: n = " + n + " is too large");
        }
        long compared = 0;
        long differing = 0;
        String first = "";
        double maxState = 0;
        String description;
        double[] k = {scenario.initial().kE(), scenario.initial().kI()};
        OpenClEngine.Options recording = new OpenClEngine.Options(0, true, 0, 0, false);
        try (CpuEngine cpu = new CpuEngine(scenario, precision, seed, threads, sampler);
             OpenClEngine cl = new OpenClEngine(scenario, precision, seed, sampler, device, profile, recording)) {
            description = cl.device();
            double[] m = initialMean.clone();
            Observables obs = Observables.from(scenario, 0, 0.0, cpu.initialize(m, k), m);
            cl.initialize(m, k);
            CommonMode commonMode = new CommonMode(scenario, scenario.run().scheme(), h);
            StepPlan plan = new StepPlan();
            CounterRng rng = new CounterRng(seed);
            CounterRng second = new CounterRng(seed);
            long[] expected = new long[2];
            double[] u = new double[(int) n];
            double[] v = new double[(int) n];
            for (int step = 0; step <= lockstepSteps; step++) {
                commonMode.plan(obs, step, plan);
                if (step == lockstepSteps) {
                    for (int a = 0; a < 2; a++) {
                        plan.lambda[a] = LARGE_LAMBDA[a].clone();
                    }
                }
                PopulationSums[] sums = cpu.step(plan);
                cl.step(plan);
                PoissonStep laws = PoissonStep.prepare(sampler, plan.lambda);
                for (Population alpha : Population.values()) {
                    int a = alpha.index();
                    long[] counts = cl.readCounts(alpha, 0, (int) n);
                    for (int j = 0; j < n; j++) {
                        laws.draw(rng, second, step, j, a, expected);
                        for (int beta = 0; beta < 2; beta++) {
                            long got = counts[2 * j + beta];
                            compared++;
                            if (got != expected[beta]) {
                                if (differing == 0) {
                                    first = String.format(Locale.ROOT, "step %d, N_%s%s of neuron %d: Java %d, OpenCL %d",
                                            step, alpha.label, beta == 0 ? "e" : "i", j, expected[beta], got);
                                }
                                differing++;
                            }
                        }
                    }
                    cpu.readState(alpha, 0, u, (int) n);
                    cl.readState(alpha, 0, v, (int) n);
                    for (int j = 0; j < n; j++) {
                        maxState = Math.max(maxState, Math.abs(v[j] - u[j]) / Math.max(1, Math.abs(u[j])));
                    }
                }
                obs = Observables.from(scenario, step + 1, (step + 1) * h, sums, plan.centre);
            }
        }
        double maxMean = 0;
        double maxVariance = 0;
        try (Simulation cpu = new Simulation(scenario, new CpuEngine(scenario, precision, seed, threads, sampler),
                scenario.run().scheme(), h, initialMean);
             Simulation cl = new Simulation(scenario, new OpenClEngine(scenario, precision, seed, sampler, device,
                     profile), scenario.run().scheme(), h, initialMean)) {
            for (int step = 0; step <= steps; step++) {
                if (step > 0) {
                    cpu.step();
                    cl.step();
                }
                Observables a = cpu.observables();
                Observables b = cl.observables();
                for (int p = 0; p < 2; p++) {
                    maxMean = Math.max(maxMean, relative(b.mean()[p], a.mean()[p]));
                    maxVariance = Math.max(maxVariance, relative(b.variance()[p], a.variance()[p]));
                }
            }
        }
        return new Report(description, n, precision, sampler, lockstepSteps, steps, compared, differing, first, maxState,
                maxMean, maxVariance);
    }

    /** |x - reference| / |reference|, and |x - reference| where the reference is 0. */
    static double relative(double x, double reference) {
        double d = Math.abs(x - reference);
        return reference == 0 ? d : d / Math.abs(reference);
    }
}
