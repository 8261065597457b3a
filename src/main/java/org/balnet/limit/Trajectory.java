package org.balnet.limit;

import org.balnet.io.TimeGrid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A solved trajectory of the limit ({@link LimitSolver}) or of the finite-n closure
 * ({@link GaussianClosure}): rows at t = k D, k = 0, 1, ..., up to the end.
 *
 * @param rows        one row per output time k D (t computed as k times D, no accumulation)
 * @param end         the state where the run ended: at t = T, at eta, or where it fell silent
 * @param eta         the time the limit left the balanced manifold (zeta reached 0), if before T;
 *                    always empty for the closure, which has no manifold to leave
 * @param silent      the time a rate of the limit fell below its floor
 *                    ({@link org.balnet.model.RateFunction#NEGLIGIBLE_FRACTION} of its bound), if before T
 *                    and eta: the network falls silent and the balance is rounding, so the solve stops there;
 *                    always empty for the closure
 * @param maxResidual largest |F| over the rows (for the limit: the distance from F = 0)
 * @param solver      method, tolerances and work counts, for run.json
 */
public record Trajectory(List<LimitRow> rows, LimitRow end, OptionalDouble eta, OptionalDouble silent,
                         double maxResidual, Map<String, Object> solver) {
    /**
     * The row at output time t exactly, if the trajectory reached it: how simulated rows join the limit's
     * and the closure's (the simulator and the solvers compute their times with the same
     * {@link org.balnet.io.TimeGrid}).
     */
    public Optional<LimitRow> at(double t) {
        int k = TimeGrid.indexOf(rows, LimitRow::t, t);
        return k >= 0 ? Optional.of(rows.get(k)) : Optional.empty();
    }

    /** The last output time reached. */
    public double lastTime() {
        return rows.get(rows.size() - 1).t();
    }

    /** True when the run reached its end time without leaving the balanced manifold or falling silent. */
    public boolean balancedUntilEnd() {
        return eta.isEmpty() && silent.isEmpty();
    }
}
