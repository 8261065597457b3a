package org.balnet.validate;

import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.Observables;
import org.balnet.rng.Sampler;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.DeviceRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bias measurement on synthetic replicas with a known bias b(h) = C h (first order) in v_e, decaying in
 * t, and two kinds of noise: a large per-replica part shared by the arms (as the initial condition is in
 * the paired study) and an independent part per run and row.
 */
class TimeStepStudyTest {
    static final int ROWS = 201;
    static final double DT = 0.01;
    static final int REPLICAS = 50;
    static final double SHARED = 0.5;
    static final double OWN = 0.01;
    static final double C = 2.0;
    static final double[] STEPS = {0.04, 0.02, 0.01, 0.005};

    static Replica run(int replica, double h, double[] shared, SplittableRandom rnd) {
        List<TrajectoryRow> rows = new ArrayList<>();
        for (int k = 0; k < ROWS; k++) {
            double t = k * DT;
            double bias = Double.isNaN(h) ? 0 : C * h * Math.exp(-5 * t);
            double ve = shared[k] + bias + OWN * gaussian(rnd);
            Observables o = new Observables(k, t, new double[]{ve, 0}, new double[]{0, 0}, new double[2][2],
                    new double[2], new double[2][2]);
            rows.add(new TrajectoryRow(t, o));
        }
        return new Replica(100, replica, replica, RunStatus.COMPLETED, "", Double.isNaN(h) ? 0 : h, "test", "test",
                rows, List.of(), 0, 0);
    }

    static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    static TimeStepStudy.Config config() {
        Scenario s = ScenarioLoader.load("mv-6.1");
        return new TimeStepStudy.Config(s, new long[]{100}, STEPS, List.of(Scheme.SEMI_IMPLICIT), REPLICAS, 5, "cpu",
                Precision.FP64, Sampler.DEFAULT, DeviceRequest.defaults(), 1, 0.0, 0.1, 0.5);
    }

    @Test
    void theFittedOrderAndFloorsMatchAKnownFirstOrderBias() {
        SplittableRandom rnd = new SplittableRandom(21);
        double[][] shared = new double[REPLICAS][ROWS];
        for (double[] row : shared) {
            double z = SHARED * gaussian(rnd);
            Arrays.fill(row, z);
        }
        List<Replica> exact = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
            exact.add(run(r, Double.NaN, shared[r], rnd));
        }
        List<TimeStepStudy.StepResult> steps = new ArrayList<>();
        for (double h : STEPS) {
            List<Replica> runs = new ArrayList<>();
            for (int r = 0; r < REPLICAS; r++) {
                runs.add(run(r, h, shared[r], rnd));
            }
            steps.add(new TimeStepStudy.StepResult(Scheme.SEMI_IMPLICIT, h, runs, null, null, ""));
        }
        TimeStepStudy.Measured m = TimeStepStudy.measure(config(), 100, exact, steps, 0.0, 2.0);

        // The floor: the 95% point of sup_t |mean of R (own noise) - mean of R (own noise)|, by direct simulation;
        // the shared part must cancel (unpaired, the floor would be about SHARED sqrt(2 / R) = 0.1).
        double[] sups = new double[4000];
        double se = OWN * Math.sqrt(2.0 / REPLICAS);
        for (int i = 0; i < sups.length; i++) {
            double sup = 0;
            for (int k = 0; k < ROWS; k++) {
                sup = Math.max(sup, Math.abs(se * gaussian(rnd)));
            }
            sups[i] = sup;
        }
        Arrays.sort(sups);
        double floor = PowerLawFit.quantile(sups, TimeStepStudy.NOISE_QUANTILE);
        for (TimeStepStudy.StepResult s : m.steps()) {
            TimeStepStudy.Measure v = s.window()[0];
            double ratio = v.noise() / floor;
            assertTrue(ratio > 0.7 && ratio < 1.4, String.format(Locale.ROOT, "h = %s: noise floor %.4g, direct "
                    + "simulation %.4g", s.h(), v.noise(), floor));
            double truth = C * s.h();
            assertTrue(truth >= v.low() && truth <= v.high(), String.format(Locale.ROOT, "h = %s: true bias %.4g "
                    + "outside [%.4g, %.4g]", s.h(), truth, v.low(), v.high()));
        }
        TimeStepStudy.OrderFit fit = m.fits().stream().filter(f -> f.quantity().equals("v")).findFirst().orElseThrow();
        assertTrue(fit.fitted() && fit.steps().length >= 3, "fitted on the resolved steps: " + Arrays.toString(fit.steps()));
        assertTrue(fit.orderLow() <= 1 && 1 <= fit.orderHigh() && Math.abs(fit.order() - 1) < 0.15,
                String.format(Locale.ROOT, "order %.3f [%.3f, %.3f], true 1", fit.order(), fit.orderLow(),
                        fit.orderHigh()));
        assertTrue(fit.constantLow() <= C && C <= fit.constantHigh(), String.format(Locale.ROOT,
                "constant %.3f [%.3f, %.3f], true %s", fit.constant(), fit.constantLow(), fit.constantHigh(), C));
        double[] range = fit.stepRange(0.03);
        assertTrue(range[0] <= 0.015 && 0.015 <= range[1], String.format(Locale.ROOT, "the bias reaches 0.03 at h = "
                + "0.015; the fit's interval is [%.4g, %.4g]", range[0], range[1]));
        TimeStepStudy.OrderFit k = m.fits().stream().filter(f -> f.quantity().equals("K")).findFirst().orElseThrow();
        assertFalse(k.fitted(), "no bias in K: nothing to fit");
        assertEquals(0, k.steps().length);
    }

    @Test
    void theRecordIntervalIsTheSmallestMultipleEveryStepDivides() {
        assertEquals(0.02, TimeStepStudy.recordInterval(0.01, new double[]{0.02, 0.01, 0.005, 0.0025}, false));
        assertEquals(0.01, TimeStepStudy.recordInterval(0.01, new double[]{0.01, 0.005}, false));
        assertEquals(0.06, TimeStepStudy.recordInterval(0.01, new double[]{0.02, 0.03}, false), 1e-15);
    }
}
