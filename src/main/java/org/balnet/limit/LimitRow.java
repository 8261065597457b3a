package org.balnet.limit;

import org.balnet.model.Population;

import java.util.List;

/**
 * One output row of the limit or of the finite-n closure: a time and everything evaluated at the
 * state there. {@link #COLUMNS} is the one place the column list of {@code limit.csv} is defined; it
 * is a contract with other tools: columns are only ever appended, never renamed or reordered.
 *
 * @param t     time (units of tau)
 * @param point the state (v, K) at t and F, Q, Sigma, J_v there
 */
public record LimitRow(double t, LimitModel.Evaluation point) {
    /**
     * t; means v; variances K; zeta = max Re eig J_v; residual = |F| (Euclidean); Q_{target source};
     * Sigma; F_e, F_i; trace and determinant of J_v.
     */
    public static final List<String> COLUMNS = List.of(
            "t", "v_e", "v_i", "K_e", "K_i", "zeta",
            "residual", "Q_ee", "Q_ei", "Q_ie", "Q_ii", "Sigma_e", "Sigma_i",
            "F_e", "F_i", "trace_Jv", "det_Jv");

    public double mean(Population p) {
        return point.mean(p);
    }

    public double variance(Population p) {
        return point.variance(p);
    }

    public double zeta() {
        return point.zeta();
    }

    /** The row's values in {@link #COLUMNS} order. */
    public double[] values() {
        LimitModel.Evaluation e = point;
        return new double[]{
                t, e.mean[0], e.mean[1], e.variance[0], e.variance[1], e.zeta(),
                e.residual(), e.q[0][0], e.q[0][1], e.q[1][0], e.q[1][1], e.sigma[0], e.sigma[1],
                e.imbalance[0], e.imbalance[1], e.traceJv(), e.detJv()};
    }
}
