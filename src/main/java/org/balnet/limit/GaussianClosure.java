package org.balnet.limit;

import org.balnet.model.Population;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The finite-n Gaussian closure (docs/design.md, section 8): keep sqrt(n) in the
 * mean equation (5.2) instead of the limit's constraint F = 0,
 * <pre>
 *     dv_a/dt = -v_a / tau_a + sqrt(n) F_a(v, K),     dK_a/dt = -2 K_a / tau_a + Sigma_a(v, K),
 * </pre>
 * from the limit's initial point (m, k). It tracks the O(n^{-1/2} / zeta) offset of the means (7.1)
 * that the limit drops. Units as in {@link LimitModel}; n is the number of neurons per population.
 *
 * <p><b>Method.</b> The mean equation relaxes at rate sqrt(n) |eig J_v| (10^6 at n = 10^12), so an
 * explicit integrator would need millions of steps. This class uses extrapolation of the linearly
 * implicit Euler method (Deuflhard, "Order and stepsize control in extrapolation methods",
 * Numer. Math. 41 (1983); the LIMEX/SEULEX family of Hairer and Wanner, Solving ODEs II, IV.9): over
 * a step H, with the exact Jacobian J at the step's start and j substeps of h = H/j,
 * (I - hJ)(y_{i+1} - y_i) = h f(y_i); the results for j = 1, 2, ... are combined by the
 * Aitken-Neville tableau (the error expands in powers of h), and the difference of the last two
 * entries of the diagonal is the error estimate. Stable for the stiff part (every entry tends to 0
 * as h lambda -&gt; -infinity). Order and step size are chosen as in Hairer and Wanner's ODEX/SEULEX:
 * accept with one column fewer or more than the target, then take the column count (3 to
 * {@value #COLUMNS}) with the least work per unit time. Steps end exactly on the output times
 * k D. The Jacobian is analytic: J_v, J_K (5.26), dSigma/dv, dSigma/dK from the same quadrature.
 *
 * <p>Accuracy: GaussianClosureTest checks 1e-7 against Dormand-Prince 8(5,3) at tolerance 1e-13
 * (feasible up to n = 10^6), and n^{-1/2} convergence to the limit up to n = 10^12.
 */
public final class GaussianClosure {
    /**
     * Relative and absolute tolerance of the local error. It gives about 1e-11 in the output (see
     * GaussianClosureTest). Much tighter buys nothing at large n: sqrt(n) times the round-off of F
     * (1e-16) is 1e-10 of noise in dv/dt at n = 10^12, which the error estimate then chases.
     */
    public static final double TOLERANCE = 1e-10;
    /** Most columns of the extrapolation tableau: substep counts 1, 2, ..., COLUMNS. */
    static final int COLUMNS = 8;
    /** Fewest columns a step may be accepted with (order 3). */
    private static final int MIN_COLUMNS = 3;
    private static final int INITIAL_COLUMNS = 5;
    private static final long MAX_STEPS = 2_000_000;

    private final LimitModel model;
    private final double n;
    private final double sqrtN;
    private final double tolerance;
    private final double[] tau;

    /**
     * @param model the network
     * @param n     neurons per population, &ge; 1 (a double so that 10^12 and beyond are exact enough)
     */
    public GaussianClosure(LimitModel model, double n) {
        this(model, n, TOLERANCE);
    }

    /** With a chosen tolerance (tests tighten it to measure the error). */
    GaussianClosure(LimitModel model, double n, double tolerance) {
        if (!(n >= 1) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("closure needs finite n >= 1, got " + n);
        }
        this.model = model;
        this.n = n;
        this.sqrtN = Math.sqrt(n);
        this.tolerance = tolerance;
        this.tau = new double[]{model.tau(Population.E), model.tau(Population.I)};
    }

    public double n() {
        return n;
    }

    /**
     * Solves the closure from (m, k) of {@code start} to {@code tEnd}, rows at every multiple of
     * {@code dtOut}. The closure has no manifold to leave: the returned eta is always empty.
     *
     * @throws LimitFailure if the solution blows up or the step size collapses
     */
    public Trajectory solve(BalancedPoint start, double tEnd, double dtOut) {
        OutputGrid grid = new OutputGrid(tEnd, dtOut);
        double[] y = {start.meanE(), start.meanI(), start.varianceE(), start.varianceI()};
        List<LimitRow> rows = new ArrayList<>();
        LimitModel.Evaluation e = evaluate(y);
        rows.add(new LimitRow(0.0, e));
        double maxResidual = e.residual();

        Extrapolation ex = new Extrapolation(grid.dt);
        double t = 0;
        double h = initialStep(e, grid.dt);
        for (long k = 1; k <= grid.last; k++) {
            double tk = grid.time(k);
            while (t < tk) {
                if (++ex.steps > MAX_STEPS) {
                    throw new LimitFailure(String.format(Locale.ROOT,
                            "the closure (n = %.6g) did not reach t = %.6g in %d steps (at t = %.6g)", n, tk,
                            MAX_STEPS, t));
                }
                // within 5% of tk: stretch the step to land on it rather than leave a sliver
                boolean last = tk - t <= 1.05 * h;
                double hStep = last ? tk - t : h;
                double[] next = ex.step(y, e, hStep);
                if (next == null) {
                    h = ex.hNext;
                    if (!(h > 1e-15 * Math.max(1.0, tk))) {
                        throw new LimitFailure(String.format(Locale.ROOT,
                                "the closure (n = %.6g) step size collapsed at t = %.6g: the solution is leaving "
                                        + "every bounded state (v = (%.6g, %.6g), K = (%.6g, %.6g))",
                                n, t, y[0], y[1], y[2], y[3]));
                    }
                    continue;
                }
                y = next;
                t = last ? tk : t + hStep;
                e = evaluate(y);
                ex.evaluations++;
                // a step shortened to land on tk says nothing about the step size to use next
                h = last ? Math.max(h, ex.hNext) : ex.hNext;
            }
            rows.add(new LimitRow(tk, e));
            maxResidual = Math.max(maxResidual, e.residual());
        }
        Map<String, Object> solver = new LinkedHashMap<>();
        solver.put("method", "extrapolated linearly implicit Euler (Deuflhard; harmonic sequence, 3 to "
                + COLUMNS + " columns by work per unit time), analytic Jacobian, steps ending on the output times");
        solver.put("n", n);
        solver.put("relative_tolerance", tolerance);
        solver.put("absolute_tolerance", tolerance);
        solver.put("quadrature", "composite Gauss-Legendre, " + GaussianExpectation.NODES
                + " points per panel, |z| <= " + GaussianExpectation.Z_MAX + " (erf: closed form)");
        solver.put("steps", ex.steps);
        solver.put("rejected_steps", ex.rejected);
        solver.put("rhs_evaluations", ex.evaluations);
        return new Trajectory(List.copyOf(rows), rows.get(rows.size() - 1), OptionalDouble.empty(),
                OptionalDouble.empty(), maxResidual, solver);
    }

    /** One extrapolation step at a time, with the order (column count) and step-size control. */
    private final class Extrapolation {
        private final double cap;
        private final double[][] table = new double[COLUMNS][];
        private final double[] f0 = new double[4];
        private final double[] fi = new double[4];
        /** err[j], hOpt[j]: error norm of column j and the step it suggests. */
        private final double[] err = new double[COLUMNS + 1];
        private final double[] hOpt = new double[COLUMNS + 1];
        private int target = INITIAL_COLUMNS;
        long steps;
        long rejected;
        long evaluations = 1;
        /** The step to try next. */
        double hNext;

        /** @param cap the output interval: no step is longer, so work per unit time counts it as the step */
        Extrapolation(double cap) {
            this.cap = cap;
        }

        /**
         * Tries a step of {@code h} from y (evaluated in e). Returns the new state, or null if the
         * step is rejected; either way {@link #hNext} is the step to try next.
         */
        double[] step(double[] y, LimitModel.Evaluation e, double h) {
            rhs(e, f0);
            double[][] jac = jacobian(e);
            int highest = Math.min(target + 1, COLUMNS);
            int computed = 0;
            for (int j = 1; j <= highest; j++) {
                table[j - 1] = substeps(y, f0, jac, h, j, fi);
                evaluations += j - 1;
                if (table[j - 1] == null) {
                    break;
                }
                computed = j;
                // Aitken-Neville in place: T_{j,l} = T_{j,l-1} + (T_{j,l-1} - T_{j-1,l-1}) / (n_j / n_{j-l+1} - 1);
                // afterwards table[0] is T_{j,j} and table[1] is T_{j,j-1}
                for (int l = j - 2; l >= 0; l--) {
                    double ratio = (double) j / (l + 1) - 1.0;
                    for (int c = 0; c < 4; c++) {
                        table[l][c] = table[l + 1][c] + (table[l + 1][c] - table[l][c]) / ratio;
                    }
                }
                if (j >= 2) {
                    err[j] = errorNorm(y, table[0], table[1]);
                    hOpt[j] = h * stepFactor(err[j], j);
                    // accept with one column fewer than the target, or the target, or one more
                    if (j >= Math.max(MIN_COLUMNS, target - 1) && err[j] <= 1) {
                        chooseNext(j);
                        return table[0].clone();
                    }
                }
            }
            rejected++;
            double shrink = computed >= 2 ? Math.min(hOpt[computed] / h, 0.5) : 0.25;
            hNext = h * Math.max(shrink, 0.1);
            target = Math.max(MIN_COLUMNS, Math.min(target, computed));
            return null;
        }

        /** After acceptance with j columns: the column count with the least work per unit time, and its step. */
        private void chooseNext(int j) {
            int best = j;
            for (int i = Math.max(MIN_COLUMNS, j - 1); i < j; i++) {
                if (work(i, hOpt[i], cap) < work(best, hOpt[best], cap)) {
                    best = i;
                }
            }
            hNext = hOpt[best];
            if (best == j && j < COLUMNS) {
                // one column more, at the step it would likely allow (Hairer-Wanner, ODEX)
                double hUp = hOpt[j] * work(j + 1, 1, Double.POSITIVE_INFINITY) / work(j, 1, Double.POSITIVE_INFINITY);
                if (work(j + 1, hUp, cap) < work(j, hOpt[j], cap)) {
                    best = j + 1;
                    hNext = hUp;
                }
            }
            target = best;
        }
    }

    private LimitModel.Evaluation evaluate(double[] y) {
        return model.evaluate(y[0], y[1], y[2], y[3]);
    }

    /** The closure's right-hand side at an evaluated state, order (v_e, v_i, K_e, K_i). */
    void rhs(LimitModel.Evaluation e, double[] out) {
        for (int a = 0; a < 2; a++) {
            out[a] = -e.mean[a] / tau[a] + sqrtN * e.imbalance[a];
            out[2 + a] = e.relaxation[a];
        }
    }

    /** The 4x4 Jacobian of {@link #rhs}, rows and columns (v_e, v_i, K_e, K_i). */
    double[][] jacobian(LimitModel.Evaluation e) {
        double[][] j = new double[4][4];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                j[a][b] = sqrtN * e.jacobianV[a][b];
                j[a][2 + b] = sqrtN * e.jacobianK[a][b];
                j[2 + a][b] = e.sigmaByMean[a][b];
                j[2 + a][2 + b] = e.sigmaByVariance[a][b];
            }
            j[a][a] -= 1.0 / tau[a];
            j[2 + a][2 + a] -= 2.0 / tau[a];
        }
        return j;
    }

    /**
     * {@code sub} linearly implicit Euler substeps over H from y; null if a stage leaves the domain
     * (a negative variance or a non-finite value), which makes the caller shrink the step.
     */
    private double[] substeps(double[] y0, double[] f0, double[][] jac, double big, int sub, double[] fi) {
        double h = big / sub;
        double[][] lu = new double[4][4];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                lu[r][c] = (r == c ? 1.0 : 0.0) - h * jac[r][c];
            }
        }
        int[] piv = new int[4];
        if (!decompose(lu, piv)) {
            return null;
        }
        double[] y = y0.clone();
        double[] d = new double[4];
        for (int i = 0; i < sub; i++) {
            double[] f;
            if (i == 0) {
                f = f0;
            } else {
                if (!(y[2] >= 0 && y[3] >= 0) || !Double.isFinite(y[0]) || !Double.isFinite(y[1])) {
                    return null;
                }
                rhs(evaluate(y), fi);
                f = fi;
            }
            for (int c = 0; c < 4; c++) {
                d[c] = h * f[c];
            }
            solve(lu, piv, d);
            for (int c = 0; c < 4; c++) {
                y[c] += d[c];
            }
        }
        for (double v : y) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return (y[2] >= 0 && y[3] >= 0) ? y : null;
    }

    /** Step factor for an error norm of a column-j estimate (local error ~ H^j), safety 0.9, in [0.1, 4]. */
    private static double stepFactor(double errNorm, int j) {
        if (!Double.isFinite(errNorm)) {
            return 0.1;
        }
        return Math.min(4.0, Math.max(0.1, 0.9 * StrictMath.pow(Math.max(errNorm, 1e-12), -1.0 / j)));
    }

    /**
     * Right-hand-side evaluations per unit time with j columns and step H, capped at the output
     * interval (steps end on output times): 1 + (1 + 2 + ... + (j-1)), one per substep after the
     * first of each column, plus the Jacobian's evaluation.
     */
    private static double work(int j, double step, double cap) {
        return (1.0 + j * (j - 1) / 2.0) / Math.min(step, cap);
    }

    private double errorNorm(double[] y0, double[] best, double[] second) {
        double s = 0;
        for (int c = 0; c < 4; c++) {
            double scale = tolerance + tolerance * Math.max(Math.abs(y0[c]), Math.abs(best[c]));
            double r = (best[c] - second[c]) / scale;
            s += r * r;
        }
        return Math.sqrt(s / 4);
    }

    /** A first step that resolves the fastest relaxation, 1/(sqrt(n) |J_v|), at the start. */
    private double initialStep(LimitModel.Evaluation e, double dtOut) {
        double norm = 0;
        for (double[] row : jacobian(e)) {
            double s = 0;
            for (double x : row) {
                s += Math.abs(x);
            }
            norm = Math.max(norm, s);
        }
        return Math.min(dtOut, 0.01 / (1.0 + norm));
    }

    /** In-place LU with partial pivoting of a 4x4 matrix; false if singular. */
    static boolean decompose(double[][] a, int[] piv) {
        int m = a.length;
        for (int i = 0; i < m; i++) {
            piv[i] = i;
        }
        for (int k = 0; k < m; k++) {
            int p = k;
            for (int i = k + 1; i < m; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[p][k])) {
                    p = i;
                }
            }
            if (a[p][k] == 0 || !Double.isFinite(a[p][k])) {
                return false;
            }
            if (p != k) {
                double[] tmp = a[p];
                a[p] = a[k];
                a[k] = tmp;
                int ti = piv[p];
                piv[p] = piv[k];
                piv[k] = ti;
            }
            for (int i = k + 1; i < m; i++) {
                double l = a[i][k] / a[k][k];
                a[i][k] = l;
                for (int c = k + 1; c < m; c++) {
                    a[i][c] -= l * a[k][c];
                }
            }
        }
        return true;
    }

    /** Solves (LU) x = b in place, with the permutation from {@link #decompose}. */
    static void solve(double[][] lu, int[] piv, double[] b) {
        int m = lu.length;
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            double s = b[piv[i]];
            for (int c = 0; c < i; c++) {
                s -= lu[i][c] * x[c];
            }
            x[i] = s;
        }
        for (int i = m - 1; i >= 0; i--) {
            double s = x[i];
            for (int c = i + 1; c < m; c++) {
                s -= lu[i][c] * x[c];
            }
            x[i] = s / lu[i][i];
        }
        System.arraycopy(x, 0, b, 0, m);
    }
}
