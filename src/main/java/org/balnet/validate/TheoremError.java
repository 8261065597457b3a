package org.balnet.validate;

import org.balnet.limit.LimitRow;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;

import java.util.List;

/**
 * The error of Theorem 4.1 (4.5) between a simulated run and a reference trajectory (the limit, or
 * the finite-n closure):
 * <pre>
 *   e(t) = |K-hat_e(t) - K_e(t)| + |K-hat_i(t) - K_i(t)| + |v-hat_e(t) - v_e(t)| + |v-hat_i(t) - v_i(t)|
 * </pre>
 * and its supremum over the record times in a window [from, until]. Rows are joined by their index on
 * the common record grid t_k = k D (the simulator and the solvers compute t_k the same way).
 */
public final class TheoremError {
    /** Relative tolerance when checking that two rows are at the same time. */
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

    /** e(t) at one row: the four absolute differences, in the order v_e, v_i, K_e, K_i. */
    public static double[] parts(SimulatedRun run, int k, LimitRow ref) {
        return new double[]{
                Math.abs(run.meanE()[k] - ref.mean(Population.E)),
                Math.abs(run.meanI()[k] - ref.mean(Population.I)),
                Math.abs(run.varianceE()[k] - ref.variance(Population.E)),
                Math.abs(run.varianceI()[k] - ref.variance(Population.I))};
    }

    /**
     * sup of e(t) over the record times t with from &le; t &le; until that both the run and the
     * reference reached.
     */
    public static Sup sup(SimulatedRun run, Trajectory reference, double from, double until) {
        List<LimitRow> rows = reference.rows();
        int last = Math.min(run.rows(), rows.size());
        double best = Double.NaN;
        double at = Double.NaN;
        double[] bestParts = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        double first = Double.NaN;
        double end = Double.NaN;
        double slack = TIME_TOLERANCE * Math.max(1.0, until);
        for (int k = 0; k < last; k++) {
            double t = run.time()[k];
            LimitRow ref = rows.get(k);
            if (Math.abs(ref.t() - t) > slack) {
                throw new IllegalStateException("record grids differ: simulation row " + k + " at t = " + t
                        + ", reference at t = " + ref.t());
            }
            if (t < from - slack || t > until + slack) {
                continue;
            }
            if (Double.isNaN(first)) {
                first = t;
            }
            end = t;
            double[] p = parts(run, k, ref);
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
