package org.balnet.limit;

import org.balnet.model.Population;

import java.util.List;

/**
 * One output row of the limit or of the finite-n closure: a time and the state there, with F, Q,
 * Sigma and J_v summaries. {@link #COLUMNS} is the one place the column list of {@code limit.csv} is
 * defined. It is a contract with other tools: columns are only ever appended, never renamed or
 * reordered. Immutable; about 200 bytes, so a million rows fit in memory.
 */
public final class LimitRow {
    /**
     * t (units of tau); means v_e, v_i; variances K_e, K_i; zeta = max Re eig J_v; residual = |F|
     * (Euclidean); Q_{target source} = G[f_{target source}](v_source, K_source); Sigma_e, Sigma_i;
     * F_e, F_i; trace and determinant of J_v.
     */
    public static final List<String> COLUMNS = List.of(
            "t", "v_e", "v_i", "K_e", "K_i", "zeta",
            "residual", "Q_ee", "Q_ei", "Q_ie", "Q_ii", "Sigma_e", "Sigma_i",
            "F_e", "F_i", "trace_Jv", "det_Jv");

    private static final int T = 0, V = 1, K = 3, ZETA = 5, RESIDUAL = 6, Q = 7, SIGMA = 11, F = 13, TRACE = 15,
            DET = 16;

    private final double[] values;

    /** The row at time t of the evaluated state {@code point}. */
    public LimitRow(double t, LimitModel.Evaluation point) {
        LimitModel.Evaluation e = point;
        values = new double[]{
                t, e.mean[0], e.mean[1], e.variance[0], e.variance[1], e.zeta(),
                e.residual(), e.q[0][0], e.q[0][1], e.q[1][0], e.q[1][1], e.sigma[0], e.sigma[1],
                e.imbalance[0], e.imbalance[1], e.traceJv(), e.detJv()};
        assert values.length == COLUMNS.size();
    }

    public double t() {
        return values[T];
    }

    /** v_alpha. */
    public double mean(Population p) {
        return values[V + p.index()];
    }

    /** K_alpha. */
    public double variance(Population p) {
        return values[K + p.index()];
    }

    public double zeta() {
        return values[ZETA];
    }

    /** |F|. */
    public double residual() {
        return values[RESIDUAL];
    }

    /** F_alpha. */
    public double imbalance(Population p) {
        return values[F + p.index()];
    }

    public double q(Population target, Population source) {
        return values[Q + 2 * target.index() + source.index()];
    }

    public double sigma(Population p) {
        return values[SIGMA + p.index()];
    }

    public double traceJv() {
        return values[TRACE];
    }

    public double detJv() {
        return values[DET];
    }

    /** A copy of the row's values in {@link #COLUMNS} order. */
    public double[] values() {
        return values.clone();
    }

    @Override
    public String toString() {
        return "LimitRow" + java.util.Arrays.toString(values);
    }
}
