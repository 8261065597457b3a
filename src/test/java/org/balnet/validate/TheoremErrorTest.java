package org.balnet.validate;

import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Observables;
import org.balnet.sim.RunStatus;
import org.balnet.sim.TrajectoryRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TheoremErrorTest {
    static Trajectory limit(double tEnd) {
        Scenario s = ScenarioLoader.load("mv-6.1");
        return new LimitSolver(LimitModel.of(s)).solve(InitialPoint.resolve(s).point(), tEnd, 0.1);
    }

    /** A fake run: the limit's rows plus offsets (dv_e, dv_i, dK_e, dK_i) that depend on the row. */
    static Replica offsetRun(Trajectory limit, int rows, java.util.function.IntFunction<double[]> offset) {
        List<TrajectoryRow> r = new ArrayList<>();
        for (int k = 0; k < rows; k++) {
            LimitRow l = limit.rows().get(k);
            double[] o = offset.apply(k);
            r.add(row(k, l.t(), new double[]{l.mean(Population.E) + o[0], l.mean(Population.I) + o[1]},
                    new double[]{l.variance(Population.E) + o[2], l.variance(Population.I) + o[3]}));
        }
        return replica(r);
    }

    /** A row with the given moments (the other observables are not used by the error). */
    static TrajectoryRow row(long step, double t, double[] mean, double[] variance) {
        return new TrajectoryRow(t, new Observables(step, t, mean, variance, new double[2][2], new double[2],
                new double[2][2]));
    }

    static Replica replica(List<TrajectoryRow> rows) {
        return new Replica(1000, 0, 1, RunStatus.COMPLETED, "", 0.01, "test", "test", rows, List.of(), 0, 0);
    }

    @Test
    void supIsTakenOverTheWindowOnly() {
        Trajectory lim = limit(2.0);
        // a large error at t = 0.5 (row 5), a smaller one from t = 1 on, largest at t = 1.5 (row 15)
        Replica run = offsetRun(lim, lim.rows().size(), k -> k == 5 ? new double[]{1.0, 0, 0, 0}
                : k == 15 ? new double[]{0.1, -0.2, 0.05, -0.01} : k >= 10 ? new double[]{0.01, 0, 0, 0}
                : new double[]{0, 0, 0, 0});
        TheoremError.Sup whole = TheoremError.sup(run, lim, 0, 2.0);
        assertEquals(1.0, whole.value(), 1e-12);
        assertEquals(0.5, whole.time(), 0);
        TheoremError.Sup late = TheoremError.sup(run, lim, 1.0, 2.0);
        assertEquals(0.36, late.value(), 1e-12);
        assertEquals(1.5, late.time(), 0);
        assertArrayEquals(new double[]{0.1, 0.2, 0.05, 0.01}, late.parts(), 1e-12);
        assertEquals(1.0, late.from(), 0);
        assertEquals(2.0, late.until(), 0);
    }

    @Test
    void aRunThatStoppedEarlyIsMeasuredUpToWhereItGot() {
        Trajectory lim = limit(2.0);
        Replica run = offsetRun(lim, 12, k -> new double[]{0, 0, 0.001 * k, 0});
        TheoremError.Sup s = TheoremError.sup(run, lim, 0, 2.0);
        assertEquals(0.011, s.value(), 1e-12);
        assertEquals(1.1, s.until(), 1e-12);
    }

    @Test
    void aDivergedRunHasANaNError() {
        Trajectory lim = limit(1.0);
        Replica run = offsetRun(lim, lim.rows().size(), k -> k == 7 ? new double[]{Double.NaN, 0, 0, 0}
                : new double[]{0.5, 0, 0, 0});
        assertTrue(Double.isNaN(TheoremError.sup(run, lim, 0, 1.0).value()));
    }

    @Test
    void differentRecordGridsAreRefused() {
        Trajectory lim = limit(1.0);
        Trajectory other = limit(1.0);
        Replica run = offsetRun(lim, lim.rows().size(), k -> new double[4]);
        List<TrajectoryRow> shifted = new ArrayList<>(run.rows());
        TrajectoryRow third = shifted.get(3);
        shifted.set(3, new TrajectoryRow(third.t() + 0.05, third.observables()));
        Replica bad = replica(shifted);
        assertThrows(IllegalStateException.class, () -> TheoremError.sup(bad, other, 0, 1.0));
    }
}
