package org.balnet.sim;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.cpu.CpuEngine;
import org.balnet.sim.cpu.PerSynapseEngine;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statistical checks of the simulator: fixed seeds, explicit alpha, p in the message.
 */
class SimulationStatisticsTest {

    static Scenario mv61(long n) {
        return ScenarioLoader.load("mv-6.1").withN(n);
    }

    /** v_e, v_i, K_e, K_i after {@code steps} steps. */
    static double[] endState(Scenario s, Engine engine, Scheme scheme, double h, long steps) {
        InitialPoint init = InitialPoint.resolve(s);
        try (Simulation sim = new Simulation(s, engine, scheme, h, init.mean())) {
            for (long k = 0; k < steps; k++) {
                sim.step();
            }
            Observables o = sim.observables();
            return new double[]{o.mean()[0], o.mean()[1], o.variance()[0], o.variance()[1]};
        }
    }

    @Test
    void superpositionHasTheLawOfPerSynapseSpiking() {
        // n = 200, t = 0.5: the distributions of v-hat and K-hat over replicas must agree (two-sample KS).
        Scenario s = mv61(200);
        double h = 0.01;
        int steps = 50;
        int replicas = 60;
        double[][] perSynapse = new double[4][replicas];
        double[][] superposition = new double[4][replicas];
        for (int r = 0; r < replicas; r++) {
            double[] a = endState(s, new PerSynapseEngine(s, 1000 + r, 2, h), Scheme.SEMI_IMPLICIT, h, steps);
            double[] b = endState(s, new CpuEngine(s, Precision.FP64, 5000 + r, 2), Scheme.SEMI_IMPLICIT, h, steps);
            for (int c = 0; c < 4; c++) {
                perSynapse[c][r] = a[c];
                superposition[c][r] = b[c];
            }
        }
        double alpha = 0.01 / 4; // Bonferroni over the four observables
        String[] names = {"v_e", "v_i", "K_e", "K_i"};
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        for (int c = 0; c < 4; c++) {
            double p = ks.kolmogorovSmirnovTest(perSynapse[c], superposition[c]);
            assertTrue(p > alpha, String.format(Locale.ROOT,
                    "%s at t = 0.5, n = 200, %d replicas each: per-synapse and superposition differ in law, "
                            + "KS p = %.3g <= alpha = %.3g", names[c], replicas, p, alpha));
        }
    }

