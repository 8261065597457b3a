package org.balnet.limit;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Points that are roots of F in absolute terms but not balanced points in substance, and failures of
 * the limit solver, which must be told in balnet's words.
 */
class DegeneratePointTest {
    /**
     * The test scenario silent-logistic (src/test/resources/scenarios): logistic rates with offset 0 and
     * the same function for both targets. F_e = 0 needs m_e > m_i, F_i = 0 needs m_e = m_i; the only
     * "roots" lie near m = -37, where every Q is about 1e-16, |F| ~ 1e-17 and J_v's eigenvalues ~ 1e-16.
     */
    static Scenario silentLogistic() {
        return ScenarioLoader.load("silent-logistic");
    }

    @Test
    void theSilentLogisticScenarioIsRefusedAsSilentNotBalanced() {
        Scenario s = silentLogistic();
        BadInputException e = assertThrows(BadInputException.class,
                () -> BalancedPoint.of(LimitModel.of(s), s.initial()));
        assertEquals(InputError.NO_BALANCED_POINT, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("where all rates vanish") && m.contains("the network is silent, not balanced"), m);
        assertTrue(m.contains("Q ~ ") && m.contains("e-17"), "the size of the rates there: " + m);
    }

    @Test
    void theSilentPointIsRefusedWhenGivenAsInitialMeansToo() {
        LimitModel model = LimitModel.of(silentLogistic());
        // the point the issue's `balnet limit` reported, |F| = 5.6e-17
        BadInputException e = assertThrows(BadInputException.class,
                () -> BalancedPoint.check(model, -36.897861, -36.386737, 0.5, 0.5));
        assertEquals(InputError.NO_BALANCED_POINT, e.kind());
        assertTrue(e.getMessage().contains("the network is silent, not balanced"), e.getMessage());
    }

    @Test
    void everyRootTheScanFindsThereIsSilent() {
        LimitModel model = LimitModel.of(silentLogistic());
        var roots = new BalanceScan(model, 0.5, 0.5).roots();
        assertFalse(roots.isEmpty(), "the scan finds the rounding roots");
        for (BalancedPoint.Root r : roots) {
            assertTrue(r.silent() && !r.isStable(), r.toString());
            assertTrue(r.meanE() < -30, r.toString());
        }
    }

    @Test
    void aProperPointHasNoDefect() {
        Scenario s = BalancedPointTest.load("mv-6.1");
        LimitModel model = LimitModel.of(s);
        BalancedPoint p = BalancedPoint.of(model, s.initial());
        assertNull(BalancedPoint.defect(model.evaluate(p.meanE(), p.meanI(), 1, 1)));
    }

    /** Where the rates are small but above the floor, a residual that is small only in absolute terms is named. */
    @Test
    void aResidualSmallOnlyAgainstTheBoundsIsADefect() {
        LimitModel model = LimitModel.of(silentLogistic());
        LimitModel.Evaluation e = model.evaluate(-15, -15.5, 0.5, 0.5);
        for (Population t : Population.values()) {
            for (Population u : Population.values()) {
                assertFalse(e.rateVanished(t, u), "Q_" + Population.pair(t, u) + " = " + e.q(t, u));
            }
        }
        assertTrue(e.residual() < 1e-6, "|F| = " + e.residual());
        String defect = BalancedPoint.defect(e);
        assertTrue(defect != null && defect.contains("F is small there only because the inputs are"), defect);
    }

    @Test
    void aRateBelowItsFloorIsADefectEvenWhereTheOthersAreNot() {
        LimitModel model = LimitModel.of(silentLogistic());
        // m_i at -30: Q_ei, Q_ii ~ 1e-13 of their bound; m_e at 0: Q_ee, Q_ie ~ 0.5
        LimitModel.Evaluation e = model.evaluate(0, -30, 0.5, 0.5);
        assertTrue(e.rateVanished(Population.E, Population.I) && !e.rateVanished(Population.E, Population.E));
        String defect = BalancedPoint.defect(e);
        assertTrue(defect != null && defect.contains("rates have vanished there (Q_ei = ") && defect.contains("Q_ii"),
                defect);
    }

