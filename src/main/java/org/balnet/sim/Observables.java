package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;

/**
 * The empirical observables of the network at one time, all indexed [target][source] or [population]
 * with e = 0, i = 1:
 * means v-hat (4.1)-(4.2), variances K-hat (4.3)-(4.4), Q_{alpha beta} = n^{-1} sum_k f_{alpha beta}(u_beta^k)
 * (5.7), the imbalance F-hat_alpha = C_{alpha e} Q_{alpha e} - C_{alpha i} Q_{alpha i} (the empirical F of the
 * balance condition F = 0, as the limit's {@code LimitModel.Evaluation#imbalance}), and the empirical Jacobian
 * J-hat_{alpha beta} = s_beta C_{alpha beta} n^{-1} sum_k f'_{alpha beta}(u_beta^k).
 *
 * @param step     steps taken
 * @param time     simulated time
 * @param mean     v-hat
 * @param variance K-hat
 * @param q        Q
 * @param imbalance F-hat
 * @param jacobian J-hat
 */
public record Observables(long step, double time, double[] mean, double[] variance, double[][] q, double[] imbalance,
                          double[][] jacobian) {

    /** Computes the observables from the population sums, which were shifted by {@code centre}. */
    public static Observables from(Scenario scenario, long step, double time, PopulationSums[] sums,
                                   double[] centre) {
        double[] mean = new double[2];
        double[] variance = new double[2];
        double[][] q = new double[2][2];
        double[][] jac = new double[2][2];
        for (Population beta : Population.values()) {
            PopulationSums s = sums[beta.index()];
            double inv = 1.0 / s.count;
            double m1 = s.sum * inv;
            mean[beta.index()] = centre[beta.index()] + m1;
            // Shifted second moment minus the square of the shifted mean: both terms are O(K), no cancellation.
            variance[beta.index()] = Math.max(0.0, s.sumSq * inv - m1 * m1);
            for (Population alpha : Population.values()) {
                q[alpha.index()][beta.index()] = s.rate[alpha.index()] * inv;
                jac[alpha.index()][beta.index()] = beta.sign * scenario.coupling(alpha, beta)
                        * s.slope[alpha.index()] * inv;
            }
        }
        double[] imbalance = new double[2];
        for (Population alpha : Population.values()) {
            imbalance[alpha.index()] = scenario.coupling(alpha, Population.E) * q[alpha.index()][0]
                    - scenario.coupling(alpha, Population.I) * q[alpha.index()][1];
        }
        return new Observables(step, time, mean, variance, q, imbalance, jac);
    }

    /**
     * Relative imbalance |F-hat_alpha| / (C_{alpha e} Q_{alpha e} + C_{alpha i} Q_{alpha i}): 0 when excitation
     * and inhibition cancel exactly, 1 when one of them is absent. Where the input has vanished (below
     * {@link #inputFloor}, down to an underflow to 0) it divides by the floor instead, so the ratio is
     * never 0/0 or a ratio of two rounding errors; {@link #isSilent} reports that case.
     */
    public double relativeImbalance(Scenario scenario, Population alpha) {
        return Math.abs(imbalance[alpha.index()]) / Math.max(input(scenario, alpha), inputFloor(scenario, alpha));
    }

    /** C_{alpha e} Q_{alpha e} + C_{alpha i} Q_{alpha i}: the total drive of the targets in alpha. */
    public double input(Scenario scenario, Population alpha) {
        int a = alpha.index();
        return scenario.coupling(alpha, Population.E) * q[a][0] + scenario.coupling(alpha, Population.I) * q[a][1];
    }

    /**
     * The input of rates at {@link RateFunction#negligible()}: C_ae 1e-8 C_f,ae + C_ai 1e-8 C_f,ai. An input
     * below it has vanished as far as the arithmetic can tell (the limit's balanced points use the same floor).
     */
    public static double inputFloor(Scenario scenario, Population alpha) {
        double floor = 0;
        for (Population beta : Population.values()) {
            floor += scenario.coupling(alpha, beta) * scenario.rate(alpha, beta).negligible();
        }
        return floor;
    }

    /** Whether the input of alpha has vanished (below {@link #inputFloor}): the network has fallen silent. */
    public boolean isSilent(Scenario scenario, Population alpha) {
        return !(input(scenario, alpha) >= inputFloor(scenario, alpha));
    }

    /** True when every observable is a finite number. */
    public boolean isFinite() {
        for (int a = 0; a < 2; a++) {
            if (!Double.isFinite(mean[a]) || !Double.isFinite(variance[a]) || !Double.isFinite(imbalance[a])) {
                return false;
            }
            for (int b = 0; b < 2; b++) {
                if (!Double.isFinite(q[a][b]) || !Double.isFinite(jacobian[a][b])) {
                    return false;
                }
            }
        }
        return true;
    }
}
