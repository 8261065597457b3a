package org.balnet.limit;

import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.special.Erf;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;

/**
 * A network whose four rates are all of the erf family, f(x) = A (erf(c x) + o), with F, Sigma, J_v
 * and J_K written out here from the closed form
 * <pre>
 *     E erf(c (v + sqrt(K) Z)) = erf(c v / sqrt(q)),   q = 1 + 2 c^2 K,
 *     d/dv = (2 / sqrt(pi)) (c / sqrt(q)) exp(-c^2 v^2 / q),
 *     d/dK = -(2 / sqrt(pi)) c^3 v q^(-3/2) exp(-c^2 v^2 / q).
 * </pre>
 * A reference for the limit solver that shares nothing with {@link LimitModel} or
 * {@link GaussianExpectation}: the paper's formulas (3.3), (3.6), (4.14)-(4.15), (5.26), typed in again.
 * Arrays [target][source], e = 0, i = 1, as everywhere.
 */
final class ErfNetwork {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    /** s_beta: excitatory sources add, inhibitory ones subtract. */
    private static final double[] SIGN = {1, -1};

    final double[] tau;
    final double[][] coupling;
    final double[][] amplitude;
    final double[][] offset;
    final double[][] slope;

    ErfNetwork(double[] tau, double[][] coupling, double[][] amplitude, double[][] offset, double[][] slope) {
        this.tau = tau;
        this.coupling = coupling;
        this.amplitude = amplitude;
        this.offset = offset;
        this.slope = slope;
    }

    /**
     * mv-6.2 with erf in place of tanh: excitatory sources 0.5 (erf(c x) + 2), inhibitory sources
     * erf(c x) + 1, c = 1 for e targets and 0.5 for i targets; C as in mv-6.2. At K = (1, 0.5) its one
     * balanced point is stable, with a complex pair of eigenvalues.
     */
    static ErfNetwork section6(double slopeIE) {
        return new ErfNetwork(new double[]{1, 1}, new double[][]{{1, 1.5}, {0.5, 0.5}},
                new double[][]{{0.5, 1}, {0.5, 1}}, new double[][]{{2, 1}, {2, 1}},
                new double[][]{{1, 1}, {slopeIE, 0.5}});
    }

    /** The same network as the production model sees it. */
    LimitModel model() {
        RateFunction[][] rates = new RateFunction[2][2];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                rates[a][b] = RateFunction.of(RateFamily.ERF, amplitude[a][b], offset[a][b], slope[a][b], "erf");
            }
        }
        return new LimitModel(tau, coupling, rates);
    }

    /** max over pairs of C sup|f'| = C A c 2 / sqrt(pi): the scale of J_v's entries. */
    double jacobianScale() {
        double scale = 0;
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                scale = Math.max(scale, coupling[a][b] * amplitude[a][b] * slope[a][b] * TWO_OVER_SQRT_PI);
            }
        }
        return scale;
    }

    /** F, Sigma, J_v, J_K at one point, from the closed forms. */
    record Point(double[] f, double[] sigma, double[][] jv, double[][] jk) {
        double trace() {
            return jv[0][0] + jv[1][1];
        }

        double det() {
            return jv[0][0] * jv[1][1] - jv[0][1] * jv[1][0];
        }

        /** Largest real part of the eigenvalues of J_v. */
        double zeta() {
            double half = trace() / 2;
            double disc = half * half - det();
            return disc >= 0 ? half + Math.sqrt(disc) : half;
        }
    }

    Point evaluate(double[] v, double[] k) {
        double[] f = new double[2];
        double[] sigma = new double[2];
        double[][] jv = new double[2][2];
        double[][] jk = new double[2][2];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                double c = slope[a][b];
                double q = 1 + 2 * c * c * k[b];
                double gauss = TWO_OVER_SQRT_PI * Math.exp(-c * c * v[b] * v[b] / q);
                double mean = amplitude[a][b] * (Erf.erf(c * v[b] / Math.sqrt(q)) + offset[a][b]);
                double byMean = amplitude[a][b] * c / Math.sqrt(q) * gauss;
                double byVariance = -amplitude[a][b] * c * c * c * v[b] * Math.pow(q, -1.5) * gauss;
                double w = coupling[a][b];
                f[a] += SIGN[b] * w * mean;
                sigma[a] += w * w * mean;
                jv[a][b] = SIGN[b] * w * byMean;
                jk[a][b] = SIGN[b] * w * byVariance;
            }
        }
        return new Point(f, sigma, jv, jk);
    }

    /** (4.6), (4.7) and (5.24) in t as the paper writes them; state (K_e, K_i, v_e, v_i). */
    FirstOrderDifferentialEquations system() {
        return new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return 4;
            }

            @Override
            public void computeDerivatives(double t, double[] y, double[] yDot) {
                Point p = evaluate(new double[]{y[2], y[3]}, new double[]{y[0], y[1]});
                double[] dk = {-2 * y[0] / tau[0] + p.sigma[0], -2 * y[1] / tau[1] + p.sigma[1]};
                double[] w = {p.jk[0][0] * dk[0] + p.jk[0][1] * dk[1], p.jk[1][0] * dk[0] + p.jk[1][1] * dk[1]};
                double det = p.det();
                yDot[0] = dk[0];
                yDot[1] = dk[1];
                yDot[2] = -(p.jv[1][1] * w[0] - p.jv[0][1] * w[1]) / det;
                yDot[3] = -(-p.jv[1][0] * w[0] + p.jv[0][0] * w[1]) / det;
            }
        };
    }

    /** The root of F(v, K) = 0 near {@code guess}, by Newton with the closed-form J_v. */
    double[] balancedPoint(double[] k, double[] guess) {
        double[] v = guess.clone();
        for (int it = 0; it < 100; it++) {
            Point p = evaluate(v, k);
            double det = p.det();
            double de = (p.jv[1][1] * p.f[0] - p.jv[0][1] * p.f[1]) / det;
            double di = (-p.jv[1][0] * p.f[0] + p.jv[0][0] * p.f[1]) / det;
            v[0] -= de;
            v[1] -= di;
            if (Math.abs(de) + Math.abs(di) < 1e-15) {
                break;
            }
        }
        return v;
    }
}