    /** Inputs that underflow (to 0, or to a rounding error below it) are not divided by: no 0/0, no sign flip. */
    @Test
    void theRelativeImbalanceNeverDividesByAnUnderflowedInput() {
        LimitModel model = LimitModel.of(silentLogistic());
        LimitModel.Evaluation e = model.evaluate(-2000, -2000, 0.5, 0.5);
        assertTrue(Math.abs(e.input(Population.E)) < 1e-14, "input " + e.input(Population.E));
        assertTrue(Double.isFinite(e.relativeImbalance(Population.E)), "" + e.relativeImbalance(Population.E));
        assertTrue(e.rateVanished(Population.E, Population.E));
        assertTrue(BalancedPoint.silent(e));
    }

    @Test
    void zetaIsJudgedAgainstTheScaleOfJvNotItsValues() {
        LimitModel model = LimitModel.of(silentLogistic());
        LimitModel.Evaluation e = model.evaluate(-36.897861, -36.386737, 0.5, 0.5);
        assertTrue(e.zeta() < 0, "zeta is negative, by 4e-17: " + e.zeta());
        assertFalse(e.isStable(), "but not beyond the rounding of entries of size up to " + model.jacobianScale());
        assertEquals(0.5, model.jacobianScale(), 1e-15, "max C sup|f'| = C_ei a c / 4 = 2 / 4");
    }

    /**
     * A point that clears every floor at t = 0 and whose rates then fade: K_i relaxes from 0.064 towards
     * tau_i Sigma_i / 2, tiny here, and Q_ee (tanh(c x) + 1 at m_e = -6.3, the paper's form at its edge)
     * falls with it. The solve stops where Q_ee crosses 1e-8 of its bound, as at eta, instead of crawling
     * on (det J_v falls with the rates) until the integrator gives up at t = 1.67, as it did. Drawn by
     * ScenarioPropertyTest's generator (seed 4, draw 592, T = 5).
     */
    @Test
    void aLimitWhoseRatesFadeStopsWhereTheyCrossTheFloor() {
        RateFunction[][] f = {
                {RateFunction.of(RateFamily.TANH, 0.802311769175226, 1.0, 1.6280172307077971, "ee"),
                        RateFunction.of(RateFamily.ERF, 3.25754346127777, 1.0, 1.6280172307077971, "ei")},
                {RateFunction.of(RateFamily.TANH, 0.802311769175226, 1.0, 0.7785647538792204, "ie"),
                        RateFunction.of(RateFamily.ERF, 3.25754346127777, 1.0, 0.7785647538792204, "ii")}};
        double[][] c = {{3.1158592020822673, 5.546945594833334E-6}, {0.21100368804300912, 5.596841330654236E-5}};
        LimitModel model = new LimitModel(new double[]{1.5511354570483626, 0.1696201843229411}, c, f);
        BalancedPoint p = BalancedPoint.solve(model, 1.0209086645859893, 0.06385828041116241);
        Trajectory tr = new LimitSolver(model).solve(p, 2, 0.1);
        assertTrue(tr.silent().isPresent() && tr.eta().isEmpty(), "stops silent, not at eta: " + tr.end());
        double at = tr.silent().getAsDouble();
        assertEquals(0.63087, at, 1e-4);
        assertFalse(tr.balancedUntilEnd());
        assertEquals(0.6, tr.lastTime(), 0.0, "rows up to the last output time before it");
        double q = tr.end().q(Population.E, Population.E) / f[0][0].bound();
        assertEquals(RateFunction.NEGLIGIBLE_FRACTION, q, 1e-6 * RateFunction.NEGLIGIBLE_FRACTION,
                "the end is where Q_ee crosses the floor");
    }

    /** The integrator giving up: what happened, where, and what to try, not the library's message. */
    @Test
    void aSolverThatGivesUpSaysSoInItsOwnWords() {
        Scenario s = BalancedPointTest.load("mv-6.1");
        LimitModel model = LimitModel.of(s);
        BalancedPoint p = BalancedPoint.of(model, s.initial());
        LimitFailure f = assertThrows(LimitFailure.class, () -> new LimitSolver(model, 60).solve(p, 5, 0.5));
        String m = f.getMessage();
        assertTrue(m.startsWith("the limit could not be solved past t = "), m);
        assertTrue(m.contains("could not keep its error within the tolerance"), m);
        assertTrue(m.contains("a shorter end time (below t = "), m);
        assertFalse(m.contains("maximal count") || m.contains("exceeded"), m);
    }
}
