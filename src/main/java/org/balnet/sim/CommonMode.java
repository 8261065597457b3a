package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;

/**
 * The host-side arithmetic of one step (docs/design.md, sections 2 and 3): from the current
 * observables, the Poisson means lambda, the spike weights and the common shift delta of each population.
 *
 * <ul>
 * <li>explicit: delta = B h sqrt(n) F-hat;</li>
 * <li>semi-implicit: (I - h sqrt(n) B J-hat) S = (A - I) v-hat + h sqrt(n) B F-hat, delta = S - (A - I) v-hat,
 * i.e. the two common-mode unknowns are implicit (noise from the step's start, compensator at its end),
 * linearised with the empirical Jacobian.</li>
 * </ul>
 * A = diag(a), B = diag(b), a = e^{-h/tau}, b = e^{-h/(2 tau)}.
 */
public final class CommonMode {
    private final Scenario scenario;
    private final Scheme scheme;
    private final double h;
    private final double sqrtN;
    private final double[] a = new double[2];
    private final double[] b = new double[2];
    /** Steps on which semi-implicit fell back to the explicit shift (see {@link #plan}). */
    private long explicitFallbacks;

    /**
     * Smallest real part of an eigenvalue of I - h sqrt(n) B J-hat for which the semi-implicit solve is
     * used: for a stable J-hat every eigenvalue has real part above 1; below one half the implicit
     * map would overshoot an unstable mode, or reverse it once the eigenvalue turns negative.
     */
    static final double MIN_IMPLICIT_EIGENVALUE = 0.5;

    public CommonMode(Scenario scenario, Scheme scheme, double h) {
        this.scenario = scenario;
        this.scheme = scheme;
        this.h = h;
        this.sqrtN = Math.sqrt((double) scenario.n());
        for (Population p : Population.values()) {
            a[p.index()] = Math.exp(-h / scenario.tau(p));
            b[p.index()] = Math.exp(-h / (2 * scenario.tau(p)));
        }
    }

