package org.balnet.model;

import org.apache.commons.math3.special.Erf;

import java.util.Locale;

/**
 * A rate (propensity) function f(x) = amplitude * (g(slope * x) + offset), with g one of the
 * {@link RateFamily} sigmoids. Immutable. Construction refuses parameters that let f reach 0 or go
 * negative anywhere (Hypothesis 3.1 needs 0 &lt; f &le; C_f), so every instance is a valid rate.
 */
public final class RateFunction {
    /**
     * A rate below this fraction of its bound C_f has vanished as far as balnet's arithmetic can tell:
     * f = a (g + offset) is computed with an absolute rounding error of about 1e-16 C_f (g + offset
     * cancels where g nears its infimum, and the Gaussian expectations inherit that), so a value under
     * 1e-8 C_f has fewer than 8 correct digits, and a balance C_ae Q_ae = C_ai Q_ai between such values
     * is decided by rounding. Balanced points are refused there, and a simulation stops there.
     */
    public static final double NEGLIGIBLE_FRACTION = 1e-8;

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private final RateFamily family;
    private final double amplitude;
    private final double offset;
    private final double slope;

    private RateFunction(RateFamily family, double amplitude, double offset, double slope) {
        this.family = family;
        this.amplitude = amplitude;
        this.offset = offset;
        this.slope = slope;
    }

    /**
     * @param where scenario key of this function, e.g. {@code "rates.ei"}, for error messages
     * @throws BadInputException if a parameter is not finite, amplitude or slope is not positive,
     *                           or the offset lets f reach 0
     */
    public static RateFunction of(RateFamily family, double amplitude, double offset, double slope, String where) {
        requirePositive(where + ".amplitude", amplitude);
        requirePositive(where + ".slope", slope);
        if (!Double.isFinite(offset)) {
            throw InputError.NOT_FINITE.exception(where + ".offset", where + ".offset", offset);
        }
        // g never attains its infimum, so f > 0 everywhere exactly when offset >= -inf g (the
        // paper's own tanh(c x) + 1 sits on that edge: positive, with infimum 0).
        if (!(offset + family.gInf >= 0)) {
            throw InputError.RATE_NOT_POSITIVE.exception(where + ".offset", where + ".offset",
                    String.format(Locale.ROOT,
                            "= %s lets the %s rate go negative (down to %s); rates must stay > 0, so offset must be >= %s",
                            offset, family.key, amplitude * (family.gInf + offset), -family.gInf));
        }
        return new RateFunction(family, amplitude, offset, slope);
    }

    private static void requirePositive(String key, double x) {
        if (!Double.isFinite(x)) {
            throw InputError.NOT_FINITE.exception(key, key, x);
        }
        if (!(x > 0)) {
            throw InputError.outOfRange(key, x, "> 0");
        }
    }

    public RateFamily family() {
        return family;
    }

    public double amplitude() {
        return amplitude;
    }

    public double offset() {
        return offset;
    }

    public double slope() {
        return slope;
    }

    /** C_f of (3.1): the supremum of f. */
    public double bound() {
        return amplitude * (family.gSup + offset);
    }

    /** The infimum of f, &ge; 0 by construction (and never attained). */
    public double lowerBound() {
        return amplitude * (family.gInf + offset);
    }

    /** The largest rate that counts as vanished: {@link #NEGLIGIBLE_FRACTION} C_f. */
    public double negligible() {
        return NEGLIGIBLE_FRACTION * bound();
    }

    /**
     * sup |f'| over the real line, at x = 0 for all three families: a c for tanh, a c / 4 for logistic,
     * 2 a c / sqrt(pi) for erf. The scale of f' and so of the absolute rounding of J_v's entries.
     */
    public double derivativeBound() {
        return Math.abs(derivative(0.0));
    }

    /** f(x). */
    public double value(double x) {
        return amplitude * (g(slope * x) + offset);
    }

    /** f'(x). */
    public double derivative(double x) {
        double y = slope * x;
        switch (family) {
            case TANH: {
                double t = Math.tanh(y);
                return amplitude * slope * (1.0 - t * t);
            }
            case LOGISTIC: {
                double s = logistic(y);
                return amplitude * slope * s * (1.0 - s);
            }
            case ERF:
                return amplitude * slope * TWO_OVER_SQRT_PI * Math.exp(-y * y);
            default:
                throw new AssertionError(family);
        }
    }

    /** f''(x). */
    public double secondDerivative(double x) {
        double y = slope * x;
        double c2 = slope * slope;
        switch (family) {
            case TANH: {
                double t = Math.tanh(y);
                return -2.0 * amplitude * c2 * t * (1.0 - t * t);
            }
            case LOGISTIC: {
                double s = logistic(y);
                return amplitude * c2 * s * (1.0 - s) * (1.0 - 2.0 * s);
            }
            case ERF:
                return -2.0 * amplitude * c2 * y * TWO_OVER_SQRT_PI * Math.exp(-y * y);
            default:
                throw new AssertionError(family);
        }
    }

    private double g(double y) {
        switch (family) {
            case TANH:
                return Math.tanh(y);
            case LOGISTIC:
                return logistic(y);
            case ERF:
                return Erf.erf(y);
            default:
                throw new AssertionError(family);
        }
    }

    private static double logistic(double y) {
        // Written so that neither branch overflows: e^{-y} for y >= 0, e^{y} for y < 0.
        if (y >= 0) {
            return 1.0 / (1.0 + Math.exp(-y));
        }
        double e = Math.exp(y);
        return e / (1.0 + e);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %s * (%s(%s x) + %s)", family.key, amplitude,
                family == RateFamily.LOGISTIC ? "logistic" : family.key, slope, offset);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RateFunction)) {
            return false;
        }
        RateFunction r = (RateFunction) o;
        return family == r.family && Double.compare(amplitude, r.amplitude) == 0
                && Double.compare(offset, r.offset) == 0 && Double.compare(slope, r.slope) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(family, amplitude, offset, slope);
    }
}
