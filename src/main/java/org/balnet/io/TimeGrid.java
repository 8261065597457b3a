package org.balnet.io;

import org.balnet.model.InputError;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Output times m * D written as the decimal a user expects: 3 * 0.01 prints as 0.03, not
 * 0.030000000000000002. The product is formed in decimal from D's shortest representation, then
 * rounded once to the nearest double.
 */
public final class TimeGrid {
    /**
     * Significant digits of a {@link #stepTime}: a step h = D / p is itself rounded, so m h misses the
     * decimal by up to 2.2e-16 relative, which rounding to 15 digits (half a unit: at least 5e-16
     * relative) always absorbs, and 16 digits do not.
     */
    private static final MathContext STEP_DIGITS = new MathContext(15);

    private final BigDecimal interval;

    public TimeGrid(double interval) {
        this.interval = new BigDecimal(Double.toString(interval));
    }

    /** The m-th output time. */
    public double time(long m) {
        return interval.multiply(BigDecimal.valueOf(m)).doubleValue();
    }

    /**
     * The m-th time on a grid whose interval is a time step h, which may itself be a rounded quotient
     * D / p: the decimal m h rounded to 15 significant digits, so that the steps of a record interval
     * land on its decimals (with h = 0.01 / 3, step 492 is at 1.64, not 1.6400000000000001). The simulator's
     * time after each step ({@code Simulation.step}), which rows between records (a departure from the
     * balanced state), messages and run.json print.
     */
    public double stepTime(long m) {
        return interval.multiply(BigDecimal.valueOf(m)).round(STEP_DIGITS).doubleValue();
    }

    /**
     * The end-time rule of every command: a run ends exactly at its end time T, on its last record,
     * so T must be a whole number of record intervals D (within 1e-9 relative, so that 5 / 0.01 counts
     * as 500). A T between two records is refused rather than rounded, because either rounding ends
     * the run somewhere the user did not ask for (before T, or past it, as 17 steps of 0.003 pass 0.05).
     *
     * @param tEnd     T &gt; 0
     * @param tKey     the option or key T came from, for the message ({@code --t-end})
     * @param interval D &gt; 0
     * @param dKey     the option or key D came from ({@code --record-every}, {@code --dt-out})
     * @return T / D, the index of the last record
     * @throws org.balnet.model.BadInputException CONFLICT naming both values and the nearest end times that fit
     */
    public static long records(double tEnd, String tKey, double interval, String dKey) {
        long k = multiple(tEnd, interval);
        if (k >= 1) {
            return k;
        }
        TimeGrid grid = new TimeGrid(interval);
        double ratio = tEnd / interval;
        long below = (long) Math.floor(ratio);
        String fits = below >= 1
                ? String.format(Locale.ROOT, "%s %s or %s", tKey, Json.number(grid.time(below)),
                Json.number(grid.time(below + 1)))
                : String.format(Locale.ROOT, "%s %s", tKey, Json.number(grid.time(1)));
        throw InputError.CONFLICT.exception(tKey, String.format(Locale.ROOT,
                "%s = %s is not a whole number of record intervals %s = %s (%s / %s = %.6g): a run ends exactly "
                        + "at its end time, on a recorded row; use %s, or a %s that divides %s",
                tKey, Json.number(tEnd), dKey, Json.number(interval), Json.number(tEnd), Json.number(interval), ratio,
                fits, dKey, Json.number(tEnd)));
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
