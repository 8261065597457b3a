package org.balnet.sim;

import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommonModeTest {
    /** mv-6.1's J_v at its balanced point has eigenvalues near -0.0194 and -0.1419; a diagonal stand-in. */
    static final double[][] DIAGONAL = {{-0.1419, 0}, {0, -0.0194}};

    @Test
    void explicitBoundIsTheEulerBoundForLargeN() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(1_000_000);
        double bound = CommonMode.explicitStabilityBound(s, DIAGONAL);
        // For h -> 0 the map is 1 - h (1/tau + sqrt(n) 0.1419): |.| < 1 for h < 2 / (1 + 141.9), up to O(h^2).
        double euler = 2 / (1 + 1000 * 0.1419);
        assertEquals(euler, bound, 0.03 * euler);
        // Larger n, proportionally smaller bound.
        double big = CommonMode.explicitStabilityBound(s.withN(100_000_000), DIAGONAL);
        assertEquals(bound / 10, big, 0.03 * bound / 10);
    }

    @Test
    void unstableJacobianHasNoStableStepAndZeroJacobianNoBound() {
        Scenario s = ScenarioLoader.load("mv-6.1");
        assertEquals(0.0, CommonMode.explicitStabilityBound(s, new double[][]{{0.5, 0}, {0, -1}}));
        assertEquals(Double.POSITIVE_INFINITY, CommonMode.explicitStabilityBound(s, new double[][]{{0, 0}, {0, 0}}));
    }

    static Observables observables(double[] mean, double[] residual, double[][] jacobian) {
        return new Observables(0, 0, mean, new double[]{1, 1}, new double[][]{{0.9, 0.6}, {0.8, 0.7}}, residual,
                jacobian);
    }

    @Test
    void semiImplicitApproachesExplicitAsTheStepShrinks() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(10_000);
        Observables o = observables(new double[]{-5, -1.3}, new double[]{0.02, -0.01}, DIAGONAL);
        double previous = Double.POSITIVE_INFINITY;
        for (double h : new double[]{1e-2, 1e-3, 1e-4}) {
            StepPlan semi = new StepPlan();
            StepPlan expl = new StepPlan();
            new CommonMode(s, Scheme.SEMI_IMPLICIT, h).plan(o, 0, semi);
            new CommonMode(s, Scheme.EXPLICIT, h).plan(o, 0, expl);
            double relative = Math.abs(semi.shift[0] - expl.shift[0]) / Math.abs(expl.shift[0]);
            assertTrue(relative < previous / 5, "relative difference " + relative + " at h = " + h
                    + " should fall about tenfold per tenfold smaller h (previous " + previous + ")");
            previous = relative;
        }
    }

    @Test
    void semiImplicitShiftSolvesTheLinearisedImplicitEquation() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(1_000_000);
        double[][] jac = {{-0.3, 0.2}, {0.1, -0.25}};
        Observables o = observables(new double[]{-5, -1.3}, new double[]{0.002, -0.001}, jac);
        double h = 0.01;
        StepPlan p = new StepPlan();
        new CommonMode(s, Scheme.SEMI_IMPLICIT, h).plan(o, 0, p);
        double sq = 1000;
        for (int a = 0; a < 2; a++) {
            double decay = p.decay[a];
            double moved = p.centre[a] - o.mean()[a];
            // S = (A - I) v + h sqrt(n) B (F + J S)
            double rhs = (decay - 1) * o.mean()[a] + h * sq * p.halfDecay[a]
                    * (o.imbalance()[a] + jac[a][0] * (p.centre[0] - o.mean()[0]) + jac[a][1] * (p.centre[1] - o.mean()[1]));
            assertEquals(rhs, moved, 1e-12);
            assertEquals(moved, (decay - 1) * o.mean()[a] + p.shift[a], 1e-12);
            assertEquals(h * 1e6 * 0.9, p.lambda[0][0], 1e-6, "lambda = h n Q");
        }
        assertEquals(-1.5 / 1000, p.weight[0][1], 1e-15, "weight = s_i C_ei / sqrt(n)");
    }

    @Test
    void semiImplicitTakesTheExplicitShiftWhenTheJacobianTurnsUnstable() {
        // n = 1e6, h = 0.01: h sqrt(n) = 10, so an eigenvalue +0.1 of J-hat makes 1 - h sqrt(n) b lambda = 0:
        // the linearised implicit solve would reverse the escape. It must fall back to the explicit shift.
        Scenario s = ScenarioLoader.load("mv-6.1").withN(1_000_000);
        double h = 0.01;
        Observables unstable = observables(new double[]{-3, -1}, new double[]{0.01, -0.002},
                new double[][]{{0.1, 0}, {0, -0.05}});
        CommonMode semi = new CommonMode(s, Scheme.SEMI_IMPLICIT, h);
        StepPlan p = new StepPlan();
        semi.plan(unstable, 0, p);
        StepPlan e = new StepPlan();
        new CommonMode(s, Scheme.EXPLICIT, h).plan(unstable, 0, e);
        assertEquals(e.shift[0], p.shift[0], 0.0);
        assertEquals(e.shift[1], p.shift[1], 0.0);
        assertEquals(1, semi.explicitFallbacks());
        // A stable Jacobian keeps the implicit solve.
        semi.plan(observables(new double[]{-3, -1}, new double[]{0.01, -0.002}, DIAGONAL), 1, p);
        assertEquals(1, semi.explicitFallbacks());
        assertTrue(Math.abs(p.shift[0] - e.shift[0]) > 1e-6, "implicit shift differs from explicit");
    }
}
