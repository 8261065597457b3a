package org.balnet.rng;

/**
 * A double-double number hi + lo (|lo| at most half an ulp of hi), about 106 significant bits, with the
 * few operations {@link PoissonTable} needs to build its probabilities. Error-free transformations
 * (Dekker, Knuth; {@link Math#fma} gives a product's rounding error exactly), so every result is the
 * same on every JVM. Mutable, for allocation-free loops.
 */
final class DoubleDouble {
    double hi;
    double lo;

    DoubleDouble(double hi, double lo) {
        this.hi = hi;
        this.lo = lo;
    }

    DoubleDouble copy() {
        return new DoubleDouble(hi, lo);
    }

    /**
     * this := this * (a / b), the ratio a / b itself taken to double-double precision (its remainder
     * a - q b is exact by fma). Relative error a few units of 2^-106.
     */
    DoubleDouble multiplyByRatio(double a, double b) {
        double q = a / b;
        double qLow = Math.fma(-q, b, a) / b;
        double product = hi * q;
        double error = Math.fma(hi, q, -product) + (hi * qLow + lo * q);
        double sum = product + error;
        lo = error - (sum - product);
        hi = sum;
        return this;
    }

    /** this := this + (bHi + bLo), for nonnegative operands (no cancellation). */
    void add(double bHi, double bLo) {
        double s = hi + bHi;
        double v = s - hi;
        double error = (hi - (s - v)) + (bHi - v) + (lo + bLo);
        double sum = s + error;
        lo = error - (sum - s);
        hi = sum;
    }
}
