package org.balnet.sim;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The rate functions' sigmoids and their derivatives in 60-digit decimal arithmetic, as references
 * for the double versions: e^x by Taylor series after halving x, erf by its Taylor series.
 */
final class HighPrecision {
    static final MathContext MC = new MathContext(60);
    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863");
    static final BigDecimal TWO_OVER_SQRT_PI = BigDecimal.valueOf(2).divide(PI.sqrt(MC), MC);
    /** Beyond this |y| the sigmoids are within 1e-300 of their limits: no double can tell. */
    private static final double SATURATED = 700;
    /** erf(6) = 1 - 2.2e-17; beyond it the series would need many more digits, and 1 is within 2.2e-17. */
    private static final double ERF_SERIES_LIMIT = 6;

    private HighPrecision() {
    }

    /** e^x for x &le; 0. */
    static BigDecimal exp(BigDecimal x) {
        int halvings = 0;
        while (x.abs().compareTo(new BigDecimal("0.001")) > 0) {
            x = x.divide(BigDecimal.valueOf(2), MC);
            halvings++;
        }
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int k = 1; k <= 16; k++) { // |x| <= 1e-3: the 17th term is below 1e-65
            term = term.multiply(x, MC).divide(BigDecimal.valueOf(k), MC);
            sum = sum.add(term, MC);
        }
        for (int i = 0; i < halvings; i++) {
            sum = sum.multiply(sum, MC);
        }
        return sum;
    }

    /** {g(y), g'(y)} for the family, y = c u formed exactly. */
    static BigDecimal[] sigmoid(String family, double c, double u) {
        BigDecimal y = new BigDecimal(c).multiply(new BigDecimal(u));
        double yd = y.doubleValue();
        int sign = y.signum();
        BigDecimal ay = y.abs();
        switch (family) {
            case "tanh": {
                if (Math.abs(yd) > SATURATED) {
                    return new BigDecimal[]{BigDecimal.valueOf(sign), BigDecimal.ZERO};
                }
                BigDecimal z = exp(ay.multiply(BigDecimal.valueOf(-2)));
                BigDecimal onePlusZ = BigDecimal.ONE.add(z);
                BigDecimal t = BigDecimal.ONE.subtract(z).divide(onePlusZ, MC);
                BigDecimal d = z.multiply(BigDecimal.valueOf(4)).divide(onePlusZ.multiply(onePlusZ), MC);
                return new BigDecimal[]{sign < 0 ? t.negate() : t, d};
            }
            case "logistic": {
                if (Math.abs(yd) > SATURATED) {
                    return new BigDecimal[]{sign > 0 ? BigDecimal.ONE : BigDecimal.ZERO, BigDecimal.ZERO};
                }
                BigDecimal z = exp(ay.negate());
                BigDecimal onePlusZ = BigDecimal.ONE.add(z);
                BigDecimal g = (sign >= 0 ? BigDecimal.ONE : z).divide(onePlusZ, MC);
                return new BigDecimal[]{g, z.divide(onePlusZ.multiply(onePlusZ), MC)};
            }
            case "erf": {
                BigDecimal d = Math.abs(yd) > 30 ? BigDecimal.ZERO
                        : TWO_OVER_SQRT_PI.multiply(exp(y.multiply(y).negate()), MC);
                if (Math.abs(yd) > ERF_SERIES_LIMIT) {
                    return new BigDecimal[]{BigDecimal.valueOf(sign), d};
                }
                // erf(y) = 2/sqrt(pi) sum_n (-1)^n y^(2n+1) / (n! (2n+1)); terms reach 1e14 at y = 6.
                MathContext wide = new MathContext(90);
                BigDecimal y2 = y.multiply(y);
                BigDecimal power = y;
                BigDecimal sum = BigDecimal.ZERO;
                for (int n = 0; n < 400; n++) {
                    BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), wide);
                    sum = n % 2 == 0 ? sum.add(term, wide) : sum.subtract(term, wide);
                    power = power.multiply(y2, wide).divide(BigDecimal.valueOf(n + 1), wide);
                    if (n > 10 && term.abs().compareTo(new BigDecimal("1e-70")) < 0) {
                        break;
                    }
                }
                return new BigDecimal[]{TWO_OVER_SQRT_PI.multiply(sum, MC), d};
            }
            default:
                throw new IllegalArgumentException(family);
        }
    }
}