    /** Fills {@code plan} for the step numbered {@code step} that starts from {@code obs}. */
    public void plan(Observables obs, long step, StepPlan plan) {
        plan.step = step;
        double n = (double) scenario.n();
        for (Population alpha : Population.values()) {
            int i = alpha.index();
            plan.decay[i] = a[i];
            plan.halfDecay[i] = b[i];
            for (Population beta : Population.values()) {
                int j = beta.index();
                plan.lambda[i][j] = h * n * obs.q()[i][j];
                plan.weight[i][j] = beta.sign * scenario.coupling(alpha, beta) / sqrtN;
            }
        }
        double[] v = obs.mean();
        double[] fHat = obs.imbalance();
        double[] shiftOfMean = new double[2];
        if (scheme == Scheme.EXPLICIT) {
            for (int i = 0; i < 2; i++) {
                plan.shift[i] = b[i] * h * sqrtN * fHat[i];
                shiftOfMean[i] = (a[i] - 1) * v[i] + plan.shift[i];
            }
        } else {
            double[][] jac = obs.jacobian();
            double m00 = 1 - h * sqrtN * b[0] * jac[0][0];
            double m01 = -h * sqrtN * b[0] * jac[0][1];
            double m10 = -h * sqrtN * b[1] * jac[1][0];
            double m11 = 1 - h * sqrtN * b[1] * jac[1][1];
            if (minRealEigenvalue(m00, m01, m10, m11) < MIN_IMPLICIT_EIGENVALUE) {
                // J-hat has an eigenvalue with h sqrt(n) Re(lambda) near or above 1: the network is
                // leaving the balanced manifold, and the linearised implicit solve would reverse the
                // escape (1 - h sqrt(n) lambda < 0). Take the explicit shift, which moves the right way.
                explicitFallbacks++;
                for (int i = 0; i < 2; i++) {
                    plan.shift[i] = b[i] * h * sqrtN * fHat[i];
                    shiftOfMean[i] = (a[i] - 1) * v[i] + plan.shift[i];
                }
            } else {
                double r0 = (a[0] - 1) * v[0] + h * sqrtN * b[0] * fHat[0];
                double r1 = (a[1] - 1) * v[1] + h * sqrtN * b[1] * fHat[1];
                double det = m00 * m11 - m01 * m10;
                shiftOfMean[0] = (m11 * r0 - m01 * r1) / det;
                shiftOfMean[1] = (m00 * r1 - m10 * r0) / det;
                for (int i = 0; i < 2; i++) {
                    plan.shift[i] = shiftOfMean[i] - (a[i] - 1) * v[i];
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            plan.centre[i] = v[i] + shiftOfMean[i];
        }
    }

    /**
     * The largest step for which the explicit scheme's linearised common-mode map
     * x &lt;- (A + h sqrt(n) B J) x has spectral radius below 1, for Jacobian {@code jacobian}; the map's
     * A and B depend on h too. Infinity when every h is stable (J = 0), 0 when none is (J unstable).
     */
    public static double explicitStabilityBound(Scenario scenario, double[][] jacobian) {
        double sqrtN = Math.sqrt((double) scenario.n());
        double tauMin = Math.min(scenario.tau(Population.E), scenario.tau(Population.I));
        double tauMax = Math.max(scenario.tau(Population.E), scenario.tau(Population.I));
        double norm = 0;
        for (double[] row : jacobian) {
            norm = Math.max(norm, Math.abs(row[0]) + Math.abs(row[1]));
        }
        // Start well inside the region where the map is I + h (-1/tau + sqrt(n) J) + O(h^2), but not so
        // small that 1 - O(h) rounds to 1.
        double lo = 1e-3 / (1 / tauMin + sqrtN * norm);
        if (!isStable(scenario, jacobian, sqrtN, lo)) {
            return 0.0;
        }
        double hi = lo;
        while (isStable(scenario, jacobian, sqrtN, hi)) {
            lo = hi;
            hi *= 2;
            if (hi > 1e3 * tauMax) {
                return Double.POSITIVE_INFINITY;
            }
        }
        for (int iter = 0; iter < 60; iter++) {
            double mid = 0.5 * (lo + hi);
            if (isStable(scenario, jacobian, sqrtN, mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean isStable(Scenario scenario, double[][] jac, double sqrtN, double h) {
        double a0 = Math.exp(-h / scenario.tau(Population.E));
        double a1 = Math.exp(-h / scenario.tau(Population.I));
        double b0 = Math.exp(-h / (2 * scenario.tau(Population.E)));
        double b1 = Math.exp(-h / (2 * scenario.tau(Population.I)));
        double m00 = a0 + h * sqrtN * b0 * jac[0][0];
        double m01 = h * sqrtN * b0 * jac[0][1];
        double m10 = h * sqrtN * b1 * jac[1][0];
        double m11 = a1 + h * sqrtN * b1 * jac[1][1];
        return spectralRadius(m00, m01, m10, m11) < 1.0;
    }

    /** Steps so far on which the semi-implicit scheme took the explicit shift because J-hat was unstable. */
    public long explicitFallbacks() {
        return explicitFallbacks;
    }

    /** Smallest real part of the eigenvalues of the 2x2 matrix [[m00, m01], [m10, m11]]. */
    static double minRealEigenvalue(double m00, double m01, double m10, double m11) {
        double tr = m00 + m11;
        double det = m00 * m11 - m01 * m10;
        double disc = tr * tr / 4 - det;
        return disc >= 0 ? tr / 2 - Math.sqrt(disc) : tr / 2;
    }

    /** Spectral radius of the 2x2 matrix [[m00, m01], [m10, m11]]. */
    static double spectralRadius(double m00, double m01, double m10, double m11) {
        double tr = m00 + m11;
        double det = m00 * m11 - m01 * m10;
        double disc = tr * tr / 4 - det;
        if (disc >= 0) {
            double s = Math.sqrt(disc);
            return Math.max(Math.abs(tr / 2 + s), Math.abs(tr / 2 - s));
        }
        // Complex pair: |lambda|^2 = det.
        return Math.sqrt(Math.max(det, 0));
    }

    public double h() {
        return h;
    }
}
