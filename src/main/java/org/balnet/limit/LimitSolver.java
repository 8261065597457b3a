package org.balnet.limit;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;
import org.balnet.model.Population;

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
 * zeta (the largest real part of the eigenvalues of J_v) reaches 0, or until a rate Q_ab falls below
 * the floor a balanced point must clear ({@link org.balnet.model.RateFunction#NEGLIGIBLE_FRACTION} of
 * its bound): there the limit falls silent and its balance is rounding.
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
    /*
     * The residual thresholds below are relative: |F_alpha| against the input C_ae Q_ae + C_ai Q_ai, up to
     * the rounding of F (LimitModel.Evaluation#isBalanced), which never divides by an input that has
     * underflowed. An absolute |F| says nothing where the rates are small: at Q ~ 1e-16 every point has
     * |F| < 1e-15.
     */
    /** Inside the right-hand side, a state with relative residual above this is projected first. */
    static final double RHS_PROJECTION_THRESHOLD = 1e-12;
    /** Largest relative residual accepted after a projection, at every accepted step and output row. */
    public static final double MAX_RESIDUAL = 1e-10;
    /** Output rows are projected until the relative residual is below this (a few ulps of the terms of F). */
    static final double OUTPUT_PROJECTION_THRESHOLD = 1e-15;
    /** Below this the relative residual is round-off: a step that does not reduce it is not worth a line search. */
    private static final double ROUND_OFF = 1e-13;
    /**
     * The run stops when zeta &ge; -ZETA_EXIT * max C sup|f'| ({@link LimitModel#jacobianScale()}): zeta has
     * reached 0 to within the
     * round-off of J_v (the margin of {@link LimitModel.Evaluation#STABILITY_MARGIN}). Where a rate
     * saturates and the means run off to infinity, zeta tends to 0 only asymptotically, even in sigma,
     * so a threshold of exactly 0 would never be crossed. The margin moves eta very little: by
     * (margin / c)^2 at a fold (zeta ~ c sqrt(eta - t)), by margin / |dzeta/dt| at a complex pair.
     */
    public static final double ZETA_EXIT = LimitModel.Evaluation.STABILITY_MARGIN;
    /** A generous cap: mv-6.1 to T = 5 takes about 500. */
    private static final int MAX_EVALUATIONS = 200_000;
    /** In a failure message, a variance below this is named as a likely cause. */
    private static final double SMALL_VARIANCE = 1e-3;
    /** In a failure message, zeta above this fraction of its start value is named as "near eta". */
    private static final double NEAR_ETA = 0.01;
    /** In a failure message, a rate below this fraction of its bound is named as falling silent. */
    private static final double NEAR_SILENT = 1e-6;

    private final LimitModel model;
    private final int maxEvaluations;

    public LimitSolver(LimitModel model) {
        this(model, MAX_EVALUATIONS);
    }

    /** With a chosen cap on the right-hand side evaluations (tests lower it to make the integrator give up). */
    LimitSolver(LimitModel model, int maxEvaluations) {
        this.model = model;
        this.maxEvaluations = maxEvaluations;
    }

    /**
     * Solves the limit from {@code start} to {@code tEnd}, with rows at every multiple of
     * {@code dtOut}; stops early at eta if zeta reaches 0, or where a rate falls silent.
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
     * unknowns, halved while they do not reduce |F|, until F = 0 holds to {@code threshold} of the inputs
     * ({@link LimitModel.Evaluation#isBalanced}). Returns the best point found (the caller checks its residual).
     */
    static LimitModel.Evaluation project(LimitModel model, double[] mean, double[] variance, double threshold) {
        LimitModel.Evaluation e = model.evaluate(mean, variance);
        for (int it = 0; it < 20 && !e.isBalanced(threshold); it++) {
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
                if (e.isBalanced(ROUND_OFF)) {
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
        /** ZETA_EXIT * max C sup|f'|: zeta above minus this counts as 0. */
        private final double exitMargin;
        private final List<LimitRow> rows = new ArrayList<>();
        private long nextRow = 1;
        private long rhsCalls;
        private long stepCount;
        private double maxResidual;
        private double[] cachedY;
        private LimitModel.Evaluation cachedPoint;
        /** y at the end of the last accepted step: how far the solve got. */
        private double[] lastAccepted;

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
            LimitModel.Evaluation e = onManifold(y, RHS_PROJECTION_THRESHOLD, false);
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

        /**
         * The projection of y onto F = 0, cached for the last y (the FSAL stage and events reuse it).
         *
         * <p>Not strict (the right-hand side, the zeta event): the best point the projection reaches,
         * whatever its residual, and with a K below 0 read as 0. The integrator evaluates trial stages
         * far from its accepted steps; a stage off the manifold, or one whose fast-relaxing K overshoots 0,
         * only makes the step's error estimate large, and the integrator then shortens the step. An
         * exception there would end a solve that a shorter step continues.
         *
         * <p>Strict (every accepted step, every output row): the relative residual after projection must
         * be at most {@link #MAX_RESIDUAL}, or the solve fails with the state in the message.
         */
        LimitModel.Evaluation onManifold(double[] y, double threshold, boolean strict) {
            if (cachedY != null && Arrays.equals(cachedY, y) && cachedPoint.isBalanced(threshold)) {
                return cachedPoint;
            }
            for (double x : y) {
                if (!Double.isFinite(x)) {
                    throw new LimitFailure(failure("the state became non-finite", lastAccepted, null));
                }
            }
            double[] k = {Math.max(0.0, y[1]), Math.max(0.0, y[2])};
            LimitModel.Evaluation e = project(model, new double[]{y[3], y[4]}, k, threshold);
            if (strict && !(e.isBalanced(MAX_RESIDUAL) && y[1] >= 0 && y[2] >= 0)) {
                throw new LimitFailure(failure(String.format(Locale.ROOT, "the solver lost the balanced manifold: "
                        + "|F| / input = %.3g after projection", e.relativeResidual()), y, e));
            }
            cachedY = y.clone();
            cachedPoint = e;
            return e;
        }

        /**
         * A failure in words: what happened, where (t, v, K), what the state looks like when that explains
         * it (a variance near 0, zeta near 0, rates near their floor), and what to try.
         *
         * @param at the state (t, K_e, K_i, v_e, v_i) where it happened
         * @param e  its projection, or null to compute it
         */
        private String failure(String what, double[] at, LimitModel.Evaluation e) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "the limit could not be solved past t = %.6g: %s (v = (%.6g, %.6g), K = (%.6g, %.6g))",
                    at[0], what, at[3], at[4], at[1], at[2]));
            if (e == null) {
                try {
                    e = project(model, new double[]{at[3], at[4]},
                            new double[]{Math.max(0.0, at[1]), Math.max(0.0, at[2])}, RHS_PROJECTION_THRESHOLD);
                } catch (RuntimeException ex) {
                    e = null;
                }
            }
            List<String> why = new ArrayList<>();
            for (Population p : Population.values()) {
                double k = at[p == Population.E ? 1 : 2];
                if (k < SMALL_VARIANCE) {
                    why.add(String.format(Locale.ROOT, "the variance K_%s has fallen to %.3g (below %.0e), where the "
                            + "Gaussian expectations of the rates change on the scale of sqrt(K)", p.label, k,
                            SMALL_VARIANCE));
                }
            }
            if (e != null) {
                if (e.zeta() > -NEAR_ETA * Math.abs(start.zeta())) {
                    why.add(String.format(Locale.ROOT, "zeta = %.3g has come within %.0f%% of 0 from %.3g at t = 0: the "
                            + "point is near eta, where the limit leaves the balanced manifold", e.zeta(),
                            100 * NEAR_ETA, start.zeta()));
                }
                for (Population t : Population.values()) {
                    for (Population u : Population.values()) {
                        if (e.rateFraction(t, u) < NEAR_SILENT) {
                            why.add(String.format(Locale.ROOT, "the rate Q_%s has fallen to %.1e of its bound: the "
                                    + "network is falling silent", Population.pair(t, u), e.rateFraction(t, u)));
                        }
                    }
                }
            }
            if (!why.isEmpty()) {
                sb.append("; ").append(String.join("; ", why));
            }
            sb.append(String.format(Locale.ROOT, ". A smaller output interval does not help; a shorter end time "
                    + "(below t = %.4g) does", at[0]));
            return sb.toString();
        }

        private void addRow(double t, LimitModel.Evaluation e) {
            rows.add(new LimitRow(t, e));
            maxResidual = Math.max(maxResidual, e.residual());
        }

        Trajectory go() {
            double[] y = {0.0, start.varianceE(), start.varianceI(), start.meanE(), start.meanI()};
            DormandPrince853Integrator integrator = new DormandPrince853Integrator(0.0, Double.POSITIVE_INFINITY,
                    TOLERANCE, TOLERANCE);
            integrator.setMaxEvaluations(maxEvaluations);
            double stop = grid.stopTime();
            // The switching functions are checked at the ends of every step, not on a grid in sigma: a step
            // in sigma covers a time span of (det J_v / det J_v(0)) times its length, which can be 1e4 times
            // shorter where det J_v has fallen, and a grid fine enough for the fast parts then costs 1e5
            // projections per step. None needs more: t - stop is monotone; zeta crosses 0, and a rate its
            // floor, transversally in sigma, and the run stops at the first crossing, while the integrator's
            // tolerance keeps both within a step as smooth as the state.
            double check = Double.POSITIVE_INFINITY;
            ZetaEvent zetaEvent = new ZetaEvent(exitMargin);
            integrator.addEventHandler(zetaEvent, check, 1e-13, 1000);
            SilenceEvent silenceEvent = new SilenceEvent();
            integrator.addEventHandler(silenceEvent, check, 1e-13, 1000);
            integrator.addEventHandler(new EndEvent(stop), check, 1e-13, 1000);
            integrator.addStepHandler(new RowWriter());
            double[] yEnd = new double[5];
            lastAccepted = y.clone();
            try {
                // sigma has no natural end; the end and zeta events stop the integration
                integrator.integrate(this, 0.0, y, Double.MAX_VALUE / 4, yEnd);
            } catch (MaxCountExceededException e) {
                throw new LimitFailure(failure(String.format(Locale.ROOT, "the integrator could not keep its error "
                        + "within the tolerance %.0e: %,d evaluations of the right-hand side did not get past t = %.6g",
                        TOLERANCE, maxEvaluations, lastAccepted[0]), lastAccepted, null), e);
            } catch (LimitFailure e) {
                throw e;
            } catch (RuntimeException e) {
                // NumberIsTooSmallException (the step size underflowed), NoBracketingException from the event
                // or row search, ...: the library's wording says nothing about the limit, so it goes in the cause
                throw new LimitFailure(failure("the integrator stopped: its step size collapsed", lastAccepted, null),
                        e);
            }
            LimitModel.Evaluation endPoint = onManifold(yEnd, OUTPUT_PROJECTION_THRESHOLD, true);
            // without eta, the end event stopped the run within its convergence (1e-13) of the stop time
            boolean early = zetaEvent.fired || silenceEvent.fired;
            LimitRow end = new LimitRow(early ? yEnd[0] : stop, endPoint);
            OptionalDouble eta = zetaEvent.fired ? OptionalDouble.of(yEnd[0]) : OptionalDouble.empty();
            OptionalDouble silent = silenceEvent.fired && !zetaEvent.fired ? OptionalDouble.of(yEnd[0])
                    : OptionalDouble.empty();
            Map<String, Object> solver = new LinkedHashMap<>();
            solver.put("method", "Dormand-Prince 8(5,3) (Commons Math) in a time rescaled by det J_v; "
                    + "states projected onto F = 0 (Gauss-Newton); eta by event detection on zeta, and where a rate falls "
                    + "below 1e-8 of its bound");
            solver.put("relative_tolerance", TOLERANCE);
            solver.put("absolute_tolerance", TOLERANCE);
            solver.put("quadrature", "composite Gauss-Legendre, " + GaussianExpectation.NODES
                    + " points per panel, |z| <= " + GaussianExpectation.Z_MAX + " (erf: closed form)");
            solver.put("steps", stepCount);
            solver.put("rhs_evaluations", rhsCalls);
            solver.put("max_residual", maxResidual);
            return new Trajectory(List.copyOf(rows), end, eta, silent, maxResidual, solver);
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
                double[] y1 = interpolator.getInterpolatedState().clone();
                onManifold(y1, RHS_PROJECTION_THRESHOLD, true);
                lastAccepted = y1;
                double t1 = y1[0];
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
                    addRow(tk, onManifold(y, OUTPUT_PROJECTION_THRESHOLD, true));
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

        /** An event that ends the integration where its switching function g crosses 0, and says whether it did. */
        private abstract static class StopEvent implements EventHandler {
            boolean fired;

            @Override
            public void init(double t0, double[] y0, double t) {
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

        /** zeta = max Re eig J_v; stops the run when it reaches 0 (to within {@link #ZETA_EXIT}). */
        private final class ZetaEvent extends StopEvent {
            private final double margin;

            ZetaEvent(double margin) {
                this.margin = margin;
            }

            @Override
            public double g(double sigma, double[] y) {
                return onManifold(y, RHS_PROJECTION_THRESHOLD, false).zeta() + margin;
            }
        }

        /**
         * Stops the run when a rate Q_ab falls below {@link org.balnet.model.RateFunction#negligible()}: the
         * limit is falling silent, and a balance between vanished rates is rounding (the floor a balanced
         * point must clear at t = 0). Left to run, such a solve crawls (det J_v, and with it dt/dsigma, goes
         * to 0 with the rates) until the integrator gives up.
         */
        private final class SilenceEvent extends StopEvent {
            /** log of the smallest Q_ab / negligible_ab: 0 at the floor, positive above it. */
            @Override
            public double g(double sigma, double[] y) {
                LimitModel.Evaluation e = onManifold(y, RHS_PROJECTION_THRESHOLD, false);
                double smallest = Double.POSITIVE_INFINITY;
                for (Population t : Population.values()) {
                    for (Population u : Population.values()) {
                        smallest = Math.min(smallest, e.q(t, u) / model.rate(t, u).negligible());
                    }
                }
                // a rate that rounding has made 0 or negative is below the floor too
                return smallest > 0 ? Math.log(smallest) : -1.0;
            }
        }

        /** Stops the run when t reaches the last output time. */
        private final class EndEvent extends StopEvent {
            private final double stop;

            EndEvent(double stop) {
                this.stop = stop;
            }

            @Override
            public double g(double sigma, double[] y) {
                return y[0] - stop;
            }
        }
    }
}
