package org.balnet.limit;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The hydrodynamic limit of Lemma 4.2: variances K by (4.6)-(4.7), means v(t) on the balanced
 * manifold F(v, K) = 0 by (5.24), from a {@link BalancedPoint} until T or until eta, the first time
 * zeta (the largest real part of the eigenvalues of J_v) reaches 0.
 *
 * <p><b>Time reparametrised by det J_v.</b> If a real eigenvalue of J_v reaches 0 (a fold of the
 * manifold), dv/dt = -J_v^{-1} J_K dK/dt grows like (eta - t)^{-1/2}: an integrator in t takes ever
 * smaller steps and zeta never crosses 0. The solver therefore integrates, in a time sigma with
 * dt/dsigma = det J_v / det J_v(0),
 * <pre>
 *     dt/dsigma = d / d0,   dK/dsigma = (d / d0) (-2K/tau + Sigma),   dv/dsigma = -(1/d0) adj(J_v) J_K dK/dt,
 * </pre>
 * (d = det J_v, adj the adjugate), the same orbits as (4.6), (4.7), (5.24) for as long as d &gt; 0,
 * which holds while both eigenvalues have negative real part. These right-hand sides stay smooth
 * through the fold, where zeta crosses 0 transversally, and through a complex pair crossing the
 * imaginary axis; either way eta is found by event detection on zeta.
 *
 * <p><b>Staying on F = 0.</b> F is a first integral of the system above; on top of that every
 * right-hand side is evaluated at the state projected onto F = 0 (Gauss-Newton, minimum-norm step
 * in (v, K), well conditioned even at a fold, where J_v alone is singular), and every output row
 * is projected to round-off, so |F| in the output is about 1e-15.
 *
 * <p>Integrator: Dormand-Prince 8(5,3) (Commons Math) with relative and absolute tolerance
 * {@value #TOLERANCE}; output at t = k D from its dense output. Thread-safe: each call to
 * {@link #solve} has its own state.
 */
public final class LimitSolver {
    /** Relative and absolute tolerance of the integrator. */
    public static final double TOLERANCE = 1e-11;
    /** Inside the right-hand side, a state with |F| above this is projected first. */
    static final double RHS_PROJECTION_THRESHOLD = 1e-12;
    /** Largest |F| accepted after a projection. */
    public static final double MAX_RESIDUAL = 1e-10;
    /** Output rows are projected until |F| is below this (a few ulps of the O(1) terms of F). */
    static final double OUTPUT_PROJECTION_THRESHOLD = 1e-15;
    /** Below this |F| is round-off: a step that does not reduce it is not worth a line search. */
    private static final double ROUND_OFF = 1e-13;
    /**
     * The run stops when zeta &ge; -ZETA_EXIT * max|J_v(0)|: zeta has reached 0 to within the
     * round-off of J_v (the margin of {@link LimitModel.Evaluation#STABILITY_MARGIN}). Where a rate
     * saturates and the means run off to infinity, zeta tends to 0 only asymptotically, even in sigma,
     * so a threshold of exactly 0 would never be crossed. The margin moves eta very little: by
     * (margin / c)^2 at a fold (zeta ~ c sqrt(eta - t)), by margin / |dzeta/dt| at a complex pair.
     */
    public static final double ZETA_EXIT = LimitModel.Evaluation.STABILITY_MARGIN;
    /** A generous cap: mv-6.1 to T = 5 takes about 500. */
    private static final int MAX_EVALUATIONS = 200_000;

    private final LimitModel model;

    public LimitSolver(LimitModel model) {
        this.model = model;
    }

    /**
     * Solves the limit from {@code start} to {@code tEnd}, with rows at every multiple of
     * {@code dtOut}; stops early at eta if zeta reaches 0.
     *
     * @param start balanced initial point (m, k)
     * @param tEnd  T &gt; 0, units of tau
     * @param dtOut D &gt; 0
     * @throws LimitFailure if the integrator fails (the message says where and why)
     */
    public Trajectory solve(BalancedPoint start, double tEnd, double dtOut) {
        OutputGrid grid = new OutputGrid(tEnd, dtOut);
        Run run = new Run(start, grid);
        return run.go();
    }

    /**
     * The point of F(v, K) = 0 reached from (v, K) by Gauss-Newton with minimum-norm steps in all four
     * unknowns, halved while they do not reduce |F|. Returns the best point found (the caller checks
     * its residual).
     */
    static LimitModel.Evaluation project(LimitModel model, double[] mean, double[] variance, double threshold) {
        LimitModel.Evaluation e = model.evaluate(mean, variance);
        for (int it = 0; it < 20 && e.residual() > threshold; it++) {
            double[][] a = {
                    {e.jacobianV[0][0], e.jacobianV[0][1], e.jacobianK[0][0], e.jacobianK[0][1]},
                    {e.jacobianV[1][0], e.jacobianV[1][1], e.jacobianK[1][0], e.jacobianK[1][1]}};
            double m00 = dot(a[0], a[0]), m01 = dot(a[0], a[1]), m11 = dot(a[1], a[1]);
            double det = m00 * m11 - m01 * m01;
            if (!(det > 0)) {
                break;
            }
            double l0 = (m11 * e.imbalance[0] - m01 * e.imbalance[1]) / det;
            double l1 = (-m01 * e.imbalance[0] + m00 * e.imbalance[1]) / det;
            LimitModel.Evaluation next = null;
            for (double lambda = 1; lambda > 1e-6; lambda *= 0.5) {
                double[] v = new double[2], k = new double[2];
                for (int j = 0; j < 2; j++) {
                    v[j] = e.mean[j] - lambda * (a[0][j] * l0 + a[1][j] * l1);
                    k[j] = e.variance[j] - lambda * (a[0][j + 2] * l0 + a[1][j + 2] * l1);
                }
                if (!(k[0] >= 0 && k[1] >= 0)) {
                    continue;
                }
                LimitModel.Evaluation trial = model.evaluate(v, k);
                if (trial.residual() < e.residual()) {
                    next = trial;
                    break;
                }
                if (e.residual() <= ROUND_OFF) {
                    break;
                }
            }
            if (next == null) {
                // round-off floor reached (or no descent: the caller judges the residual)
                break;
            }
            e = next;
        }
        return e;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** One solve: the ODE in sigma, its events, the rows. */
    private final class Run implements FirstOrderDifferentialEquations {
        private final BalancedPoint start;
        private final OutputGrid grid;
        private final double det0;
        /** ZETA_EXIT * max|J_v(0)|: zeta above minus this counts as 0. */
        private final double exitMargin;
        private final List<LimitRow> rows = new ArrayList<>();
        private long nextRow = 1;
        private long rhsCalls;
        private long stepCount;
        private double maxResidual;
        private double[] cachedY;
        private LimitModel.Evaluation cachedPoint;

        Run(BalancedPoint start, OutputGrid grid) {
            this.start = start;
            this.grid = grid;
            LimitModel.Evaluation e0 = model.evaluate(start.meanE(), start.meanI(), start.varianceE(),
                    start.varianceI());
            this.det0 = e0.detJv();
            this.exitMargin = e0.stabilityMargin();
            if (!(det0 > 0) || !e0.isStable()) {
                throw new IllegalArgumentException("the start is not on the balanced manifold: J_v eigenvalues "
                        + e0.eigenvalues());
            }
            addRow(0.0, e0);
        }

        /** State y = (t, K_e, K_i, v_e, v_i). */
        @Override
        public int getDimension() {
            return 5;
        }

        @Override
        public void computeDerivatives(double sigma, double[] y, double[] yDot) {
            rhsCalls++;
            LimitModel.Evaluation e = onManifold(y, RHS_PROJECTION_THRESHOLD);
            double d = e.detJv();
            double[][] jv = e.jacobianV, jk = e.jacobianK;
            double rE = e.relaxation[0], rI = e.relaxation[1];
            double wE = jk[0][0] * rE + jk[0][1] * rI;
            double wI = jk[1][0] * rE + jk[1][1] * rI;
            yDot[0] = d / det0;
            yDot[1] = d / det0 * rE;
            yDot[2] = d / det0 * rI;
            // -adj(J_v) w / d0, adj = [[J11, -J01], [-J10, J00]]
            yDot[3] = -(jv[1][1] * wE - jv[0][1] * wI) / det0;
            yDot[4] = -(-jv[1][0] * wE + jv[0][0] * wI) / det0;
        }

        /** The projection of y onto F = 0, cached for the last y (the FSAL stage and events reuse it). */
        LimitModel.Evaluation onManifold(double[] y, double threshold) {
            if (cachedY != null && Arrays.equals(cachedY, y) && cachedPoint.residual() <= threshold) {
                return cachedPoint;
            }
            LimitModel.Evaluation e = project(model, new double[]{y[3], y[4]}, new double[]{y[1], y[2]}, threshold);
            if (!(e.residual() <= MAX_RESIDUAL)) {
                throw new LimitFailure(String.format(Locale.ROOT,
                        "the limit solver lost the balanced manifold at t = %.6g: |F| = %.3g after projection "
                                + "(v = (%.6g, %.6g), K = (%.6g, %.6g))",
                        y[0], e.residual(), y[3], y[4], y[1], y[2]));
            }
            cachedY = y.clone();
            cachedPoint = e;
            return e;
        }

        private void addRow(double t, LimitModel.Evaluation e) {
            rows.add(new LimitRow(t, e));
            maxResidual = Math.max(maxResidual, e.residual());
        }

        Trajectory go() {
            double[] y = {0.0, start.varianceE(), start.varianceI(), start.meanE(), start.meanI()};
            DormandPrince853Integrator integrator = new DormandPrince853Integrator(0.0, Double.POSITIVE_INFINITY,
                    TOLERANCE, TOLERANCE);
            integrator.setMaxEvaluations(MAX_EVALUATIONS);
            double stop = grid.stopTime();
            double check = Math.min(0.1, grid.tEnd / 20);
            ZetaEvent zetaEvent = new ZetaEvent(exitMargin);
            integrator.addEventHandler(zetaEvent, check, 1e-13, 1000);
            integrator.addEventHandler(new EndEvent(stop), check, 1e-13, 1000);
            integrator.addStepHandler(new RowWriter());
            double[] yEnd = new double[5];
            try {
                // sigma has no natural end; the end and zeta events stop the integration
                integrator.integrate(this, 0.0, y, Double.MAX_VALUE / 4, yEnd);
            } catch (MathIllegalStateException | IllegalArgumentException e) {
                double t = cachedY != null ? cachedY[0] : 0.0;
                throw new LimitFailure(String.format(Locale.ROOT, "the limit solver failed near t = %.6g (v = (%.6g, "
                        + "%.6g), K = (%.6g, %.6g)): %s", t, cachedY != null ? cachedY[3] : Double.NaN,
                        cachedY != null ? cachedY[4] : Double.NaN, cachedY != null ? cachedY[1] : Double.NaN,
                        cachedY != null ? cachedY[2] : Double.NaN, e.getMessage()), e);
            }
            LimitModel.Evaluation endPoint = onManifold(yEnd, OUTPUT_PROJECTION_THRESHOLD);
            // without eta, the end event stopped the run within its convergence (1e-13) of the stop time
            LimitRow end = new LimitRow(zetaEvent.fired ? yEnd[0] : stop, endPoint);
            OptionalDouble eta = zetaEvent.fired ? OptionalDouble.of(yEnd[0]) : OptionalDouble.empty();
            Map<String, Object> solver = new LinkedHashMap<>();
            solver.put("method", "Dormand-Prince 8(5,3) (Commons Math) in a time rescaled by det J_v; "
                    + "states projected onto F = 0 (Gauss-Newton); eta by event detection on zeta");
            solver.put("relative_tolerance", TOLERANCE);
            solver.put("absolute_tolerance", TOLERANCE);
            solver.put("quadrature", "composite Gauss-Legendre, " + GaussianExpectation.NODES
                    + " points per panel, |z| <= " + GaussianExpectation.Z_MAX + " (erf: closed form)");
            solver.put("steps", stepCount);
            solver.put("rhs_evaluations", rhsCalls);
            solver.put("max_residual", maxResidual);
            return new Trajectory(List.copyOf(rows), end, eta, maxResidual, solver);
        }

        /** Writes the rows whose times fall in each step, from the integrator's dense output. */
        private final class RowWriter implements StepHandler {
            @Override
            public void init(double t0, double[] y0, double t) {
            }

            @Override
            public void handleStep(StepInterpolator interpolator, boolean isLast) {
                stepCount++;
                double s0 = interpolator.getPreviousTime();
                double s1 = interpolator.getCurrentTime();
                interpolator.setInterpolatedTime(s1);
                double t1 = interpolator.getInterpolatedState()[0];
                while (nextRow <= grid.last) {
                    double tk = grid.time(nextRow);
                    double sk;
                    if (tk <= t1) {
                        sk = sigmaAt(interpolator, tk, s0, s1);
                    } else if (isLast && tk <= t1 + grid.slack()) {
                        // the end event stops within its convergence of the last output time
                        sk = s1;
                    } else {
                        break;
                    }
                    interpolator.setInterpolatedTime(sk);
                    double[] y = interpolator.getInterpolatedState().clone();
                    addRow(tk, onManifold(y, OUTPUT_PROJECTION_THRESHOLD));
                    nextRow++;
                }
            }

            private double sigmaAt(StepInterpolator interpolator, double tk, double s0, double s1) {
                interpolator.setInterpolatedTime(s0);
                if (interpolator.getInterpolatedState()[0] >= tk) {
                    return s0;
                }
                BrentSolver brent = new BrentSolver(1e-15, 1e-15 * Math.max(1, Math.abs(s1)));
                return brent.solve(200, s -> {
                    interpolator.setInterpolatedTime(s);
                    return interpolator.getInterpolatedState()[0] - tk;
                }, s0, s1);
            }
        }

        /** zeta = max Re eig J_v; stops the run when it reaches 0 (to within {@link #ZETA_EXIT}). */
        private final class ZetaEvent implements EventHandler {
            private final double margin;
            boolean fired;

            ZetaEvent(double margin) {
                this.margin = margin;
            }

            @Override
            public void init(double t0, double[] y0, double t) {
            }

            @Override
            public double g(double sigma, double[] y) {
                return onManifold(y, RHS_PROJECTION_THRESHOLD).zeta() + margin;
            }

            @Override
            public Action eventOccurred(double sigma, double[] y, boolean increasing) {
                fired = true;
                return Action.STOP;
            }

            @Override
            public void resetState(double t, double[] y) {
            }
        }

        /** Stops the run when t reaches the last output time. */
        private final class EndEvent implements EventHandler {
            private final double stop;

            EndEvent(double stop) {
                this.stop = stop;
            }

            @Override
            public void init(double t0, double[] y0, double t) {
            }

            @Override
            public double g(double sigma, double[] y) {
                return y[0] - stop;
            }

            @Override
            public Action eventOccurred(double sigma, double[] y, boolean increasing) {
                return Action.STOP;
            }

            @Override
            public void resetState(double t, double[] y) {
            }
        }
    }
}
