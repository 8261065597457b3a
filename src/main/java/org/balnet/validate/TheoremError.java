package org.balnet.validate;

import org.balnet.limit.LimitRow;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.sim.TrajectoryRow;

import java.util.Optional;

/**
 * The error of Theorem 4.1 (4.5) between a simulated run and a reference trajectory (the limit, or
 * the finite-n closure):
 * <pre>
 *   e(t) = |K-hat_e(t) - K_e(t)| + |K-hat_i(t) - K_i(t)| + |v-hat_e(t) - v_e(t)| + |v-hat_i(t) - v_i(t)|
 * </pre>
 * and its supremum over the record times in a window [from, until]. Rows are joined on t: the
 * simulator and the solvers compute the record times t_k = k D with the same
 * {@link org.balnet.io.TimeGrid}, so a simulated row and the reference row of the same time have equal t.
 */
public final class TheoremError {
    /** Relative slack of the window's ends (a window [1, 5] keeps the row at t = 4.999999999999999). */
    private static final double TIME_TOLERANCE = 1e-9;

    /**
     * The supremum and where it is reached.
     *
     * @param value  sup of e(t) over the window (NaN when the window holds no row)
     * @param time   a time at which it is reached
     * @param parts  |dv_e|, |dv_i|, |dK_e|, |dK_i| at that time
     * @param from   first time of the window actually used
     * @param until  last time of the window actually used (earlier than asked when the run or the
     *               reference ends first)
     */
    public record Sup(double value, double time, double[] parts, double from, double until) {
    }

    private TheoremError() {
    }

    /** e(t) at one time: the four absolute differences, in the order v_e, v_i, K_e, K_i. */
    public static double[] parts(TrajectoryRow sim, LimitRow ref) {
        return new double[]{
                Math.abs(sim.mean(Population.E) - ref.mean(Population.E)),
                Math.abs(sim.mean(Population.I) - ref.mean(Population.I)),
                Math.abs(sim.variance(Population.E) - ref.variance(Population.E)),
                Math.abs(sim.variance(Population.I) - ref.variance(Population.I))};
    }

    /** e(t), the sum of {@link #parts}. */
    public static double error(TrajectoryRow sim, LimitRow ref) {
        double[] p = parts(sim, ref);
        return p[0] + p[1] + p[2] + p[3];
    }

    /**
     * sup of e(t) over the record times t with from &le; t &le; until that both the replica and the
     * reference reached.
     *
     * @throws IllegalStateException when a row of the replica within the reference's time span has no
     *                               reference row at its time: the two were recorded on different grids
     */
    public static Sup sup(Replica replica, Trajectory reference, double from, double until) {
        double best = Double.NaN;
        double at = Double.NaN;
        double[] bestParts = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        double first = Double.NaN;
        double end = Double.NaN;
        double slack = TIME_TOLERANCE * Math.max(1.0, until);
        double referenceEnd = reference.lastTime();
        for (TrajectoryRow row : replica.rows()) {
            double t = row.t();
            if (t > referenceEnd) {
                break;
            }
            Optional<LimitRow> ref = reference.at(t);
            if (ref.isEmpty()) {
                throw new IllegalStateException("record grids differ: the simulation has a row at t = " + t
                        + ", the reference none");
            }
            if (t < from - slack || t > until + slack) {
                continue;
            }
            if (Double.isNaN(first)) {
                first = t;
            }
            end = t;
            double[] p = parts(row, ref.get());
            double e = p[0] + p[1] + p[2] + p[3];
            // NaN (a diverged run) must win: "!(e <= best)" is true for NaN
            if (Double.isNaN(best) || !(e <= best)) {
                best = e;
                at = t;
                bestParts = p;
                if (Double.isNaN(e)) {
                    break;
                }
            }
        }
        return new Sup(best, at, bestParts, first, end);
    }
}
