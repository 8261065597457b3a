package org.balnet.limit;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalancedPointTest {
    private static final double[] SLOPES = {0.1, 0.5, 1, 2, 5};
    private static final double[][] SECTION_6_K = {{1, 1}, {1, 0.5}};

    /** t = 0 of the independent reference (validation/expected/mv-6.1.toml, limit_reference.py). */
    @Test
    void mv61MatchesTheIndependentReference() {
        Scenario s = load("mv-6.1");
        BalancedPoint p = BalancedPoint.of(LimitModel.of(s), s.initial());
        double[] ref = LimitReference.load("mv-6.1").rows()[0];
        assertEquals(ref[0], p.meanE(), LimitSolverTest.REFERENCE_TOLERANCE);
        assertEquals(ref[1], p.meanI(), LimitSolverTest.REFERENCE_TOLERANCE);
        assertEquals(ref[4], p.zeta(), LimitSolverTest.REFERENCE_TOLERANCE);
        assertTrue(p.residual() < 1e-14, "residual " + p.residual());
        assertFalse(p.given());
        assertEquals(1, p.roots().size(), "mv-6.1 has exactly one root: " + p.roots());
    }

    /** t = 0 of the independent reference (validation/expected/mv-6.2.toml, limit_reference.py). */
    @Test
    void mv62MatchesTheIndependentReference() {
        Scenario s = load("mv-6.2");
        BalancedPoint p = BalancedPoint.of(LimitModel.of(s), s.initial());
        double[] ref = LimitReference.load("mv-6.2").rows()[0];
        assertEquals(ref[0], p.meanE(), LimitSolverTest.REFERENCE_TOLERANCE);
        assertEquals(ref[1], p.meanI(), LimitSolverTest.REFERENCE_TOLERANCE);
        assertEquals(ref[4], p.zeta(), LimitSolverTest.REFERENCE_TOLERANCE);
        assertTrue(p.eigenvalues().isStable());
    }

    /**
     * The paper's Section 6 formulas with their literal labels (f_ei = 0.5 (tanh + 2), f_ie = tanh + 1,
     * the other way round from mv-6.1) admit no stable balanced point, for every c_ee, c_ii on the grid,
     * both k of Section 6, and the cross slopes following either the target or the source.
     */
    @Tag("slow")
    @Test
    void literalSection6LabelsHaveNoStableBalancedPoint() {
        int scans = 0;
        for (boolean followTarget : new boolean[]{true, false}) {
            for (double cee : SLOPES) {
                for (double cii : SLOPES) {
                    double slopeEI = followTarget ? cee : cii;
                    double slopeIE = followTarget ? cii : cee;
                    LimitModel model = literal(cee, slopeEI, slopeIE, cii);
                    for (double[] k : SECTION_6_K) {
                        BadInputException e = assertThrows(BadInputException.class,
                                () -> BalancedPoint.solve(model, k[0], k[1]),
                                "found a stable point for c_ee=" + cee + " c_ii=" + cii + " k=" + k[0] + "," + k[1]);
                        assertEquals(InputError.NO_BALANCED_POINT, e.kind());
                        assertTrue(e.getMessage().contains("no stable balanced point"), e.getMessage());
                        scans++;
                    }
                }
            }
        }
        assertEquals(100, scans);
    }

    /**
     * Control for the test above: the same search over the same grid finds stable points in mv-6.1's
     * reading (for (c_ee, c_ii) = (0.5, 0.1), (1, 0.5), (2, 0.5), (5, 0.5) at k = (1, 1)).
     */
    @Test
    void theMv61ReadingHasStablePointsOnTheSameGrid() {
        int found = 0;
        for (double cee : SLOPES) {
            for (double cii : SLOPES) {
                LimitModel model = mv61Reading(cee, cii);
                try {
                    BalancedPoint p = BalancedPoint.solve(model, 1, 1);
                    assertTrue(p.eigenvalues().isStable());
                    found++;
                } catch (BadInputException e) {
                    assertEquals(InputError.NO_BALANCED_POINT, e.kind());
                }
            }
        }
        assertEquals(4, found, "slope pairs with a stable point");
        assertEquals(-5.030678, BalancedPoint.solve(mv61Reading(1, 0.5), 1, 1).meanE(), 1e-6);
    }

    /**
     * Why the test above ties the cross slopes: with them free the literal labels do have stable
     * points, e.g. for a nearly flat f_ee (c_ee = 0.1). "No stable balanced point for the slopes Section 6
     * uses" (docs/design.md, section 9) holds for c_ee &ge; 0.5 or tied cross slopes, not in general.
     */
    @Test
    void literalLabelsWithAFlatExcitatoryRateAndFreeCrossSlopesDoHaveAStablePoint() {
        LimitModel model = literal(0.1, 0.5, 1.0, 0.5);
        BalancedPoint p = BalancedPoint.solve(model, 1, 1);
        assertTrue(p.eigenvalues().isStable(), p.eigenvalues().toString());
        assertTrue(model.evaluate(p.meanE(), p.meanI(), 1, 1).residual() < 1e-12);
    }

    @Test
    void givenMeansAreCheckedAndPolishedToTheRoot() {
        LimitModel model = LimitModel.of(load("mv-6.1"));
        BalancedPoint solved = BalancedPoint.solve(model, 1, 1);
        BalancedPoint given = BalancedPoint.check(model, -5.030678, -1.282345, 1, 1);
        assertTrue(given.given());
        assertEquals(solved.meanE(), given.meanE(), 1e-10);
        assertEquals(solved.meanI(), given.meanI(), 1e-10);
        assertTrue(given.residual() < 1e-14);
    }

    @Test
    void givenMeansThatAreNotBalancedAreRefusedWithTheNumbers() {
        LimitModel model = LimitModel.of(load("mv-6.1"));
        BadInputException e = assertThrows(BadInputException.class, () -> BalancedPoint.check(model, -5.0, -1.3, 1, 1));
        assertEquals(InputError.NO_BALANCED_POINT, e.kind());
        assertTrue(e.getMessage().contains("|F| ="), e.getMessage());
        assertTrue(e.getMessage().contains("-5.030678"), "suggests the solved point: " + e.getMessage());
    }

    @Test
    void givenRootThatIsNotStableIsRefused() {
        LimitModel model = LimitModel.of(load("eta-finite"));
        List<BalancedPoint.Root> roots = new BalanceScan(model, 0.25, 0.25).roots();
        BalancedPoint.Root unstable = roots.stream().filter(r -> !r.isStable()).findFirst().orElse(null);
        assertNotNull(unstable, "eta-finite has an unstable root beside the stable one: " + roots);
        BadInputException e = assertThrows(BadInputException.class,
                () -> BalancedPoint.check(model, unstable.meanE(), unstable.meanI(), 0.25, 0.25));
        assertEquals(InputError.NO_BALANCED_POINT, e.kind());
        assertTrue(e.getMessage().contains("not stable"), e.getMessage());
    }

    /**
     * eta-finite's manifold folds: a stable and an unstable root approach each other as K nears its
     * value at eta, and past it there is no root at all.
     */
    @Test
    void etaFiniteRootsMergeAtTheFold() {
        LimitModel model = LimitModel.of(load("eta-finite"));
        List<BalancedPoint.Root> start = new BalanceScan(model, 0.25, 0.25).roots();
        List<BalancedPoint.Root> nearEta = new BalanceScan(model, 0.63215, 0.26198).roots();
        List<BalancedPoint.Root> beyond = new BalanceScan(model, 0.7, 0.27).roots();
        assertEquals(2, start.size(), start.toString());
        assertEquals(2, nearEta.size(), nearEta.toString());
        assertEquals(1, nearEta.stream().filter(BalancedPoint.Root::isStable).count());
        double gapStart = Math.abs(start.get(0).meanE() - start.get(1).meanE());
        double gapNear = Math.abs(nearEta.get(0).meanE() - nearEta.get(1).meanE());
        assertTrue(gapNear < 0.1 * gapStart, "roots approach: " + gapStart + " -> " + gapNear);
        assertTrue(beyond.isEmpty(), beyond.toString());
    }

    /** A root deep in a rate's flat tail has zeta ~ -1e-16: round-off, not stability. */
    @Test
    void aRootWhoseZetaIsRoundOffDoesNotCountAsStable() {
        RateFunction[][] r = {
                {RateFunction.of(RateFamily.TANH, 0.5, 2, 5.0, "ee"), RateFunction.of(RateFamily.TANH, 1, 1, 1.0, "ei")},
                {RateFunction.of(RateFamily.TANH, 0.5, 2, 2.0, "ie"), RateFunction.of(RateFamily.TANH, 1, 1, 1.0, "ii")}};
        LimitModel model = new LimitModel(new double[]{1, 1}, new double[][]{{0.5, 1}, {1, 2}}, r);
        BadInputException e = assertThrows(BadInputException.class, () -> BalancedPoint.solve(model, 1, 1));
        assertTrue(e.getMessage().contains("zeta is 0 to within round-off"), e.getMessage());
    }

    @Test
    void aZeroCouplingRulesOutAStablePoint() {
        Scenario s = load("mv-6.1");
        double[][] c = {{1.0, 0.0}, {0.5, 0.5}};
        LimitModel model = new LimitModel(s.tau(), c, s.rates());
        BadInputException e = assertThrows(BadInputException.class, () -> BalancedPoint.solve(model, 1, 1));
        assertEquals(InputError.NO_BALANCED_POINT, e.kind());
        assertTrue(e.getMessage().contains("coupling.ei"), e.getMessage());
    }

    /**
     * The identity the scan rests on: along F_e = 0, phi(m_e) = F_i has slope det J_v / (C_ei G[f_ei']),
     * so stable roots are upward crossings.
     */
    @Test
    void slopeAlongTheCurveIsDetJvOverCeiGfei() {
        LimitModel model = LimitModel.of(load("mv-6.2"));
        BalanceScan scan = new BalanceScan(model, 1, 0.5);
        for (double me : new double[]{-4, -3.3, -2}) {
            double h = 1e-4;
            double[] phi = new double[5];
            for (int j = -2; j <= 2; j++) {
                double mi = scan.curve(me + j * h, -1);
                phi[j + 2] = scan.phi(me + j * h, mi);
            }
            double slope = (-phi[4] + 8 * phi[3] - 8 * phi[1] + phi[0]) / (12 * h);
            double mi = scan.curve(me, -1);
            LimitModel.Evaluation e = model.evaluate(me, mi, 1, 0.5);
            assertEquals(0, e.imbalance(Population.E), 1e-14, "on the curve F_e = 0");
            double gei = GaussianExpectation.ofDerivative(model.rate(Population.E, Population.I), mi, 0.5);
            assertEquals(e.detJv() / (model.coupling(Population.E, Population.I) * gei), slope, 1e-8);
        }
    }

    /** Literal (6.1)-(6.4) labels with mv-6.1's couplings: f_ei = 0.5 (tanh + 2), f_ie = tanh + 1. */
    static LimitModel literal(double cee, double slopeEI, double slopeIE, double cii) {
        RateFunction[][] r = {
                {RateFunction.of(RateFamily.TANH, 0.5, 2, cee, "ee"), RateFunction.of(RateFamily.TANH, 0.5, 2, slopeEI, "ei")},
                {RateFunction.of(RateFamily.TANH, 1, 1, slopeIE, "ie"), RateFunction.of(RateFamily.TANH, 1, 1, cii, "ii")}};
        return new LimitModel(new double[]{1, 1}, new double[][]{{1, 1.5}, {0.5, 0.5}}, r);
    }

    /** mv-6.1's reading: form by source, slope by target. */
    static LimitModel mv61Reading(double cee, double cii) {
        RateFunction[][] r = {
                {RateFunction.of(RateFamily.TANH, 0.5, 2, cee, "ee"), RateFunction.of(RateFamily.TANH, 1, 1, cee, "ei")},
                {RateFunction.of(RateFamily.TANH, 0.5, 2, cii, "ie"), RateFunction.of(RateFamily.TANH, 1, 1, cii, "ii")}};
        return new LimitModel(new double[]{1, 1}, new double[][]{{1, 1.5}, {0.5, 0.5}}, r);
    }

    static Scenario load(String name) {
        return ScenarioLoader.load(Path.of("validation/scenarios/" + name + ".toml"));
    }
}
