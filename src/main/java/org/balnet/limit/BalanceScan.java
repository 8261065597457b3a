package org.balnet.limit;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.balnet.model.Population;
import org.balnet.model.RateFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds every root of F(m, k) = 0 in m = (m_e, m_i) for fixed variances k, by a scan that cannot
 * skip a transversal root inside its range (unlike Newton from a grid of starts, which finds only
 * the roots whose basins the grid hits).
 *
 * <p>Why a one-dimensional scan suffices: every rate is strictly increasing, so with C_ei &gt; 0
 * the map m_i -&gt; C_ei G[f_ei](m_i, k_i) is strictly increasing and F_e = 0 fixes m_i = h(m_e)
 * uniquely (where C_ee G[f_ee](m_e, k_e) lies in its range). The roots of F are then the roots of
 * phi(m_e) = F_i(m_e, h(m_e)), and phi' = det J_v / (C_ei G[f_ei']) has the sign of det J_v: a
 * stable root (det J_v &gt; 0) is an upward crossing of phi. Beyond the saturation half-width of
 * f_ee and f_ie (where both are constant to 1e-16 for every Gaussian of variance k_e) phi is
 * constant, so no transversal root lies outside the scanned range.
 *
 * <p>The scan samples phi on {@value #POINTS} points graded like sinh (dense near 0, where the
 * rates turn, relative spacing about 3% far out), refines each sign change with Brent's method
 * and polishes it with two-dimensional Newton; at each local minimum of |phi| it samples more
 * finely, so that two close roots in one cell are not lost.
 */
final class BalanceScan {
    /** Number of scan points along m_e. */
    static final int POINTS = 401;
    /** Grading of the scan grid: points W sinh(a u)/sinh(a), u uniform in [-1, 1]. */
    private static final double GRADING = 6.0;
    /** Sub-samples around a local minimum of |phi|. */
    private static final int REFINE = 16;

    private final LimitModel model;
    private final double varianceE;
    private final double varianceI;
    private final RateFunction fEE, fEI, fIE, fII;
    private final double cEE, cEI, cIE, cII;
    private final double[] m = new double[3];

    /** Smallest |F| seen anywhere in the scan, and where. */
    double bestResidual = Double.POSITIVE_INFINITY;
    double bestMeanE = Double.NaN;
    double bestMeanI = Double.NaN;
    /** The scanned range of m_e, for messages. */
    double halfWidth;

    BalanceScan(LimitModel model, double varianceE, double varianceI) {
        this.model = model;
        this.varianceE = varianceE;
        this.varianceI = varianceI;
        fEE = model.rate(Population.E, Population.E);
        fEI = model.rate(Population.E, Population.I);
        fIE = model.rate(Population.I, Population.E);
        fII = model.rate(Population.I, Population.I);
        cEE = model.coupling(Population.E, Population.E);
        cEI = model.coupling(Population.E, Population.I);
        cIE = model.coupling(Population.I, Population.E);
        cII = model.coupling(Population.I, Population.I);
    }

