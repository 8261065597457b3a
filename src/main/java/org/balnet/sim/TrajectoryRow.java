package org.balnet.sim;

import org.balnet.limit.Eigenvalues;
import org.balnet.model.Population;

import java.util.List;

/**
 * One row of a simulated trajectory: the observables at a record time t = k D, or at the step where
 * the network left the balanced state. The one shape in which observables leave the simulator: for
 * trajectory.csv, for the replicas that {@code validate} and {@code reproduce} compare with the limit,
 * for their CSV files.
 *
 * <p>{@link #COLUMNS} are the columns of trajectory.csv, a contract with the tools that read it: new
 * columns go at the end, none is ever renamed. F_alpha is the empirical imbalance F-hat_alpha =
 * C_{alpha e} Q_{alpha e} - C_{alpha i} Q_{alpha i}; J_{alpha beta} the empirical Jacobian; all pairs
 * target-source; zeta the largest real part of the eigenvalues of that Jacobian (the empirical
 * counterpart of the limit's zeta_t: the network is on the balanced manifold (3.8) while it is negative).
 *
 * @param t           the time, printed as the decimal k D on the record grid (not the sum of the steps)
 * @param observables the observables there
 */
public record TrajectoryRow(double t, Observables observables) {
    public static final List<String> COLUMNS = List.of(
            "t", "v_e", "v_i", "K_e", "K_i",
            "F_e", "F_i",
            "Q_ee", "Q_ei", "Q_ie", "Q_ii",
            "J_ee", "J_ei", "J_ie", "J_ii",
            "zeta");
    /** The first columns: t and the moments (4.1)-(4.4), what the error (4.5) compares with the limit. */
    public static final List<String> MOMENT_COLUMNS = COLUMNS.subList(0, 5);

    /** v-hat_alpha (4.1)-(4.2). */
    public double mean(Population p) {
        return observables.mean()[p.index()];
    }

    /** K-hat_alpha (4.3)-(4.4). */
    public double variance(Population p) {
        return observables.variance()[p.index()];
    }

    /** The row's values in {@link #COLUMNS} order. */
    public double[] values() {
        Observables o = observables;
        return new double[]{
                t, o.mean()[0], o.mean()[1], o.variance()[0], o.variance()[1],
                o.imbalance()[0], o.imbalance()[1],
                o.q()[0][0], o.q()[0][1], o.q()[1][0], o.q()[1][1],
                o.jacobian()[0][0], o.jacobian()[0][1], o.jacobian()[1][0], o.jacobian()[1][1],
                Eigenvalues.of(o.jacobian()).zeta()};
    }

    /**
     * A row read back from its {@link #values()} (a line of trajectory.csv): the inverse of values(), but
     * for the step and the simulated time, which the file does not hold (zeta is recomputed from J).
     *
     * @param step   the step the row was taken at
     * @param time   the simulated time there, as the simulator computes it ({@link org.balnet.io.TimeGrid#stepTime})
     * @param values the row's values in {@link #COLUMNS} order
     */
    public static TrajectoryRow fromValues(long step, double time, double[] values) {
        if (values.length != COLUMNS.size()) {
            throw new IllegalArgumentException("a row has " + COLUMNS.size() + " values, not " + values.length);
        }
        double[] v = values;
        return new TrajectoryRow(v[0], new Observables(step, time, new double[]{v[1], v[2]}, new double[]{v[3], v[4]},
                new double[][]{{v[7], v[8]}, {v[9], v[10]}}, new double[]{v[5], v[6]},
                new double[][]{{v[11], v[12]}, {v[13], v[14]}}));
    }

    /** The row's values in {@link #MOMENT_COLUMNS} order. */
    public double[] moments() {
        Observables o = observables;
        return new double[]{t, o.mean()[0], o.mean()[1], o.variance()[0], o.variance()[1]};
    }
}
