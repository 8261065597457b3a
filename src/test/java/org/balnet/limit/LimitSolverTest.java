package org.balnet.limit;

import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.balnet.model.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.balnet.model.Population.E;
import static org.balnet.model.Population.I;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limit solver against references that do not use its code: the numbers of
 * validation/expected/*.toml (computed by validation/reference/limit_reference.py with its own
 * quadrature, balanced point and Runge-Kutta integration in t), and an erf network whose F, Sigma, J_v
 * and J_K {@link ErfNetwork} writes out from the closed form, integrated here with Commons Math's
 * Dormand-Prince. The solver is accurate to about 1e-10; the references to 1e-11 or better; the
 * asserts to {@value #REFERENCE_TOLERANCE}.
 */
class LimitSolverTest {
    static final double REFERENCE_TOLERANCE = 1e-8;
    /** Tolerance of the reference integrations here, far below {@link #REFERENCE_TOLERANCE}. */
    private static final double INTEGRATION_TOLERANCE = 1e-13;

    /** v, K and zeta at the reference times of validation/expected/NAME.toml. */
    @ParameterizedTest
    @ValueSource(strings = {"mv-6.1", "mv-6.2", "eta-finite"})
    void matchesTheIndependentReference(String name) {
        LimitReference ref = LimitReference.load(name);
        Scenario s = BalancedPointTest.load(name);
        double last = ref.t()[ref.t().length - 1];
        Trajectory tr = solve(s, last + 0.01, 0.01);
        for (int k = 0; k < ref.t().length; k++) {
            LimitRow row = tr.rows().get((int) Math.round(ref.t()[k] / 0.01));
            assertEquals(ref.t()[k], row.t(), 0.0);
            double[] got = {row.mean(E), row.mean(I), row.variance(E), row.variance(I), row.zeta()};
            for (int c = 0; c < got.length; c++) {
                assertEquals(ref.rows()[k][c], got[c], REFERENCE_TOLERANCE,
                        name + ", " + LimitReference.COLUMNS[c] + " at t = " + ref.t()[k]);
            }
        }
    }

    /**
     * eta-finite leaves the manifold at the reference fold: eta from limit_reference.py, which
     * integrates with v_e as the independent variable past t = 1.3 (the solver uses a time
     * reparametrised by det J_v).
     */
    @Test
    void etaFiniteLeavesAtTheReferenceFold() {
        double expected = LimitReference.load("eta-finite").eta().orElseThrow();
        Trajectory tr = solve(BalancedPointTest.load("eta-finite"), 3, 0.1);
        assertEquals(expected, tr.eta().orElseThrow(), REFERENCE_TOLERANCE, "eta");
    }

    /**
     * The erf network from its balanced point, integrated in t by Dormand-Prince 8(5,3) on the
     * closed-form (4.6), (4.7), (5.24): v, K, Sigma, F and zeta agree with the solver's rows to
     * {@value #REFERENCE_TOLERANCE} at every t = 0.25 k up to 5.
     */
    @Test
    void agreesWithTheErfClosedFormIntegratedDirectlyInT() {
        ErfNetwork net = ErfNetwork.section6(0.5);
        double[] k0 = {1, 0.5};
        double[] v0 = net.balancedPoint(k0, new double[]{-3, -1});
        LimitModel model = net.model();
        BalancedPoint p = BalancedPoint.solve(model, k0[0], k0[1]);
        assertEquals(v0[0], p.meanE(), 1e-12, "balanced v_e");
        assertEquals(v0[1], p.meanI(), 1e-12, "balanced v_i");
        Trajectory tr = new LimitSolver(model).solve(p, 5, 0.25);
        assertTrue(tr.balancedUntilEnd());
        double[] y = {k0[0], k0[1], v0[0], v0[1]};
        DormandPrince853Integrator dp = new DormandPrince853Integrator(0, 1, INTEGRATION_TOLERANCE,
                INTEGRATION_TOLERANCE);
        double t = 0;
        assertEquals(21, tr.rows().size());
        for (LimitRow row : tr.rows()) {
            if (row.t() > t) {
                dp.integrate(net.system(), t, y, row.t(), y);
                t = row.t();
            }
            ErfNetwork.Point x = net.evaluate(new double[]{y[2], y[3]}, new double[]{y[0], y[1]});
            String at = " at t = " + t;
            assertEquals(y[2], row.mean(E), REFERENCE_TOLERANCE, "v_e" + at);
            assertEquals(y[3], row.mean(I), REFERENCE_TOLERANCE, "v_i" + at);
            assertEquals(y[0], row.variance(E), REFERENCE_TOLERANCE, "K_e" + at);
            assertEquals(y[1], row.variance(I), REFERENCE_TOLERANCE, "K_i" + at);
            assertEquals(x.sigma()[0], row.sigma(E), REFERENCE_TOLERANCE, "Sigma_e" + at);
            assertEquals(x.sigma()[1], row.sigma(I), REFERENCE_TOLERANCE, "Sigma_i" + at);
            assertEquals(x.zeta(), row.zeta(), REFERENCE_TOLERANCE, "zeta" + at);
            assertEquals(x.trace(), row.traceJv(), REFERENCE_TOLERANCE, "trace J_v" + at);
            assertEquals(x.det(), row.detJv(), REFERENCE_TOLERANCE, "det J_v" + at);
            assertEquals(0, Math.hypot(x.f()[0], x.f()[1]), REFERENCE_TOLERANCE, "|F| of the reference" + at);
        }
    }

