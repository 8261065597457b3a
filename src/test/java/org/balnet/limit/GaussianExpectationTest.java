package org.balnet.limit;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.special.Erf;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * G[g](v, K) = E g(v + sqrt(K) Z) against exact values: the erf closed forms, and adaptive
 * integration for every family, to 1e-9 absolute (the requirement) across K in [1e-4, 25] and slopes
 * up to 5. The rule is in fact about 1e-15 accurate; the asserts leave room only for the reference.
 */
class GaussianExpectationTest {
    private static final double[] SLOPES = {0.1, 0.5, 1, 2, 5};
    private static final double[] VARIANCES = {1e-4, 1e-3, 1e-2, 0.1, 0.5, 1, 3, 10, 25};
    private static final double[] MEANS = {-8, -2.5, -0.3, 0, 0.7, 4};
    private static final double REQUIRED = 1e-9;

    /** The composite rule run on erf(y + sZ), whose expectations are known exactly. */
    @Test
    void compositeRuleReproducesTheErfClosedForms() {
        double[] rule = new double[3], exact = new double[3];
        double worst = 0;
        for (double c : SLOPES) {
            for (double k : VARIANCES) {
                for (double v : MEANS) {
                    double y = c * v, s = c * Math.sqrt(k);
                    GaussianExpectation.compositeMoments(GaussianExpectation.Sigmoid.ERF, y, s, rule);
                    // E erf(y + sZ) = erf(y / sqrt(1 + 2 s^2)) and its y-derivatives, written out here
                    double q = 1 + 2 * s * s;
                    double g = 2 / Math.sqrt(Math.PI) * Math.exp(-y * y / q) / Math.sqrt(q);
                    exact[0] = Erf.erf(y / Math.sqrt(q));
                    exact[1] = g;
                    exact[2] = -2 * y / q * g;
                    for (int i = 0; i < 3; i++) {
                        worst = Math.max(worst, Math.abs(rule[i] - exact[i]));
                        assertEquals(exact[i], rule[i], 1e-12, "moment " + i + " at c=" + c + " K=" + k + " v=" + v);
                    }
                }
            }
        }
        assertTrue(worst < 1e-12, "worst " + worst);
    }

    /** Every family, every moment, against adaptive Gauss-Legendre on the truncated real line. */
    @Tag("slow")
    @ParameterizedTest
    @EnumSource(RateFamily.class)
    void everyFamilyMatchesAdaptiveIntegration(RateFamily family) {
        for (double c : SLOPES) {
            RateFunction f = RateFunction.of(family, 0.8, family == RateFamily.LOGISTIC ? 0.1 : 1.3, c, "test");
            for (double k : VARIANCES) {
                for (double v : new double[]{-2.5, 0, 0.7}) {
                    GaussianExpectation.Moments m = GaussianExpectation.moments(f, v, k);
                    assertEquals(adaptive(f::value, v, k), m.value(), REQUIRED, at(family, c, k, v, "f"));
                    assertEquals(adaptive(f::derivative, v, k), m.first(), REQUIRED, at(family, c, k, v, "f'"));
                    assertEquals(adaptive(f::secondDerivative, v, k), m.second(), REQUIRED,
                            at(family, c, k, v, "f''"));
                }
            }
        }
    }

    /** The reason for the composite rule: a fixed Hermite rule is far off for steep rates at large K. */
    @Test
    void aFixedHermiteRuleFailsWhereTheCompositeRuleDoesNot() {
        RateFunction f = RateFunction.of(RateFamily.TANH, 1.0, 1.0, 5.0, "test");
        double v = 0.3, k = 25;
        GaussIntegrator hermite = new GaussIntegratorFactory().hermite(64);
        double sd = Math.sqrt(k);
        // E g(v + sd Z) = pi^{-1/2} int e^{-x^2} g(v + sd sqrt(2) x) dx
        double fixed = hermite.integrate(x -> f.value(v + sd * Math.sqrt(2) * x)) / Math.sqrt(Math.PI);
        double reference = adaptive(f::value, v, k);
        assertTrue(Math.abs(fixed - reference) > 1e-4, "Hermite(64) error " + Math.abs(fixed - reference));
        assertEquals(reference, GaussianExpectation.of(f, v, k), 1e-12);
    }

    @Test
    void zeroVarianceGivesTheRateAndItsDerivativesThemselves() {
        for (RateFamily family : RateFamily.values()) {
            RateFunction f = RateFunction.of(family, 0.5, 2.0, 1.7, "test");
            for (double v : MEANS) {
                GaussianExpectation.Moments m = GaussianExpectation.moments(f, v, 0.0);
                assertEquals(f.value(v), m.value(), 1e-15);
                assertEquals(f.derivative(v), m.first(), 1e-15);
                assertEquals(f.secondDerivative(v), m.second(), 1e-15);
            }
        }
    }

    @Test
    void namedAccessorsAgreeWithMoments() {
        RateFunction f = RateFunction.of(RateFamily.LOGISTIC, 1.5, 0.2, 2.0, "test");
        GaussianExpectation.Moments m = GaussianExpectation.moments(f, -0.4, 0.9);
        assertEquals(m.value(), GaussianExpectation.of(f, -0.4, 0.9));
        assertEquals(m.first(), GaussianExpectation.ofDerivative(f, -0.4, 0.9));
        assertEquals(m.second(), GaussianExpectation.ofSecondDerivative(f, -0.4, 0.9));
    }

    @Test
    void negativeOrNonFiniteArgumentsAreRefused() {
        RateFunction f = RateFunction.of(RateFamily.TANH, 1.0, 1.0, 1.0, "test");
        assertThrows(IllegalArgumentException.class, () -> GaussianExpectation.of(f, 0, -1e-3));
        assertThrows(IllegalArgumentException.class, () -> GaussianExpectation.of(f, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GaussianExpectation.of(f, Double.NaN, 1));
    }

    private static String at(RateFamily family, double c, double k, double v, String what) {
        return "E " + what + " for " + family + " slope " + c + " at K=" + k + ", v=" + v;
    }

    /**
     * E g(v + sqrt(K) Z) by iterative Gauss-Legendre (Commons Math, refined until it converges) on
     * 800 equal pieces of |z| &le; 10: independent of the rule under test (no grading, no breakpoints
     * that follow the rate), and fine enough for the steepest case (a piece spans 1.25 in c x at
     * c sqrt(K) = 25).
     */
    static double adaptive(DoubleUnaryOperator g, double v, double k) {
        double sd = Math.sqrt(k);
        UnivariateFunction integrand = z -> g.applyAsDouble(v + sd * z) * Math.exp(-0.5 * z * z)
                / Math.sqrt(2 * Math.PI);
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(5, 1e-13, 1e-16, 2, 64);
        int pieces = 800;
        double lo = -10, hi = 10, sum = 0;
        for (int p = 0; p < pieces; p++) {
            double a = lo + (hi - lo) * p / pieces, b = lo + (hi - lo) * (p + 1) / pieces;
            sum += integrator.integrate(Integer.MAX_VALUE, integrand, a, b);
        }
        return sum;
    }
}
