package org.balnet.limit;

import org.balnet.model.Population;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;

/**
 * The functions of the hydrodynamic limit (Lemma 4.2) for one network: F (3.3)-(3.4), Sigma
 * (4.14)-(4.15), J_v (3.6), J_K (5.26) and Q_{alpha beta} = G[f_{alpha beta}](v_beta, K_beta), all from
 * the Gaussian expectations of {@link GaussianExpectation}. Immutable and thread-safe.
 *
 * <p>Arrays are indexed by {@link Population#index()} (e = 0, i = 1), pairs {@code [target][source]}.
 * Means v are in units of the synaptic state u, variances K in u^2, time in the units of tau.
 */
public final class LimitModel {
    private static final Population[] POPS = Population.values();

    private final double[] tau;
    private final double[][] coupling;
    private final RateFunction[][] rates;
    /** C_ab * C_f,ab summed over the sources: the largest input a target can get, [target]. */
    private final double[] inputBound = new double[2];
    /** C_ab * {@link RateFunction#negligible()} summed over the sources: an input that has vanished, [target]. */
    private final double[] inputFloor = new double[2];
    /** max over pairs of C_ab sup|f_ab'|: the scale of J_v's entries, and of their rounding. */
    private final double jacobianScale;

    /**
     * @param tau      time constants [e, i], &gt; 0
     * @param coupling C_{target source} &ge; 0
     * @param rates    f_{target source}
     */
    public LimitModel(double[] tau, double[][] coupling, RateFunction[][] rates) {
        this.tau = tau.clone();
        this.coupling = new double[][]{coupling[0].clone(), coupling[1].clone()};
        this.rates = new RateFunction[][]{rates[0].clone(), rates[1].clone()};
        for (int a = 0; a < 2; a++) {
            if (!(this.tau[a] > 0)) {
                throw new IllegalArgumentException("tau must be > 0, got " + this.tau[a]);
            }
        }
        double scale = 0;
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                inputBound[a] += this.coupling[a][b] * this.rates[a][b].bound();
                inputFloor[a] += this.coupling[a][b] * this.rates[a][b].negligible();
                scale = Math.max(scale, this.coupling[a][b] * this.rates[a][b].derivativeBound());
            }
        }
        this.jacobianScale = scale;
    }

    /** The model of a scenario (n plays no part in the limit). */
    public static LimitModel of(Scenario s) {
        return new LimitModel(s.tau(), s.coupling(), s.rates());
    }

    public double tau(Population p) {
        return tau[p.index()];
    }

    public double coupling(Population target, Population source) {
        return coupling[target.index()][source.index()];
    }

    public RateFunction rate(Population target, Population source) {
        return rates[target.index()][source.index()];
    }

    /** C_ae C_f,ae + C_ai C_f,ai: the bound of the input C_ae Q_ae + C_ai Q_ai of a target. */
    public double inputBound(Population target) {
        return inputBound[target.index()];
    }

    /**
     * max over pairs of C_ab sup|f_ab'|, the scale of J_v's entries: they are computed with an absolute
     * rounding error of about 1e-16 times this (f' = a c (1 - t)(1 + t) cancels in the tails), however
     * small they are themselves.
     */
    public double jacobianScale() {
        return jacobianScale;
    }

    /**
     * Everything at one point (v_e, v_i, K_e, K_i): four Gaussian expectations, one per pair.
     *
     * @param meanE     v_e
     * @param meanI     v_i
     * @param varianceE K_e &ge; 0
     * @param varianceI K_i &ge; 0
     */
    public Evaluation evaluate(double meanE, double meanI, double varianceE, double varianceI) {
        double[] v = {meanE, meanI};
        double[] k = {varianceE, varianceI};
        double[][] q = new double[2][2];
        double[][] dq = new double[2][2];
        double[][] ddq = new double[2][2];
        double[] m = new double[3];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                // f_ab is evaluated at the source's state: (3.3)-(3.4) integrate f_ab(v_b + x) against rho(K_b, x)
                GaussianExpectation.moments(rates[a][b], v[b], k[b], m);
                q[a][b] = m[0];
                dq[a][b] = m[1];
                ddq[a][b] = m[2];
            }
        }
        return new Evaluation(this, v, k, q, dq, ddq);
    }

    /** {@link #evaluate(double, double, double, double)} on arrays [e, i]. */
    public Evaluation evaluate(double[] mean, double[] variance) {
        return evaluate(mean[0], mean[1], variance[0], variance[1]);
    }

    /**
     * F, J_v, J_K, Sigma, Q and the derivatives of Sigma at one point; see {@link #evaluate}.
     * Every matrix is [target][source]; every vector [e, i].
     */
    public static final class Evaluation {
        /**
         * Relative stability margin: a point counts as stable (on the balanced manifold) only if
         * zeta &lt; -STABILITY_MARGIN * {@link LimitModel#jacobianScale()}. Below that, zeta is round-off
         * (a root deep in the flat tail of a rate has J_v ~ 1e-16 and zeta ~ -1e-16), and the limit
         * solver stops there as "zeta reached 0".
         */
        public static final double STABILITY_MARGIN = 1e-10;
        /**
         * Absolute rounding of F, as a fraction of the input bound C_ae C_f,ae + C_ai C_f,ai: each Q is a
         * sum of a few hundred quadrature terms of size up to C_f, each rounded to 1e-16 of itself.
         */
        public static final double ROUNDING = 1e-14;

        final double[] mean;
        final double[] variance;
        /** Q_ab = G[f_ab](v_b, K_b). */
        final double[][] q;
        /** G[f_ab'](v_b, K_b). */
        final double[][] dq;
        /** G[f_ab''](v_b, K_b). */
        final double[][] ddq;
        final double[] imbalance = new double[2];
        final double[][] jacobianV = new double[2][2];
        final double[][] jacobianK = new double[2][2];
        final double[] sigma = new double[2];
        final double[][] sigmaByMean = new double[2][2];
        final double[][] sigmaByVariance = new double[2][2];
        final double[] relaxation = new double[2];
        /** C_ae Q_ae + C_ai Q_ai, [target]: the excitatory plus the inhibitory drive that F balances. */
        final double[] input = new double[2];
        private final LimitModel model;

        private Evaluation(LimitModel model, double[] mean, double[] variance, double[][] q, double[][] dq,
                           double[][] ddq) {
            this.mean = mean;
            this.variance = variance;
            this.q = q;
            this.dq = dq;
            this.ddq = ddq;
            this.model = model;
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    double c = model.coupling[a][b];
                    double signedC = POPS[b].sign * c;
                    imbalance[a] += signedC * q[a][b];
                    input[a] += c * q[a][b];
                    jacobianV[a][b] = signedC * dq[a][b];
                    // d/dK G[g] = (1/2) G[g''] (Stein's lemma, twice)
                    jacobianK[a][b] = 0.5 * signedC * ddq[a][b];
                    // (4.14)-(4.15): squared couplings and a PLUS sign, the variance of the Poisson noise
                    sigma[a] += c * c * q[a][b];
                    sigmaByMean[a][b] = c * c * dq[a][b];
                    sigmaByVariance[a][b] = 0.5 * c * c * ddq[a][b];
                }
                relaxation[a] = -2 * variance[a] / model.tau[a] + sigma[a];
            }
        }

        public double mean(Population p) {
            return mean[p.index()];
        }

        public double variance(Population p) {
            return variance[p.index()];
        }

        /** F_alpha (3.3)-(3.4): the net (excitatory minus inhibitory) mean drive of target alpha. */
        public double imbalance(Population target) {
            return imbalance[target.index()];
        }

        /** |F| = sqrt(F_e^2 + F_i^2), the distance from balance (4.10)-(4.11). */
        public double residual() {
            return Math.hypot(imbalance[0], imbalance[1]);
        }

        /** Q_{target source} = G[f_{target source}](v_source, K_source), the mean rate per synapse (5.7). */
        public double q(Population target, Population source) {
            return q[target.index()][source.index()];
        }

        /** Q_ab / C_f,ab: the mean rate as a fraction of its bound, in (0, 1]. */
        public double rateFraction(Population target, Population source) {
            return q(target, source) / model.rate(target, source).bound();
        }

        /** Whether Q_ab has vanished: below {@link RateFunction#negligible()}, where rounding decides it. */
        public boolean rateVanished(Population target, Population source) {
            return !(q(target, source) >= model.rate(target, source).negligible());
        }

        /** C_ae Q_ae + C_ai Q_ai: the total drive of a target, which F_alpha balances. */
        public double input(Population target) {
            return input[target.index()];
        }

        /**
         * |F_alpha| / (C_ae Q_ae + C_ai Q_ai): 0 at balance, 1 when one side is absent. Divides by the input
         * or, where that has vanished (underflowed, even to 0), by the input of rates at
         * {@link RateFunction#negligible()}, so it is never 0/0 or a ratio of two rounding errors.
         */
        public double relativeImbalance(Population target) {
            int a = target.index();
            return Math.abs(imbalance[a]) / Math.max(input[a], model.inputFloor[a]);
        }

        /** The larger {@link #relativeImbalance} of the two populations: the distance from balance, relative. */
        public double relativeResidual() {
            return Math.max(relativeImbalance(Population.E), relativeImbalance(Population.I));
        }

        /**
         * Whether F = 0 holds to {@code relative} of the inputs, up to the rounding of F: for both targets
         * |F_alpha| &le; relative (C_ae Q_ae + C_ai Q_ai) + {@link #ROUNDING} (C_ae C_f,ae + C_ai C_f,ai). The
         * second term is what the arithmetic can resolve; it keeps the test meaningful where the inputs are
         * small (a relative 1e-10 of an input of 1e-7 C_f is below the rounding of F) without dividing by them.
         */
        public boolean isBalanced(double relative) {
            for (int a = 0; a < 2; a++) {
                if (!(Math.abs(imbalance[a]) <= relative * input[a] + ROUNDING * model.inputBound[a])) {
                    return false;
                }
            }
            return true;
        }

        /** Sigma_alpha (4.14)-(4.15). */
        public double sigma(Population target) {
            return sigma[target.index()];
        }

        /** dK_alpha/dt of (4.6)-(4.7): -2 K_alpha / tau_alpha + Sigma_alpha. */
        public double varianceRate(Population target) {
            return relaxation[target.index()];
        }

        /** J_v (3.6), a copy: [target][source] = dF_target / dv_source = s_source C G[f'] . */
        public double[][] jacobianV() {
            return copy(jacobianV);
        }

        /** J_K (5.26), a copy: [target][source] = dF_target / dK_source = s_source C G[f''] / 2. */
        public double[][] jacobianK() {
            return copy(jacobianK);
        }

        /** dSigma_target / dv_source = C^2 G[f'], a copy. */
        public double[][] sigmaByMean() {
            return copy(sigmaByMean);
        }

        /** dSigma_target / dK_source = C^2 G[f''] / 2, a copy. */
        public double[][] sigmaByVariance() {
            return copy(sigmaByVariance);
        }

        /** Eigenvalues of J_v. */
        public Eigenvalues eigenvalues() {
            return Eigenvalues.of(jacobianV);
        }

        /** zeta: the largest real part of the eigenvalues of J_v. */
        public double zeta() {
            return eigenvalues().zeta();
        }

        /**
         * STABILITY_MARGIN * max C sup|f'|: how far below 0 zeta must be for the point to count as stable.
         * Relative to the scale J_v's entries can have, not to their values here: where every f' is in
         * its tail the entries are themselves rounding, and so is any eigenvalue made of them.
         */
        public double stabilityMargin() {
            return STABILITY_MARGIN * model.jacobianScale;
        }

        /** (3.8) beyond round-off: zeta &lt; -{@link #stabilityMargin()}. False for NaN. */
        public boolean isStable() {
            return zeta() < -stabilityMargin();
        }

        public double traceJv() {
            return jacobianV[0][0] + jacobianV[1][1];
        }

        public double detJv() {
            return jacobianV[0][0] * jacobianV[1][1] - jacobianV[0][1] * jacobianV[1][0];
        }

        private static double[][] copy(double[][] m) {
            return new double[][]{m[0].clone(), m[1].clone()};
        }
    }
}
