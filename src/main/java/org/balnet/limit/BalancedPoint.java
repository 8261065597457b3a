package org.balnet.limit;

import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The initial point of the limit, on the balanced manifold (3.7)-(3.8): means m with
 * F(m, k) = 0 for the given variances k, and both eigenvalues of J_v(m, k) in the open left
 * half-plane (Hypothesis 3.2). In substance, not in rounding ({@link #defect}): every rate above
 * {@link RateFunction#NEGLIGIBLE_FRACTION} of its bound, F small against the inputs it balances, and
 * zeta negative beyond the rounding of J_v. A root of F deep in the tails of the rates, where all of
 * them have vanished, satisfies (3.7)-(3.8) to round-off and is none of these.
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

    /**
     * Largest |F_alpha| relative to the inputs ({@link LimitModel.Evaluation#isBalanced}) at a user-given
     * (m_e, m_i) that is accepted (then polished to round-off).
     */
    public static final double GIVEN_TOLERANCE = 1e-6;
    /**
     * |F_alpha| below this times the input bound C_ae C_f,ae + C_ai C_f,ai: a polished point counts as a
     * root of F (then {@link #defect} judges whether it is a balanced point).
     */
    static final double ROOT_TOLERANCE = 1e-11;
    /**
     * Largest |F_alpha| / (C_ae Q_ae + C_ai Q_ai) at a balanced point, beyond the rounding of F
     * ({@link LimitModel.Evaluation#isBalanced}). Polishing reaches the rounding; a larger value means
     * the "root" is small only because the inputs are.
     */
    static final double RELATIVE_TOLERANCE = 1e-6;

    /**
     * A root of F(m, k) = 0 in m, with its J_v eigenvalues.
     *
     * @param silent true when every rate has vanished there ({@link LimitModel.Evaluation#rateVanished}):
     *               F = 0 holds because everything is 0
     * @param defect null when the root is a stable balanced point; otherwise why it is not one, in words
     */
    public record Root(double meanE, double meanI, double residual, Eigenvalues eigenvalues, boolean silent,
                       String defect) {
        /** A balanced point in substance: rates above their floor, F small against the inputs, zeta &lt; 0 beyond round-off. */
        public boolean isStable() {
            return defect == null;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "(m_e, m_i) = (%.6f, %.6f), J_v eigenvalues %s (%s)", meanE, meanI,
                    eigenvalues, defect == null ? "stable" : defect);
        }
    }

    /**
     * Why the point of {@code e}, a root of F to within {@link #ROOT_TOLERANCE}, is not a stable
     * balanced point, or null if it is one. In the order that explains best: rates that have vanished
     * (the network is silent there and F = 0 holds only because everything is 0); F small in absolute
     * terms but not against the inputs; J_v with an eigenvalue that is not negative beyond round-off.
     */
    static String defect(LimitModel.Evaluation e) {
        List<String> vanished = new ArrayList<>();
        double largestVanished = 0;
        for (Population t : Population.values()) {
            for (Population s : Population.values()) {
                if (e.rateVanished(t, s)) {
                    vanished.add(String.format(Locale.ROOT, "Q_%s = %.1e", Population.pair(t, s),
                            e.rateFraction(t, s)));
                    largestVanished = Math.max(largestVanished, e.rateFraction(t, s));
                }
            }
        }
        if (vanished.size() == 4) {
            return String.format(Locale.ROOT, "all rates vanish there (Q %s of their bounds, below the floor %.0e): "
                    + "the network is silent, not balanced", roughly(largestVanished), RateFunction.NEGLIGIBLE_FRACTION);
        }
        if (!vanished.isEmpty()) {
            return String.format(Locale.ROOT, "%s vanished there (%s of %s bound%s, below the floor %.0e): the "
                            + "balance is decided by rounding, not by the rates",
                    vanished.size() == 1 ? "a rate has" : "rates have", String.join(", ", vanished),
                    vanished.size() == 1 ? "its" : "their", vanished.size() == 1 ? "" : "s",
                    RateFunction.NEGLIGIBLE_FRACTION);
        }
        if (!e.isBalanced(RELATIVE_TOLERANCE)) {
            Population t = e.relativeImbalance(Population.E) >= e.relativeImbalance(Population.I)
                    ? Population.E : Population.I;
            return String.format(Locale.ROOT, "F is small there only because the inputs are: |F_%s| / (C_%se Q_%se "
                            + "+ C_%si Q_%si) = %.3g > %.0e", t.label, t.label, t.label, t.label, t.label,
                    e.relativeImbalance(t), RELATIVE_TOLERANCE);
        }
        if (!e.isStable()) {
            double zeta = e.zeta();
            return zeta < 0
                    ? String.format(Locale.ROOT, "not stable: zeta is 0 to within round-off (zeta = %.3g, not below "
                    + "-%.0e times the scale of J_v's entries, max C sup|f'| = %.3g)", zeta,
                    LimitModel.Evaluation.STABILITY_MARGIN, e.stabilityMargin() / LimitModel.Evaluation.STABILITY_MARGIN)
                    : "not stable";
        }
        return null;
    }

    /** "~ 6e-17", or "~ 0" where rounding has made it 0 or slightly negative: a fraction that is rounding. */
    private static String roughly(double fraction) {
        return fraction > 0 ? String.format(Locale.ROOT, "~ %.0e", fraction) : "~ 0";
    }

    /** Whether every rate has vanished at e. */
    static boolean silent(LimitModel.Evaluation e) {
        for (Population t : Population.values()) {
            for (Population s : Population.values()) {
                if (!e.rateVanished(t, s)) {
                    return false;
                }
            }
        }
        return true;
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
                // roots where the network is silent are many (F is rounding there) and alike: one sentence for all
                List<Root> silent = roots.stream().filter(Root::silent).toList();
                List<Root> others = roots.stream().filter(r -> !r.silent()).toList();
                if (others.isEmpty()) {
                    // the least silent of them: its rates are the largest
                    double q = -1;
                    Root r = null;
                    for (Root candidate : silent) {
                        LimitModel.Evaluation e = model.evaluate(candidate.meanE(), candidate.meanI(), varianceE,
                                varianceI);
                        for (Population t : Population.values()) {
                            for (Population u : Population.values()) {
                                if (e.rateFraction(t, u) > q) {
                                    q = e.rateFraction(t, u);
                                    r = candidate;
                                }
                            }
                        }
                    }
                    sb.append(String.format(Locale.ROOT, "the only %s found %s where all rates vanish (Q %s of their "
                                    + "bounds, below the floor %.0e; at (m_e, m_i) = (%.4g, %.4g)%s): the network is "
                                    + "silent, not balanced", silent.size() == 1 ? "root" : "roots",
                            silent.size() == 1 ? "lies" : "lie", roughly(q), RateFunction.NEGLIGIBLE_FRACTION,
                            r.meanE(), r.meanI(), silent.size() == 1 ? "" : " and nearby"));
                } else {
                    sb.append(others.size() == 1 ? "the only root found is not one: "
                            : "F(m, k) = 0 has " + others.size() + " roots, none a stable balanced point: ");
                    for (int j = 0; j < others.size(); j++) {
                        sb.append(j > 0 ? "; " : "").append(others.get(j));
                    }
                    if (!silent.isEmpty()) {
                        sb.append(String.format(Locale.ROOT, "; and %d where all rates vanish (the network is silent "
                                + "there, not balanced)", silent.size()));
                    }
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
        if (!e.isBalanced(GIVEN_TOLERANCE)) {
            throw InputError.NO_BALANCED_POINT.exception("initial.m_e",
                    String.format(Locale.ROOT, "%s is not a balanced point: |F| = %.3g (F_e = %.3g, F_i = %.3g), "
                                    + "%.3g of the input, above %.0e%s", at, e.residual(), e.imbalance(Population.E),
                            e.imbalance(Population.I), e.relativeResidual(), GIVEN_TOLERANCE,
                            suggestion(model, varianceE, varianceI)));
        }
        Root r = polish(model, meanE, meanI, varianceE, varianceI);
        if (r == null) {
            throw InputError.NO_BALANCED_POINT.exception("initial.m_e", at
                    + " is within the tolerance of balance, but Newton's method does not converge from it");
        }
        if (!r.isStable()) {
            throw InputError.NO_BALANCED_POINT.exception("initial.m_e", String.format(Locale.ROOT,
                    "%s is a root of F, but not a stable balanced point: %s (J_v eigenvalues %s)%s", at, r.defect(),
                    r.eigenvalues(),
                    suggestion(model, varianceE, varianceI)));
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
     * (meanE, meanI). Returns the root with its eigenvalues and {@link #defect}, or null if |F_alpha| does
     * not fall below {@link #ROOT_TOLERANCE} times the input bound of alpha.
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
        for (Population t : Population.values()) {
            if (!(Math.abs(e.imbalance(t)) <= ROOT_TOLERANCE * model.inputBound(t))) {
                return null;
            }
        }
        return new Root(v[0], v[1], e.residual(), e.eigenvalues(), silent(e), defect(e));
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
