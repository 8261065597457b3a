package org.balnet.limit;

import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The initial point of the limit, on the balanced manifold (3.7)-(3.8): means m with
 * F(m, k) = 0 for the given variances k, and both eigenvalues of J_v(m, k) in the open left
 * half-plane (Hypothesis 3.2).
 *
 * @param meanE       m_e (units of u)
 * @param meanI       m_i
 * @param varianceE   k_e (units of u^2)
 * @param varianceI   k_i
 * @param eigenvalues eigenvalues of J_v at the point
 * @param residual    |F| at the point
 * @param given       true when m came from the scenario (checked and polished), false when solved
 * @param roots       every root of F(., k) = 0 the search found, stable or not (empty when given)
 */
public record BalancedPoint(double meanE, double meanI, double varianceE, double varianceI,
                            Eigenvalues eigenvalues, double residual, boolean given, List<Root> roots) {

    /** Largest |F| at a user-given (m_e, m_i) that is accepted (then polished to round-off). */
    public static final double GIVEN_TOLERANCE = 1e-6;
    /** |F| below which a polished root counts as a root. */
    static final double ROOT_TOLERANCE = 1e-11;

    /**
     * A root of F(m, k) = 0 in m, with its J_v eigenvalues.
     *
     * @param stable zeta &lt; -{@link LimitModel.Evaluation#stabilityMargin()}: both real parts negative
     *               beyond round-off
     */
    public record Root(double meanE, double meanI, double residual, Eigenvalues eigenvalues, boolean stable) {
        public boolean isStable() {
            return stable;
        }

        @Override
        public String toString() {
            String verdict = stable ? "stable"
                    : eigenvalues.zeta() < 0 ? "not stable: zeta is 0 to within round-off" : "not stable";
            return String.format(Locale.ROOT, "(m_e, m_i) = (%.6f, %.6f), J_v eigenvalues %s (%s)", meanE, meanI,
                    eigenvalues, verdict);
        }
    }

    public double mean(Population p) {
        return p == Population.E ? meanE : meanI;
    }

    public double variance(Population p) {
        return p == Population.E ? varianceE : varianceI;
    }

    /** zeta at the initial point. */
    public double zeta() {
        return eigenvalues.zeta();
    }

    /** The scenario's initial point: solved when it gives no means, checked when it does. */
    public static BalancedPoint of(LimitModel model, Scenario.Initial initial) {
        if (initial.meansGiven()) {
            return check(model, initial.mE().getAsDouble(), initial.mI().getAsDouble(), initial.kE(), initial.kI());
        }
        return solve(model, initial.kE(), initial.kI());
    }

    /**
     * Solves F(m, k) = 0 for m and returns the stable root; with several stable roots, the one with
     * the most negative zeta (the most strongly attracting).
     *
     * @throws org.balnet.model.BadInputException kind NO_BALANCED_POINT, with the roots found and
     *                                            their eigenvalues, or the smallest |F| found
     */
    public static BalancedPoint solve(LimitModel model, double varianceE, double varianceI) {
        String where = String.format(Locale.ROOT, "k_e = %s, k_i = %s", varianceE, varianceI);
        String zeroCoupling = zeroCoupling(model);
        if (zeroCoupling != null) {
            throw InputError.NO_BALANCED_POINT.exception("initial", "no stable balanced point exists at " + where
                    + ": " + zeroCoupling);
        }
        BalanceScan scan = new BalanceScan(model, varianceE, varianceI);
        List<Root> roots = scan.roots();
        Root best = roots.stream().filter(Root::isStable).min(Comparator.comparingDouble(r -> r.eigenvalues().zeta()))
                .orElse(null);
        if (best == null) {
            StringBuilder sb = new StringBuilder("no stable balanced point exists at ").append(where).append(": ");
            if (roots.isEmpty()) {
                sb.append(String.format(Locale.ROOT,
                        "F(m, k) = 0 has no root (scanned m_e in [%.4g, %.4g] along F_e = 0); smallest |F| found: %.3g at "
                                + "(m_e, m_i) = (%.6g, %.6g)",
                        -scan.halfWidth, scan.halfWidth, scan.bestResidual, scan.bestMeanE, scan.bestMeanI));
            } else {
                sb.append("F(m, k) = 0 has ").append(roots.size()).append(roots.size() == 1 ? " root" : " roots")
                        .append(", none with both eigenvalues of J_v in the left half-plane: ");
                for (int j = 0; j < roots.size(); j++) {
                    sb.append(j > 0 ? "; " : "").append(roots.get(j));
                }
            }
            throw InputError.NO_BALANCED_POINT.exception("initial", sb.toString());
        }
        return new BalancedPoint(best.meanE(), best.meanI(), varianceE, varianceI, best.eigenvalues(),
                best.residual(), false, List.copyOf(roots));
    }

    /**
     * Checks user-given means: |F(m, k)| must be at most {@link #GIVEN_TOLERANCE}; the point is then
     * polished by Newton to round-off (the limit must start exactly on F = 0) and must be stable.
     *
     * @throws org.balnet.model.BadInputException kind NO_BALANCED_POINT with the numbers
     */
    public static BalancedPoint check(LimitModel model, double meanE, double meanI, double varianceE,
                                      double varianceI) {
        LimitModel.Evaluation e = model.evaluate(meanE, meanI, varianceE, varianceI);
        String at = String.format(Locale.ROOT, "initial.m_e = %s, initial.m_i = %s (k_e = %s, k_i = %s)", meanE, meanI,
                varianceE, varianceI);
        if (!(e.residual() <= GIVEN_TOLERANCE)) {
            throw InputError.NO_BALANCED_POINT.exception("initial.m_e",
                    String.format(Locale.ROOT, "%s is not a balanced point: |F| = %.3g > %.0e (F_e = %.3g, F_i = %.3g)%s",
                            at, e.residual(), GIVEN_TOLERANCE, e.imbalance(Population.E), e.imbalance(Population.I),
                            suggestion(model, varianceE, varianceI)));
        }
        Root r = polish(model, meanE, meanI, varianceE, varianceI);
        if (r == null) {
            throw InputError.NO_BALANCED_POINT.exception("initial.m_e", at
                    + " is within the tolerance of balance, but Newton's method does not converge from it");
        }
        if (!r.isStable()) {
            throw InputError.NO_BALANCED_POINT.exception("initial.m_e", String.format(Locale.ROOT,
                    "%s is balanced but not stable: the eigenvalues of J_v are %s (both real parts must be < 0, "
                            + "beyond round-off)%s", at,
                    r.eigenvalues(), suggestion(model, varianceE, varianceI)));
        }
        return new BalancedPoint(r.meanE(), r.meanI(), varianceE, varianceI, r.eigenvalues(), r.residual(), true,
                List.of());
    }

    private static String suggestion(LimitModel model, double varianceE, double varianceI) {
        try {
            BalancedPoint p = solve(model, varianceE, varianceI);
            return String.format(Locale.ROOT, "; leave m_e, m_i out to have them solved: that gives (%.6f, %.6f)",
                    p.meanE(), p.meanI());
        } catch (RuntimeException ex) {
            return "; and no stable balanced point exists at these k";
        }
    }

    /** Why a zero coupling rules out a stable root, or null if all four couplings are &gt; 0. */
    private static String zeroCoupling(LimitModel model) {
        List<String> zero = new ArrayList<>();
        for (Population t : Population.values()) {
            for (Population s : Population.values()) {
                if (!(model.coupling(t, s) > 0)) {
                    zero.add("coupling." + Population.pair(t, s));
                }
            }
        }
        if (zero.isEmpty()) {
            return null;
        }
        // F_a = C_ae Q_ae - C_ai Q_ai with Q > 0 vanishes only if both or neither coupling is 0, and
        // det J_v = C_ei C_ie G[f_ei'] G[f_ie'] - C_ee C_ii G[f_ee'] G[f_ii'] > 0 needs C_ei C_ie > 0.
        return String.join(", ", zero) + " = 0, but a stable balanced point needs all four couplings > 0 "
                + "(F_alpha = C_alpha_e Q - C_alpha_i Q vanishes only if both or neither of its couplings are 0, "
                + "and det J_v > 0 needs C_ei C_ie > 0)";
    }

    /**
     * Newton's method on F(., k) = 0 in two dimensions with a backtracking line search on |F|, from
     * (meanE, meanI). Returns the root with its eigenvalues, or null if |F| does not fall below
     * {@link #ROOT_TOLERANCE}.
     */
    static Root polish(LimitModel model, double meanE, double meanI, double varianceE, double varianceI) {
        double[] v = {meanE, meanI};
        LimitModel.Evaluation e = model.evaluate(v[0], v[1], varianceE, varianceI);
        for (int it = 0; it < 60 && e.residual() > 0; it++) {
            double[] step = newtonStep(e);
            if (step == null) {
                break;
            }
            double lambda = 1;
            LimitModel.Evaluation next = null;
            for (int half = 0; half < 40; half++) {
                LimitModel.Evaluation trial = model.evaluate(v[0] + lambda * step[0], v[1] + lambda * step[1],
                        varianceE, varianceI);
                if (trial.residual() < e.residual() * (1 - 1e-4 * lambda)) {
                    next = trial;
                    break;
                }
                lambda *= 0.5;
            }
            if (next == null) {
                break;
            }
            v[0] = next.mean[0];
            v[1] = next.mean[1];
            e = next;
            if (Math.abs(lambda * step[0]) <= 1e-15 * (1 + Math.abs(v[0]))
                    && Math.abs(lambda * step[1]) <= 1e-15 * (1 + Math.abs(v[1]))) {
                break;
            }
        }
        if (!(e.residual() <= ROOT_TOLERANCE)) {
            return null;
        }
        return new Root(v[0], v[1], e.residual(), e.eigenvalues(), e.isStable());
    }

    /** -J_v^{-1} F, or null if J_v is singular. */
    static double[] newtonStep(LimitModel.Evaluation e) {
        double[][] j = e.jacobianV;
        double det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        if (det == 0 || !Double.isFinite(det)) {
            return null;
        }
        double f0 = e.imbalance[0], f1 = e.imbalance[1];
        return new double[]{-(j[1][1] * f0 - j[0][1] * f1) / det, -(-j[1][0] * f0 + j[0][0] * f1) / det};
    }
}
