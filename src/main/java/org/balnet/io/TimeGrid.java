package org.balnet.io;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Output times m * D written as the decimal a user expects: 3 * 0.01 prints as 0.03, not
 * 0.030000000000000002. The product is formed in decimal from D's shortest representation, then
 * rounded once to the nearest double.
 */
public final class TimeGrid {
    private final BigDecimal interval;

    public TimeGrid(double interval) {
        this.interval = new BigDecimal(Double.toString(interval));
    }

    /** The m-th output time. */
    public double time(long m) {
        return interval.multiply(BigDecimal.valueOf(m)).doubleValue();
    }

    /**
     * Where the row at time {@code t} exactly is in rows sorted by time, or -1. Rows of different
     * balnet outputs join this way: every one computes its record times with a TimeGrid, so equal
     * times are equal doubles.
     */
    public static <T> int indexOf(List<T> rows, ToDoubleFunction<? super T> time, double t) {
        int lo = 0;
        int hi = rows.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            double tm = time.applyAsDouble(rows.get(mid));
            if (tm < t) {
                lo = mid + 1;
            } else if (tm > t) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /**
     * The number k with k * unit = total, when total is (within 1e-9 relative) an integer multiple of
     * unit; -1 otherwise.
     */
    public static long multiple(double total, double unit) {
        double r = total / unit;
        long k = Math.round(r);
        return Math.abs(r - k) <= 1e-9 * Math.max(1.0, r) ? k : -1;
    }
}