    @Test
    void explicitWithSmallStepAgreesWithSemiImplicitWithinTheNoise() {
        // n = 1e4, t = 1, h well inside the explicit bound. Two schemes with the same seeds do not stay
        // coupled (a slightly different mean moves lambda and so the Poisson counts), so the comparison
        // is in distribution: Welch's z on the replica means of each observable.
        Scenario s = mv61(10_000);
        InitialPoint init = InitialPoint.resolve(s);
        double bound = CommonMode.explicitStabilityBound(s, init.jacobian());
        double h = Math.min(0.005, bound / 8);
        long steps = Math.round(1.0 / h);
        int replicas = 8;
        SummaryStatistics[][] stats = new SummaryStatistics[2][4];
        Scheme[] schemes = {Scheme.EXPLICIT, Scheme.SEMI_IMPLICIT};
        for (int k = 0; k < 2; k++) {
            for (int c = 0; c < 4; c++) {
                stats[k][c] = new SummaryStatistics();
            }
            for (int r = 0; r < replicas; r++) {
                double[] x = endState(s, new CpuEngine(s, Precision.FP64, 300 + r, 2), schemes[k], h, steps);
                for (int c = 0; c < 4; c++) {
                    stats[k][c].addValue(x[c]);
                }
            }
        }
        double alpha = 0.01 / 4; // Bonferroni over the four observables
        double zCritical = new NormalDistribution().inverseCumulativeProbability(1 - alpha / 2);
        String[] names = {"v_e", "v_i", "K_e", "K_i"};
        for (int c = 0; c < 4; c++) {
            SummaryStatistics e = stats[0][c];
            SummaryStatistics si = stats[1][c];
            double se = Math.sqrt(e.getVariance() / replicas + si.getVariance() / replicas);
            double z = (e.getMean() - si.getMean()) / se;
            double p = 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z)));
            assertTrue(Math.abs(z) < zCritical, String.format(Locale.ROOT,
                    "%s at t = 1, n = 1e4, h = %.4g, %d replicas: explicit mean %.6f vs semi-implicit %.6f, "
                            + "z = %.2f, p = %.3g <= alpha = %.3g", names[c], h, replicas, e.getMean(), si.getMean(),
                    z, p, alpha));
        }
    }

    /**
     * Sups of the error (4.5) against the limit over the grid t = 0.1, 0.2, ..., T: [0] over all of it,
     * [1] over t &gt;= tFrom. One simulation serves both.
     */
    static double[] supErrors(Scenario s, long seed, double tFrom, double tEnd) {
        InitialPoint init = InitialPoint.resolve(s);
        Trajectory limit = new LimitSolver(LimitModel.of(s)).solve(init.point(), tEnd, 0.1);
        double h = 0.01;
        double[] sup = new double[2];
        try (Simulation sim = new Simulation(s, new CpuEngine(s, Precision.FP64, seed, 2), Scheme.SEMI_IMPLICIT, h,
                init.mean())) {
            for (LimitRow l : limit.rows()) {
                long targetStep = Math.round(l.t() / h);
                while (sim.observables().step() < targetStep) {
                    sim.step();
                }
                Observables o = sim.observables();
                double e = Math.abs(o.variance()[0] - l.variance(Population.E))
                        + Math.abs(o.variance()[1] - l.variance(Population.I))
                        + Math.abs(o.mean()[0] - l.mean(Population.E))
                        + Math.abs(o.mean()[1] - l.mean(Population.I));
                sup[0] = Math.max(sup[0], e);
                if (l.t() >= tFrom - 1e-12) {
                    sup[1] = Math.max(sup[1], e);
                }
            }
        }
        return sup;
    }

    @Test
    void simulationFollowsTheLimitAndApproachesItAsNGrows() {
        // Over [0, 0.5) the limit's means move fast (dv/dt = -J_v^{-1} J_K dK/dt with zeta = -0.019) and a
        // finite network lags them by O(1 / (sqrt(n) |zeta|)): at n = 1e5 the sup over [0, 2] is about 0.4,
        // all of it near t = 0.1 (the finite-n closure tracks that lag; see the validation tests). The
        // bound 0.1 is asserted once the transient has passed, the decrease with n over the whole run.
        long[] sizes = {1_000, 100_000};
        int seeds = 3;
        double[] whole = new double[2];
        double[] afterTransient = new double[2];
        for (int i = 0; i < sizes.length; i++) {
            for (int r = 0; r < seeds; r++) {
                double[] sup = supErrors(mv61(sizes[i]), 40 + r, 0.5, 2.0);
                whole[i] += sup[0] / seeds;
                afterTransient[i] += sup[1] / seeds;
            }
        }
        assertTrue(afterTransient[1] < 0.1, String.format(Locale.ROOT,
                "sup over t in [0.5, 2] of the error (4.5) at n = 1e5 is %.4f (mean of %d seeds), expected < 0.1",
                afterTransient[1], seeds));
        assertTrue(whole[1] < whole[0], String.format(Locale.ROOT,
                "sup_t<=2 error must shrink with n: %.4f at n = 1e3, %.4f at n = 1e5", whole[0], whole[1]));
        assertTrue(afterTransient[1] < afterTransient[0], String.format(Locale.ROOT,
                "sup over [0.5, 2] must shrink with n: %.4f at n = 1e3, %.4f at n = 1e5", afterTransient[0],
                afterTransient[1]));
    }
}
