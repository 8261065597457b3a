package org.balnet.limit;

import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.balnet.model.Population.E;
import static org.balnet.model.Population.I;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitSolverTest {

    /** The independent solver's values for mv-6.1 (issue 2), to 1e-6. */
    @Test
    void mv61MatchesTheIndependentSolver() {
        Trajectory tr = solve(BalancedPointTest.load("mv-6.1"), 5, 1);
        assertEquals(6, tr.rows().size());
        LimitRow r0 = tr.rows().get(0), r1 = tr.rows().get(1), r5 = tr.rows().get(5);
        assertState(r0, -5.030678, -1.282345, 1, 1);
        assertEquals(-0.019352, r0.zeta(), 1e-6);
        assertState(r1, -2.644400, -0.933750, 0.687814, 0.257631);
        assertState(r5, -2.392796, -0.865595, 0.656783, 0.151152);
        assertTrue(tr.balancedUntilEnd());
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
     * Independent of the solver's time change and projection: (4.6), (4.7) and (5.24) integrated in t
     * as they stand, with Commons Math at tolerance 1e-12 and nothing else.
     */
    @Test
    void agreesWithThePaperSystemIntegratedDirectlyInT() {
        Scenario s = BalancedPointTest.load("mv-6.2");
        LimitModel model = LimitModel.of(s);
        BalancedPoint p = BalancedPoint.of(model, s.initial());
        Trajectory tr = new LimitSolver(model).solve(p, 5, 0.5);
        double[] y = {p.varianceE(), p.varianceI(), p.meanE(), p.meanI()};
        DormandPrince853Integrator dp = new DormandPrince853Integrator(0, 1, 1e-12, 1e-12);
        double t = 0;
        for (LimitRow row : tr.rows().subList(1, tr.rows().size())) {
            dp.integrate(paperSystem(model), t, y, row.t(), y);
            t = row.t();
            assertEquals(y[2], row.mean(E), 1e-9, "v_e at " + t);
            assertEquals(y[3], row.mean(I), 1e-9, "v_i at " + t);
            assertEquals(y[0], row.variance(E), 1e-9, "K_e at " + t);
            assertEquals(y[1], row.variance(I), 1e-9, "K_i at " + t);
        }
    }

    /** At large t, K = tau Sigma / 2 with F = 0: solved here directly, by Newton in four unknowns. */
    @Test
    void reachesTheSteadyStateSolvedDirectly() {
        Scenario s = BalancedPointTest.load("mv-6.1");
        LimitModel model = LimitModel.of(s);
        Trajectory tr = solve(s, 30, 5);
        // start from the reference t = 5 state, not from anything the solver computed
        double[] x = {-2.392796, -0.865595, 0.656783, 0.151152};
        for (int it = 0; it < 30; it++) {
            double[] g = steadyResidual(model, x);
            double[][] jac = new double[4][4];
            for (int c = 0; c < 4; c++) {
                double h = 1e-6 * Math.max(1, Math.abs(x[c]));
                double[] xp = x.clone(), xm = x.clone();
                xp[c] += h;
                xm[c] -= h;
                double[] gp = steadyResidual(model, xp), gm = steadyResidual(model, xm);
                for (int r = 0; r < 4; r++) {
                    jac[r][c] = (gp[r] - gm[r]) / (2 * h);
                }
            }
            int[] piv = new int[4];
            assertTrue(GaussianClosure.decompose(jac, piv));
            GaussianClosure.solve(jac, piv, g);
            for (int c = 0; c < 4; c++) {
                x[c] -= g[c];
            }
        }
        double[] g = steadyResidual(model, x);
        for (double gi : g) {
            assertEquals(0, gi, 1e-13);
        }
        LimitRow end = tr.end();
        assertEquals(x[0], end.mean(E), 1e-9);
        assertEquals(x[1], end.mean(I), 1e-9);
        assertEquals(x[2], end.variance(E), 1e-9);
        assertEquals(x[3], end.variance(I), 1e-9);
        assertEquals(x[2], s.tau(E) * end.sigma(E) / 2, 1e-9, "K_e = tau_e Sigma_e / 2");
    }

    /** eta-finite.toml: a real eigenvalue of J_v reaches 0 (a fold) at eta ~ 1.4279. */
    @Test
    void etaFiniteScenarioLeavesTheManifoldAtAFold() {
        Scenario s = BalancedPointTest.load("eta-finite");
        Trajectory coarse = solve(s, 3, 0.1);
        Trajectory fine = solve(s, 3, 0.003);
        assertTrue(coarse.eta().isPresent(), "eta expected");
        double eta = coarse.eta().getAsDouble();
        assertEquals(1.4279, eta, 1e-3);
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

    /**
     * mv-6.1 with a steep i-from-e rate (slope 2) and k = (4, 1): a complex pair of J_v crosses the
     * imaginary axis. There t is a fine time variable, so plain event detection in t is an
     * independent check of eta.
     */
    @Test
    void complexPairCrossingGivesTheSameEtaAsDetectionInT() {
        Scenario base = BalancedPointTest.load("mv-6.1");
        RateFunction[][] r = base.rates().clone();
        r = new RateFunction[][]{r[0].clone(), r[1].clone()};
        r[1][0] = RateFunction.of(RateFamily.TANH, 0.5, 2.0, 2.0, "rates.ie");
        LimitModel model = new LimitModel(base.tau(), base.coupling(), r);
        BalancedPoint p = BalancedPoint.solve(model, 4, 1);
        Trajectory tr = new LimitSolver(model).solve(p, 5, 0.1);
        assertTrue(tr.eta().isPresent());
        double eta = tr.eta().getAsDouble();
        assertTrue(Math.abs(tr.end().traceJv()) < 1e-9 && tr.end().detJv() > 0.01, "complex pair on the axis");

        double[] y = {p.varianceE(), p.varianceI(), p.meanE(), p.meanI()};
        DormandPrince853Integrator dp = new DormandPrince853Integrator(0, 1, 1e-12, 1e-12);
        double[] etaInT = {Double.NaN};
        dp.addEventHandler(new EventHandler() {
            @Override
            public void init(double t0, double[] y0, double t) {
            }

            @Override
            public double g(double t, double[] s) {
                return model.evaluate(s[2], s[3], s[0], s[1]).traceJv();
            }

            @Override
            public Action eventOccurred(double t, double[] s, boolean increasing) {
                etaInT[0] = t;
                return Action.STOP;
            }

            @Override
            public void resetState(double t, double[] s) {
            }
        }, 0.01, 1e-13, 1000);
        dp.integrate(paperSystem(model), 0, y, 5, y);
        assertEquals(etaInT[0], eta, 1e-8);
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

    private static void assertState(LimitRow r, double ve, double vi, double ke, double ki) {
        assertEquals(ve, r.mean(E), 1e-6, "v_e at t = " + r.t());
        assertEquals(vi, r.mean(I), 1e-6, "v_i at t = " + r.t());
        assertEquals(ke, r.variance(E), 1e-6, "K_e at t = " + r.t());
        assertEquals(ki, r.variance(I), 1e-6, "K_i at t = " + r.t());
    }

    /** (4.6), (4.7), (5.24) in t, state (K_e, K_i, v_e, v_i). */
    static FirstOrderDifferentialEquations paperSystem(LimitModel model) {
        return new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return 4;
            }

            @Override
            public void computeDerivatives(double t, double[] y, double[] yDot) {
                LimitModel.Evaluation e = model.evaluate(y[2], y[3], y[0], y[1]);
                double dKe = e.varianceRate(E), dKi = e.varianceRate(I);
                double[][] jv = e.jacobianV(), jk = e.jacobianK();
                double we = jk[0][0] * dKe + jk[0][1] * dKi, wi = jk[1][0] * dKe + jk[1][1] * dKi;
                double det = jv[0][0] * jv[1][1] - jv[0][1] * jv[1][0];
                yDot[0] = dKe;
                yDot[1] = dKi;
                yDot[2] = -(jv[1][1] * we - jv[0][1] * wi) / det;
                yDot[3] = -(-jv[1][0] * we + jv[0][0] * wi) / det;
            }
        };
    }

    private static double[] steadyResidual(LimitModel model, double[] x) {
        LimitModel.Evaluation e = model.evaluate(x[0], x[1], x[2], x[3]);
        return new double[]{e.imbalance(E), e.imbalance(I),
                x[2] - model.tau(E) * e.sigma(E) / 2, x[3] - model.tau(I) * e.sigma(I) / 2};
    }
}
