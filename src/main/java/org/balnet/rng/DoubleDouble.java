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
     * this := this * (q + qLow), a double-double factor (q + qLow a quotient and its remainder's
     * correction, |qLow| at most an ulp of q). Relative error a few units of 2^-106.
     */
    DoubleDouble multiply(double q, double qLow) {
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