    /** All distinct roots found, each polished to |F| at round-off. Needs all four couplings &gt; 0. */
    List<BalancedPoint.Root> roots() {
        halfWidth = 1.0 + 1.1 * Math.max(saturationHalfWidth(fEE, varianceE), saturationHalfWidth(fIE, varianceE));
        double[] grid = new double[POINTS];
        for (int j = 0; j < POINTS; j++) {
            double u = -1.0 + 2.0 * j / (POINTS - 1);
            grid[j] = halfWidth * StrictMath.sinh(GRADING * u) / StrictMath.sinh(GRADING);
        }
        double[] phi = new double[POINTS];
        double[] meanI = new double[POINTS];
        double guess = 0;
        for (int j = 0; j < POINTS; j++) {
            meanI[j] = curve(grid[j], guess);
            phi[j] = Double.isNaN(meanI[j]) ? Double.NaN : phi(grid[j], meanI[j]);
            if (!Double.isNaN(meanI[j])) {
                guess = meanI[j];
            }
        }
        List<double[]> brackets = new ArrayList<>();
        for (int j = 0; j + 1 < POINTS; j++) {
            if (signChange(phi[j], phi[j + 1])) {
                brackets.add(new double[]{grid[j], grid[j + 1], meanI[j]});
            }
            // a dip of |phi| that does not change sign may hide two roots in one cell
            if (j > 0 && isDip(phi[j - 1], phi[j], phi[j + 1])) {
                refine(grid[j - 1], grid[j + 1], meanI[j], brackets);
            }
            // where the curve F_e = 0 ends (m_i -> +-infinity) a root may lie before the end
            if (Double.isNaN(phi[j]) != Double.isNaN(phi[j + 1])) {
                boolean leftDefined = !Double.isNaN(phi[j]);
                refine(grid[j], grid[j + 1], leftDefined ? meanI[j] : meanI[j + 1], brackets);
            }
        }
        List<BalancedPoint.Root> roots = new ArrayList<>();
        for (double[] b : brackets) {
            BalancedPoint.Root r = rootIn(b[0], b[1], b[2]);
            if (r != null && roots.stream().noneMatch(o -> same(o, r))) {
                roots.add(r);
            }
        }
        return roots;
    }

    /**
     * How far from 0 the mean of a source must go before G[f] is constant to about 1e-16 for a
     * Gaussian of variance K: tanh(y) = +-1 to e^{-38} beyond |y| = 19, shifted by the Gaussian tail
     * E e^{2 c sqrt(K) Z} = e^{2 c^2 K}; logistic is a tanh at half the slope; for erf the closed form.
     */
    static double saturationHalfWidth(RateFunction f, double variance) {
        double c = f.slope();
        switch (f.family()) {
            case TANH:
                return 19.0 / c + c * variance;
            case LOGISTIC:
                return 38.0 / c + 0.5 * c * variance;
            case ERF:
                return 6.0 * Math.sqrt(1.0 / (c * c) + 2.0 * variance);
            default:
                throw new AssertionError(f.family());
        }
    }

