package org.balnet.validate;

import org.balnet.limit.GaussianClosure;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.opencl.DeviceRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Locale;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The finite-n closure predicts the simulated means better than the limit does: on mv-6.1 at n = 1e4 and
 * 1e5, at every record time t in [0.5, 5], the replica average of v-hat_e and of v-hat_i is closer to the
 * closure than to the limit.
 *
 * <p>The step is h = 0.005, not the default 0.01: the simulator's semi-implicit common mode lags the moving
 * balanced point by an extra h dv/dt (first order in h; measured at n = 1e5, t = 0.5, replica seeds as
 * below: v_e 0.017 below the closure at h = 0.01 with 3 replicas, 0.007 at h = 0.005 with 2). For v_i near
 * t = 0.5 the closure and the limit are only 0.006 apart, and at h = 0.01 that lag alone puts the simulated
 * v_i at the midpoint (n = 1e5: sim - limit 0.0029, sim - closure -0.0033, 3 replicas), so the comparison
 * would test the step size, not the closure. Replicas: 6 at n = 1e4 (sd of v-hat_i at t = 0.5 over
 * replicas 0.0025; smallest margin, at t = 0.5, 0.0028), 2 at n = 1e5 (sd 0.0011, margin 0.0037 at
 * t = 0.53); about 10 s and 30 s on 2 cores.
 */
class ClosureVersusSimulationTest {
    static final double T_END = 5.0;
    static final double FROM = 0.5;
    static final double H = 0.005;

    @ParameterizedTest(name = "n = {0}, {1} replicas")
    @CsvSource({"10000, 6", "100000, 2"})
    void closureIsCloserThanTheLimitToTheReplicaMeanAtEveryTime(long n, int replicas) {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(n);
        InitialPoint init = InitialPoint.resolve(base);
        LimitModel model = LimitModel.of(base);
        Trajectory limit = new LimitSolver(model).solve(init.point(), T_END, 0.01);
        Trajectory closure = new GaussianClosure(model, n).solve(init.point(), T_END, 0.01);
        int rows = limit.rows().size();
        double[][] mean = new double[2][rows];
        for (int r = 0; r < replicas; r++) {
            Scenario s = base.withRun(new Scenario.RunSettings(T_END, OptionalDouble.of(H), 0.01,
                    ReplicaSeeds.of(11, n, r), base.run().scheme()));
            Replica run = Replica.simulate(new Replica.Spec(s, init, "cpu", Precision.FP64,
                    DeviceRequest.defaults(), 2, Simulation.DEFAULT_IMBALANCE_LIMIT, new long[0]), r, Replica.QUIET);
            assertTrue(run.completed() && run.rows().size() == rows, "run " + r + " ended early: " + run.message());
            for (int k = 0; k < rows; k++) {
                mean[0][k] += run.rows().get(k).mean(Population.E) / replicas;
                mean[1][k] += run.rows().get(k).mean(Population.I) / replicas;
            }
        }
        for (Population p : Population.values()) {
            int worst = -1;
            double worstMargin = Double.POSITIVE_INFINITY;
            for (int k = 0; k < rows; k++) {
                LimitRow l = limit.rows().get(k);
                if (l.t() < FROM - 1e-9) {
                    continue;
                }
                double sim = mean[p.index()][k];
                double margin = Math.abs(sim - l.mean(p)) - Math.abs(sim - closure.rows().get(k).mean(p));
                if (margin < worstMargin) {
                    worstMargin = margin;
                    worst = k;
                }
            }
            LimitRow l = limit.rows().get(worst);
            double sim = mean[p.index()][worst];
            double c = closure.rows().get(worst).mean(p);
            assertTrue(worstMargin > 0, String.format(Locale.ROOT,
                    "n = %d, v_%s at t = %s: mean of %d replicas %.5f is %.5f from the limit %.5f but %.5f from the "
                            + "closure %.5f", n, p.label, l.t(), replicas, sim, Math.abs(sim - l.mean(p)), l.mean(p),
                    Math.abs(sim - c), c));
        }
    }
}
