package org.balnet.limit;

import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every analytic derivative against a finite difference: f', f'' of the rate functions, d/dv G[f] =
 * G[f'], d/dK G[f] = G[f''] / 2, J_v (3.6), J_K (5.26), dSigma, and the closure's 4x4 Jacobian.
 * Central differences of fourth order (error ~ h^4 f^(5)), so 1e-7 is a tight bound.
 */
class DerivativesTest {
    private static final double H = 1e-3;

    /** (-g(x+2h) + 8 g(x+h) - 8 g(x-h) + g(x-2h)) / 12h. */
    static double derivative(DoubleUnaryOperator g, double x, double h) {
        return (-g.applyAsDouble(x + 2 * h) + 8 * g.applyAsDouble(x + h) - 8 * g.applyAsDouble(x - h)
                + g.applyAsDouble(x - 2 * h)) / (12 * h);
    }

    @ParameterizedTest
    @EnumSource(RateFamily.class)
    void rateDerivativesMatchFiniteDifferences(RateFamily family) {
        for (double c : new double[]{0.1, 1, 5}) {
            RateFunction f = RateFunction.of(family, 0.7, 1.5, c, "test");
            for (double x = -4; x <= 4; x += 0.37) {
                double h = H / c;
                assertEquals(derivative(f::value, x, h), f.derivative(x), 1e-8 * c, family + " f' at " + x);
                assertEquals(derivative(f::derivative, x, h), f.secondDerivative(x), 1e-8 * c * c,
                        family + " f'' at " + x);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RateFamily.class)
    void gaussianExpectationDerivativesAreTheExpectationsOfTheDerivatives(RateFamily family) {
        RateFunction f = RateFunction.of(family, 0.9, 1.2, 2.0, "test");
        for (double v : new double[]{-2, -0.4, 0, 1.1}) {
            for (double k : new double[]{0.05, 0.7, 3}) {
                GaussianExpectation.Moments m = GaussianExpectation.moments(f, v, k);
                assertEquals(derivative(x -> GaussianExpectation.of(f, x, k), v, H), m.first(), 1e-9,
                        family + " d/dv G[f] at v=" + v + " K=" + k);
                // Stein's lemma twice: d/dK E f(v + sqrt(K) Z) = E f''(v + sqrt(K) Z) / 2
                assertEquals(derivative(x -> GaussianExpectation.of(f, v, x), k, H * k), 0.5 * m.second(), 1e-8,
                        family + " d/dK G[f] at v=" + v + " K=" + k);
            }
        }
    }

    @Test
    void jacobiansOfFAndSigmaMatchFiniteDifferencesOnMv61() {
        checkJacobians(LimitModel.of(mv61()), new double[]{-2.7, -0.95}, new double[]{0.7, 0.3});
    }

    @Test
    void jacobiansOfFAndSigmaMatchFiniteDifferencesForMixedFamilies() {
        RateFunction[][] r = {
                {RateFunction.of(RateFamily.ERF, 0.5, 2.0, 1.5, "ee"), RateFunction.of(RateFamily.LOGISTIC, 1.0, 0.5, 2, "ei")},
                {RateFunction.of(RateFamily.TANH, 0.8, 1.5, 0.7, "ie"), RateFunction.of(RateFamily.ERF, 1.2, 1.0, 3, "ii")}};
        LimitModel model = new LimitModel(new double[]{1.0, 0.6}, new double[][]{{1.3, 2.1}, {0.4, 0.9}}, r);
        checkJacobians(model, new double[]{0.3, -0.8}, new double[]{0.2, 1.4});
    }

    private static void checkJacobians(LimitModel model, double[] v, double[] k) {
        LimitModel.Evaluation e = model.evaluate(v, k);
        double[][] jv = e.jacobianV(), jk = e.jacobianK(), sv = e.sigmaByMean(), sk = e.sigmaByVariance();
        for (Population a : Population.values()) {
            for (Population b : Population.values()) {
                int ai = a.index(), bi = b.index();
                DoubleUnaryOperator byMean = x -> {
                    double[] w = v.clone();
                    w[bi] = x;
                    return model.evaluate(w, k).imbalance(a);
                };
                DoubleUnaryOperator byVariance = x -> {
                    double[] w = k.clone();
                    w[bi] = x;
                    return model.evaluate(v, w).imbalance(a);
                };
                DoubleUnaryOperator sigmaByMean = x -> {
                    double[] w = v.clone();
                    w[bi] = x;
                    return model.evaluate(w, k).sigma(a);
                };
                DoubleUnaryOperator sigmaByVariance = x -> {
                    double[] w = k.clone();
                    w[bi] = x;
                    return model.evaluate(v, w).sigma(a);
                };
                String pair = Population.pair(a, b);
                assertEquals(derivative(byMean, v[bi], H), jv[ai][bi], 1e-8, "J_v " + pair);
                assertEquals(derivative(byVariance, k[bi], H * k[bi]), jk[ai][bi], 1e-8, "J_K " + pair);
                assertEquals(derivative(sigmaByMean, v[bi], H), sv[ai][bi], 1e-8, "dSigma/dv " + pair);
                assertEquals(derivative(sigmaByVariance, k[bi], H * k[bi]), sk[ai][bi], 1e-8, "dSigma/dK " + pair);
            }
        }
    }

    @Test
    void closureJacobianMatchesFiniteDifferences() {
        LimitModel model = LimitModel.of(mv61());
        double n = 1e6;
        GaussianClosure closure = new GaussianClosure(model, n);
        double[] y = {-2.6, -0.93, 0.69, 0.26};
        double[][] jac = closure.jacobian(model.evaluate(y[0], y[1], y[2], y[3]));
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                int row = r, col = c;
                DoubleUnaryOperator g = x -> {
                    double[] w = y.clone();
                    w[col] = x;
                    double[] out = new double[4];
                    closure.rhs(model.evaluate(w[0], w[1], w[2], w[3]), out);
                    return out[row];
                };
                // rows of v carry sqrt(n) = 1000: the tolerance scales with them
                double scale = row < 2 ? Math.sqrt(n) : 1;
                assertEquals(derivative(g, y[col], H * 0.3), jac[row][col], 1e-8 * scale, "J[" + row + "][" + col + "]");
            }
        }
    }

    static Scenario mv61() {
        return ScenarioLoader.load(Path.of("validation/scenarios/mv-6.1.toml"));
    }
}