    /**
     * At large t the erf network rests at K = tau Sigma / 2 with F = 0: solved here by Newton in four
     * unknowns on the closed forms, from the balanced point at t = 0 (nothing the solver computed).
     */
    @Test
    void reachesTheErfSteadyStateSolvedDirectly() {
        ErfNetwork net = ErfNetwork.section6(0.5);
        double[] k0 = {1, 0.5};
        double[] v0 = net.balancedPoint(k0, new double[]{-3, -1});
        double[] x = {v0[0], v0[1], k0[0], k0[1]};
        for (int it = 0; it < 50; it++) {
            double[] g = steadyResidual(net, x);
            double[][] jac = new double[4][4];
            for (int c = 0; c < 4; c++) {
                double d = 1e-7 * Math.max(1, Math.abs(x[c]));
                double[] xp = x.clone();
                double[] xm = x.clone();
                xp[c] += d;
                xm[c] -= d;
                double[] gp = steadyResidual(net, xp);
                double[] gm = steadyResidual(net, xm);
                for (int r = 0; r < 4; r++) {
                    jac[r][c] = (gp[r] - gm[r]) / (2 * d);
                }
            }
            double[] step = new LUDecomposition(MatrixUtils.createRealMatrix(jac)).getSolver()
                    .solve(MatrixUtils.createRealVector(g)).toArray();
            for (int c = 0; c < 4; c++) {
                x[c] -= step[c];
            }
        }
        for (double gi : steadyResidual(net, x)) {
            assertEquals(0, gi, 1e-14, "steady-state residual");
        }
        LimitModel model = net.model();
        LimitRow end = new LimitSolver(model).solve(BalancedPoint.solve(model, k0[0], k0[1]), 40, 5).end();
        assertEquals(x[0], end.mean(E), REFERENCE_TOLERANCE, "v_e");
        assertEquals(x[1], end.mean(I), REFERENCE_TOLERANCE, "v_i");
        assertEquals(x[2], end.variance(E), REFERENCE_TOLERANCE, "K_e");
        assertEquals(x[3], end.variance(I), REFERENCE_TOLERANCE, "K_i");
    }

    /** (F_e, F_i, K_e - tau_e Sigma_e / 2, K_i - tau_i Sigma_i / 2) at x = (v_e, v_i, K_e, K_i). */
    private static double[] steadyResidual(ErfNetwork net, double[] x) {
        ErfNetwork.Point p = net.evaluate(new double[]{x[0], x[1]}, new double[]{x[2], x[3]});
        return new double[]{p.f()[0], p.f()[1], x[2] - net.tau[0] * p.sigma()[0] / 2,
                x[3] - net.tau[1] * p.sigma()[1] / 2};
    }

    /**
     * The erf network with a steep i-from-e rate (slope 2) and K = (4, 0.5): a complex pair of J_v
     * crosses the imaginary axis near t = 1.82. There t is a fine time variable, so event detection on
     * the closed-form zeta = trace J_v / 2, integrated in t, is an independent check of eta. The event
     * is the solver's documented exit, zeta = -{@link LimitSolver#ZETA_EXIT} max C sup|f'|, which moves
     * eta by about 2e-8 here (margin / |dzeta/dt|).
     */
    @Test
    void complexPairCrossingGivesTheEtaOfEventDetectionOnTheClosedForm() {
        ErfNetwork net = ErfNetwork.section6(2);
        double[] k0 = {4, 0.5};
        double[] v0 = net.balancedPoint(k0, new double[]{-2.6, -0.8});
        LimitModel model = net.model();
        Trajectory tr = new LimitSolver(model).solve(BalancedPoint.solve(model, k0[0], k0[1]), 5, 0.1);
        double eta = tr.eta().orElseThrow();
        assertTrue(Math.abs(tr.end().traceJv()) < 1e-9 && tr.end().detJv() > 0.01, "complex pair on the axis");

        double[] y = {k0[0], k0[1], v0[0], v0[1]};
        double exit = LimitSolver.ZETA_EXIT * net.jacobianScale();
        DormandPrince853Integrator dp = new DormandPrince853Integrator(0, 1, INTEGRATION_TOLERANCE,
                INTEGRATION_TOLERANCE);
        double[] etaInT = {Double.NaN};
        dp.addEventHandler(new EventHandler() {
            @Override
            public void init(double t0, double[] y0, double t) {
            }

            @Override
            public double g(double t, double[] s) {
                return net.evaluate(new double[]{s[2], s[3]}, new double[]{s[0], s[1]}).zeta() + exit;
            }

            @Override
            public Action eventOccurred(double t, double[] s, boolean increasing) {
                etaInT[0] = t;
                return Action.STOP;
            }

            @Override
            public void resetState(double t, double[] s) {
            }
        }, 0.01, 1e-14, 1000);
        dp.integrate(net.system(), 0, y, 5, y);
        assertEquals(etaInT[0], eta, REFERENCE_TOLERANCE, "eta");
        assertEquals(y[2], tr.end().mean(E), REFERENCE_TOLERANCE, "v_e at eta");
        assertEquals(y[0], tr.end().variance(E), REFERENCE_TOLERANCE, "K_e at eta");
    }

