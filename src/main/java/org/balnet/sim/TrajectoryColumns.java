package org.balnet.sim;

import org.balnet.limit.Eigenvalues;

import java.util.List;

/**
 * The columns of trajectory.csv, a contract with the tools that read it: new columns go at the end,
 * none is ever renamed. F_alpha is the empirical balance residual F-hat_alpha = C_{alpha e} Q_{alpha e} -
 * C_{alpha i} Q_{alpha i}; J_{alpha beta} the empirical Jacobian; all pairs target-source; zeta the largest
 * real part of the eigenvalues of that Jacobian (the empirical counterpart of the limit's zeta_t: the
 * network is on the balanced manifold (3.8) while it is negative).
 */
public final class TrajectoryColumns {
    public static final List<String> HEADER = List.of(
            "t", "v_e", "v_i", "K_e", "K_i",
            "F_e", "F_i",
            "Q_ee", "Q_ei", "Q_ie", "Q_ii",
            "J_ee", "J_ei", "J_ie", "J_ii",
            "zeta");

    private TrajectoryColumns() {
    }

    /** One row for the observables at time t (t passed separately so it prints as a clean decimal). */
    public static double[] row(double t, Observables o) {
        return new double[]{
                t, o.mean()[0], o.mean()[1], o.variance()[0], o.variance()[1],
                o.residual()[0], o.residual()[1],
                o.q()[0][0], o.q()[0][1], o.q()[1][0], o.q()[1][1],
                o.jacobian()[0][0], o.jacobian()[0][1], o.jacobian()[1][0], o.jacobian()[1][1],
                Eigenvalues.of(o.jacobian()).zeta()};
    }
}