    /**
     * m_i on the curve F_e = 0 at m_e, or NaN where C_ee G[f_ee](m_e) is outside the range of
     * C_ei G[f_ei] (then F_e has one sign for every m_i). Safeguarded Newton, started at {@code guess}.
     */
    double curve(double meanE, double guess) {
        GaussianExpectation.moments(fEE, meanE, varianceE, m);
        double target = cEE * m[0] / cEI;
        double scale = 1.0 / fEI.slope() + Math.sqrt(varianceI);
        if (!(target > fEI.lowerBound() && target < fEI.bound())) {
            noteUnreachable(meanE, target);
            return Double.NaN;
        }
        // bracket: g(x) = G[f_ei](x) - target is increasing
        double x = guess;
        double g = value(fEI, x, varianceI) - target;
        double lo, hi;
        double step = scale;
        if (g < 0) {
            lo = x;
            hi = x + step;
            while (value(fEI, hi, varianceI) - target < 0) {
                lo = hi;
                step *= 2;
                hi += step;
                if (step > 1e8 * scale) {
                    return Double.NaN;
                }
            }
        } else {
            hi = x;
            lo = x - step;
            while (value(fEI, lo, varianceI) - target > 0) {
                hi = lo;
                step *= 2;
                lo -= step;
                if (step > 1e8 * scale) {
                    return Double.NaN;
                }
            }
        }
        x = Math.min(Math.max(x, lo), hi);
        for (int it = 0; it < 200; it++) {
            GaussianExpectation.moments(fEI, x, varianceI, m);
            g = m[0] - target;
            if (g == 0) {
                return x;
            }
            if (g < 0) {
                lo = x;
            } else {
                hi = x;
            }
            double next = x - g / m[1];
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
            }
            if (Math.abs(next - x) <= 1e-15 * (1 + Math.abs(x)) || hi - lo <= 1e-15 * (1 + Math.abs(x))) {
                return next;
            }
            x = next;
        }
        return x;
    }

    /** F_i at (m_e, m_i) with m_i on the curve F_e = 0. */
    double phi(double meanE, double meanI) {
        double f = cIE * value(fIE, meanE, varianceE) - cII * value(fII, meanI, varianceI);
        if (Math.abs(f) < bestResidual) {
            bestResidual = Math.abs(f);
            bestMeanE = meanE;
            bestMeanI = meanI;
        }
        return f;
    }

    /** Off the curve, |F| is at least the gap between C_ee G[f_ee] and the range of C_ei G[f_ei]. */
    private void noteUnreachable(double meanE, double target) {
        double end = target <= fEI.lowerBound() ? fEI.lowerBound() : fEI.bound();
        double fE = cEI * (target - end);
        // the infimum over m_i is approached as m_i -> -+infinity, where f_ii saturates too
        double fiiEnd = target <= fEI.lowerBound() ? fII.lowerBound() : fII.bound();
        double fI = cIE * value(fIE, meanE, varianceE) - cII * fiiEnd;
        double r = Math.hypot(fE, fI);
        if (r < bestResidual) {
            bestResidual = r;
            bestMeanE = meanE;
            bestMeanI = target <= fEI.lowerBound() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
    }

    private double value(RateFunction f, double mean, double variance) {
        GaussianExpectation.moments(f, mean, variance, m);
        return m[0];
    }

    private static boolean signChange(double a, double b) {
        return (a < 0 && b > 0) || (a > 0 && b < 0) || (a == 0 && !Double.isNaN(b));
    }

    private static boolean isDip(double a, double b, double c) {
        return !Double.isNaN(a) && !Double.isNaN(c) && Math.abs(b) < Math.abs(a) && Math.abs(b) < Math.abs(c)
                && !signChange(a, b) && !signChange(b, c);
    }

    /** Samples [lo, hi] finely and adds the cells where phi changes sign. */
    private void refine(double lo, double hi, double guess, List<double[]> brackets) {
        double prevX = Double.NaN, prevPhi = Double.NaN, prevI = guess;
        for (int k = 0; k <= REFINE; k++) {
            double x = lo + (hi - lo) * k / REFINE;
            double mi = curve(x, prevI);
            double p = Double.isNaN(mi) ? Double.NaN : phi(x, mi);
            if (k > 0 && signChange(prevPhi, p)) {
                brackets.add(new double[]{prevX, x, Double.isNaN(mi) ? prevI : mi});
            }
            prevX = x;
            prevPhi = p;
            if (!Double.isNaN(mi)) {
                prevI = mi;
            }
        }
    }

    /** Brent's method on phi in [a, b], then Newton on F in two dimensions. Null if it fails. */
    private BalancedPoint.Root rootIn(double a, double b, double guessI) {
        double[] lastI = {guessI};
        BrentSolver brent = new BrentSolver(1e-14, 1e-14 * (1 + Math.max(Math.abs(a), Math.abs(b))));
        double meanE;
        try {
            meanE = brent.solve(500, x -> {
                double mi = curve(x, lastI[0]);
                if (Double.isNaN(mi)) {
                    return Double.NaN;
                }
                lastI[0] = mi;
                return phi(x, mi);
            }, a, b);
        } catch (RuntimeException e) {
            // NaN at an end of the curve: the bracket's end points were on it, so this is rare
            return null;
        }
        double meanI = curve(meanE, lastI[0]);
        if (Double.isNaN(meanI)) {
            return null;
        }
        return BalancedPoint.polish(model, meanE, meanI, varianceE, varianceI);
    }

    private static boolean same(BalancedPoint.Root a, BalancedPoint.Root b) {
        return Math.abs(a.meanE() - b.meanE()) <= 1e-8 * (1 + Math.abs(a.meanE()))
                && Math.abs(a.meanI() - b.meanI()) <= 1e-8 * (1 + Math.abs(a.meanI()));
    }
}
