package org.balnet.limit;

/**
 * Output times t_k = k D for k = 0 .. last, the multiples of D in [0, T]. Each t_k is the double
 * nearest to the decimal product k x D, with D read as its shortest decimal form (0.1, not
 * 0.1000000000000000055...): never a running sum, which drifts (row 500 of D = 0.01 would be
 * 4.99999999999994), and not the binary product either, which prints 3 x 0.1 as 0.30000000000000004.
 * Public so that every balnet output (the simulator's trajectory.csv too) uses the same times, and
 * rows of different files join on t exactly.
 */
public final class OutputGrid {
    /** Largest number of rows a run may ask for. */
    public static final long MAX_ROWS = 1_000_000L;
    /** Relative slack for "T is a multiple of D" (T/D = 499.99999999999994 counts as 500). */
    private static final double SLACK = 1e-9;

    final double tEnd;
    final double dt;
    final long last;
    private final org.balnet.io.TimeGrid times;

    /**
     * @param tEnd T &gt; 0
     * @param dt   D &gt; 0, with T / D below {@link #MAX_ROWS}
     * @throws IllegalArgumentException otherwise
     */
    public OutputGrid(double tEnd, double dt) {
        if (!(tEnd > 0) || !Double.isFinite(tEnd)) {
            throw new IllegalArgumentException("end time must be finite and > 0, got " + tEnd);
        }
        if (!(dt > 0) || !Double.isFinite(dt)) {
            throw new IllegalArgumentException("output interval must be finite and > 0, got " + dt);
        }
        double ratio = tEnd / dt;
        if (!(ratio < MAX_ROWS)) {
            throw new IllegalArgumentException("T / D = " + ratio + " rows is more than " + MAX_ROWS);
        }
        this.tEnd = tEnd;
        this.dt = dt;
        this.last = (long) Math.floor(ratio * (1 + SLACK));
        this.times = new org.balnet.io.TimeGrid(dt);
    }

    /** Index of the last row: the largest k with k D &le; T (to a relative 1e-9). */
    public long last() {
        return last;
    }

    /** t_k, the double nearest to k x D. */
    public double time(long k) {
        return times.time(k);
    }

    /** Where the integration must stop so that the last row is inside it. */
    double stopTime() {
        return Math.max(tEnd, time(last));
    }

    /** Slack when comparing an integrator's end time with an output time. */
    double slack() {
        return SLACK * Math.max(1.0, tEnd);
    }
}
