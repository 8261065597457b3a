package org.balnet.sim;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.inference.TTest;
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
import org.junit.jupiter.api.Tag;
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

    /** Observables compared in law: v-hat_e, v-hat_i, K-hat_e, K-hat_i. */
    static final String[] NAMES = {"v_e", "v_i", "K_e", "K_i"};

    /**
     * Superposition against per-synapse spiking over a short run, in pairs: n = 200, t = 0.1 (10 steps of
     * 0.01), 200 pairs, each pair one per-synapse and one superposition run with the same seed, so the
     * same initial state (drawn by the engines' common initializer) and independent spikes (the engines
     * draw from different counter streams). Under "same law" the pair is exchangeable, so per observable:
     * the mean of the differences is 0 (paired t-test) and the two variances are equal (Pitman-Morgan:
     * sums and differences uncorrelated, t with 198 df). Each of the 8 checks at alpha = 0.01 / 8.
     * Power (probability 0.8), from the measured spread: the paired t-test detects a mean shift of 0.29 sd
     * of the pair differences, i.e. 0.012 in v_e, 0.0038 in v_i, 0.018 in K_e, 0.0087 in K_i (0.07 to 0.2
     * sd of the observable over replicas: the shared initial state cancels); Pitman-Morgan a ratio of
     * variances of 1.27 (v_e), 1.16 (v_i), 1.46 (K_e), 1.24 (K_i), the pair correlations being 0.92, 0.97,
     * 0.77, 0.94. The exact one-step law of the counts is {@code SpikeCountLawTest}'s.
     */
    @Test
    @Tag("slow")
    void superpositionHasTheLawOfPerSynapseSpikingInPairs() {
        Scenario s = mv61(200);
        double h = 0.01;
        int steps = 10;
        int pairs = 200;
        double[][] perSynapse = new double[4][pairs];
        double[][] superposition = new double[4][pairs];
        for (int r = 0; r < pairs; r++) {
            double[] a = endState(s, new PerSynapseEngine(s, 1000 + r, 2, h), Scheme.SEMI_IMPLICIT, h, steps);
            double[] b = endState(s, new CpuEngine(s, Precision.FP64, 1000 + r, 2), Scheme.SEMI_IMPLICIT, h, steps);
            for (int c = 0; c < 4; c++) {
                perSynapse[c][r] = a[c];
                superposition[c][r] = b[c];
            }
        }
        double alpha = 0.01 / 8;
        for (int c = 0; c < 4; c++) {
            double[] x = perSynapse[c];
            double[] y = superposition[c];
            double pMean = new TTest().pairedTTest(x, y);
            double[] sum = new double[pairs];
            double[] difference = new double[pairs];
            for (int r = 0; r < pairs; r++) {
                sum[r] = x[r] + y[r];
                difference[r] = x[r] - y[r];
            }
            double rho = new PearsonsCorrelation().correlation(sum, difference);
            double t = rho * Math.sqrt((pairs - 2) / (1 - rho * rho));
            double pVariance = 2 * new TDistribution(null, pairs - 2).cumulativeProbability(-Math.abs(t));
            SummaryStatistics d = summary(difference);
            String what = String.format(Locale.ROOT, "%s at t = 0.1, n = 200, %d pairs: per-synapse mean %.5f sd %.5f,"
                            + " superposition mean %.5f sd %.5f, differences mean %.5f sd %.5f, pair correlation %.3f",
                    NAMES[c], pairs, summary(x).getMean(), summary(x).getStandardDeviation(), summary(y).getMean(),
                    summary(y).getStandardDeviation(), d.getMean(), d.getStandardDeviation(),
                    new PearsonsCorrelation().correlation(x, y));
            System.out.println(what);
            assertTrue(pMean > alpha, String.format(Locale.ROOT, "means differ: paired t p = %.3g <= alpha = %.3g; %s",
                    pMean, alpha, what));
            assertTrue(pVariance > alpha, String.format(Locale.ROOT, "variances differ: Pitman-Morgan p = %.3g <= alpha"
                    + " = %.3g (corr(sum, difference) = %.3f); %s", pVariance, alpha, rho, what));
        }
    }

    private static SummaryStatistics summary(double[] x) {
        SummaryStatistics s = new SummaryStatistics();
        for (double v : x) {
            s.addValue(v);
        }
        return s;
    }

    /**
     * Explicit (h well inside its stability bound) against semi-implicit, n = 1e4, t = 1. The two schemes
     * with the same seeds do not stay coupled (a slightly different mean moves lambda and so the counts),
     * so the comparison is in distribution: Welch's t-test with Welch-Satterthwaite degrees of freedom
     * (Commons Math {@link TTest}) on 16 replicas per scheme, per observable at alpha = 0.01 / 4.
     * Power (0.8): a difference of the means of 1.5 replica standard deviations, i.e. 0.016 in v_e,
     * 0.0030 in v_i, 0.014 in K_e, 0.0033 in K_i (measured sds 0.0105, 0.0020, 0.0092, 0.0022). The
     * normal z used before with 8 replicas had a true per-check alpha of about 0.009, not 0.0025.
     */
    @Test
    @Tag("slow")
    void explicitWithSmallStepAgreesWithSemiImplicitWithinTheNoise() {
        Scenario s = mv61(10_000);
        InitialPoint init = InitialPoint.resolve(s);
        double bound = CommonMode.explicitStabilityBound(s, init.jacobian());
        double h = Math.min(0.005, bound / 8);
        long steps = Math.round(1.0 / h);
        int replicas = 16;
        double[][][] x = new double[2][4][replicas];
        Scheme[] schemes = {Scheme.EXPLICIT, Scheme.SEMI_IMPLICIT};
        for (int k = 0; k < 2; k++) {
            for (int r = 0; r < replicas; r++) {
                double[] end = endState(s, new CpuEngine(s, Precision.FP64, 300 + r, 2), schemes[k], h, steps);
                for (int c = 0; c < 4; c++) {
                    x[k][c][r] = end[c];
                }
            }
        }
        double alpha = 0.01 / 4;
        for (int c = 0; c < 4; c++) {
            SummaryStatistics e = summary(x[0][c]);
            SummaryStatistics si = summary(x[1][c]);
            double t = new TTest().t(x[0][c], x[1][c]);
            double p = new TTest().tTest(x[0][c], x[1][c]);
            String what = String.format(Locale.ROOT, "%s at t = 1, n = 1e4, h = %.4g, %d replicas each: explicit mean "
                            + "%.6f (sd %.6f) vs semi-implicit %.6f (sd %.6f), Welch t = %.2f, p = %.3g", NAMES[c], h,
                    replicas, e.getMean(), e.getStandardDeviation(), si.getMean(), si.getStandardDeviation(), t, p);
            System.out.println(what);
            assertTrue(p > alpha, what + " <= alpha = " + alpha);
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

    /**
     * The simulation approaches the limit at a rate, after the initial layer. Over [0, 0.5) the limit's
     * means move fast (dv/dt = -J_v^{-1} J_K dK/dt with zeta = -0.019) and a finite network lags them by
     * O(1 / (sqrt(n) |zeta|)): at n = 1e5 the sup over [0, 2] is about 0.4, all of it near t = 0.1 (the
     * finite-n closure tracks that lag; see the validation tests). So the rate is asserted on the sup over
     * [0.5, 2] of the error (4.5), mean of 3 seeds, at n = 1e3 and 1e5: the ratio must be at least 4, a
     * slope in n of at most -0.3 (the theorem's rate is -0.5; measured here -0.41, ratio 6.7, the h = 0.01
     * lag of the common mode flattening it at 1e5). Over the whole run only a decrease is asserted.
     * Power: the mean of 3 seeds has a relative sd of about 0.09 (n = 1e3) and 0.08 (n = 1e5), so the
     * measured slope has an sd of 0.026: an error decaying like n^-0.28 or slower fails with probability
     * 0.8, and the correct engine fails with probability below 1e-4 (the margin is 4 sd).
     */
    @Test
    @Tag("slow")
    void simulationApproachesTheLimitAtARateAsNGrows() {
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
        double slope = Math.log(afterTransient[1] / afterTransient[0]) / Math.log((double) sizes[1] / sizes[0]);
        String what = String.format(Locale.ROOT, "sup over t in [0.5, 2] of the error (4.5), mean of %d seeds: %.4f at "
                + "n = 1e3, %.4f at n = 1e5, ratio %.2f, slope %.3f", seeds, afterTransient[0], afterTransient[1],
                afterTransient[0] / afterTransient[1], slope);
        System.out.println(what);
        assertTrue(slope <= MAX_SLOPE, what + ": must fall at least like n^" + MAX_SLOPE);
        assertTrue(afterTransient[1] < 0.1, what + ": must be below 0.1 at n = 1e5");
        assertTrue(whole[1] < whole[0], String.format(Locale.ROOT,
                "sup_t<=2 error must shrink with n: %.4f at n = 1e3, %.4f at n = 1e5", whole[0], whole[1]));
    }

    /** Shallowest accepted slope of the error in n (ratio 4 over a factor 100). */
    static final double MAX_SLOPE = -0.3;
}