    @Test
    void everyRowIsOnTheManifoldAndAtAnExactMultipleOfTheInterval() {
        Trajectory tr = solve(BalancedPointTest.load("mv-6.1"), 5, 0.01);
        assertEquals(501, tr.rows().size());
        for (int k = 0; k < tr.rows().size(); k++) {
            LimitRow r = tr.rows().get(k);
            assertEquals(k / 100.0, r.t(), 0.0, "row " + k);
            assertTrue(r.residual() <= 1e-10, "|F| = " + r.residual() + " at t = " + r.t());
            assertTrue(r.zeta() < 0);
        }
        assertTrue(tr.maxResidual() <= 1e-13, "max |F| " + tr.maxResidual());
        assertEquals(5.0, tr.end().t(), 1e-12);
    }

    @Test
    void rowsStopAtTheLastMultipleOfTheIntervalBeforeT() {
        Trajectory tr = solve(BalancedPointTest.load("mv-6.2"), 5, 0.3);
        assertEquals(17, tr.rows().size());
        assertEquals(4.8, tr.rows().get(16).t(), 0.0);
    }

    /**
     * eta-finite.toml: a real eigenvalue of J_v reaches 0 (a fold; eta against the reference in
     * {@link #etaFiniteLeavesAtTheReferenceFold}).
     */
    @Test
    void etaFiniteScenarioLeavesTheManifoldAtAFold() {
        Scenario s = BalancedPointTest.load("eta-finite");
        Trajectory coarse = solve(s, 3, 0.1);
        Trajectory fine = solve(s, 3, 0.003);
        assertTrue(coarse.eta().isPresent(), "eta expected");
        double eta = coarse.eta().getAsDouble();
        assertEquals(eta, fine.eta().getAsDouble(), 1e-9, "eta does not depend on the output interval");
        LimitRow end = coarse.end();
        assertEquals(eta, end.t(), 0.0);
        assertTrue(Math.abs(end.zeta()) < 1e-9, "zeta at eta " + end.zeta());
        assertTrue(Math.abs(end.detJv()) < 1e-9 && end.traceJv() < -0.1, "fold: det -> 0, trace stays negative");
        assertEquals(15, coarse.rows().size(), "rows 0 .. 1.4, none after eta");
        assertTrue(end.residual() < 1e-12, "|F| at eta " + end.residual());
        // a fold: v_e(eta) - v_e(t) ~ c sqrt(eta - t), so the ratio below is nearly constant
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (LimitRow row : fine.rows()) {
            double delta = eta - row.t();
            if (delta >= 1e-3 && delta <= 0.03) {
                double c = (end.mean(E) - row.mean(E)) / Math.sqrt(delta);
                lo = Math.min(lo, c);
                hi = Math.max(hi, c);
            }
        }
        assertTrue(lo > 0 && hi / lo < 1.25, "v_e(eta) - v_e(t) / sqrt(eta - t) in [" + lo + ", " + hi + "]");
    }

    @Test
    void refusesAStartOffTheManifoldAndBadTimes() {
        Scenario s = BalancedPointTest.load("mv-6.1");
        LimitModel model = LimitModel.of(s);
        BalancedPoint p = BalancedPoint.of(model, s.initial());
        LimitSolver solver = new LimitSolver(model);
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, -1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> solver.solve(p, Double.NaN, 0.1));
        // the unstable root beside eta-finite's stable one
        LimitModel fold = LimitModel.of(BalancedPointTest.load("eta-finite"));
        BalancedPoint.Root unstable = new BalanceScan(fold, 0.25, 0.25).roots().stream()
                .filter(x -> !x.isStable()).findFirst().orElseThrow();
        BalancedPoint off = new BalancedPoint(unstable.meanE(), unstable.meanI(), 0.25, 0.25, unstable.eigenvalues(),
                unstable.residual(), true, List.of());
        assertThrows(IllegalArgumentException.class, () -> new LimitSolver(fold).solve(off, 1, 0.1));
    }

    static Trajectory solve(Scenario s, double tEnd, double dt) {
        LimitModel model = LimitModel.of(s);
        return new LimitSolver(model).solve(BalancedPoint.of(model, s.initial()), tEnd, dt);
    }
}
