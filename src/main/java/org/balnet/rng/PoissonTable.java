package org.balnet.rng;

import java.nio.ByteBuffer;

/**
 * Poisson(λ) by inversion of one 64-bit word through an integer table: the sampler for the shared λ
 * of a step, built once per step and pair on the host and read by every neuron of the target
 * population (kernels/poisson_table.cl reads the same table on a device).
 *
 * <h2>The table</h2>
 * The counts L..R around the mode, plus up to two <em>escape cells</em> for the tails k &lt; L and
 * k &gt; R, split the 2^64 values of a word into cells, one per count, in count order. Each cell's
 * width is its probability in units of 2^-64, a 64-bit integer; the widths sum to 2^64 exactly
 * (largest-remainder rounding of the exact widths, every cell at least one unit, so that no count of
 * positive probability becomes impossible). A draw finds the cell holding its word: a guide table
 * indexed by the word's top bits gives the first cell that can hold it, and a short scan of unsigned
 * 64-bit comparisons ({@link Long#compareUnsigned}) the cell itself; no floating point is involved, so a
 * device reading the same table draws the same count from the same word.
 *
 * <p>[L, R] is the smallest range around the mode whose tails, on each side, have mass at most
 * {@link #TAIL_MASS} = 2^-32 (checked with a geometric bound on the tail); so a draw escapes with
 * probability at most 2^-31 (about 4.7e-10: one draw in two billion; at n = 1e9 neurons, about one
 * escape per step). A table has about 12.6 σ = 12.6 sqrt(λ) cells, and building it costs O(sqrt(λ)).
 *
 * <h2>Escapes: the tails are not truncated</h2>
 * A word in an escape cell is completed exactly from the tail's conditional law by sequential
 * search: one uniform u from the pair's own counter stream, and the walk from the table's edge
 * outwards, P(R+1), P(R+2) = P(R+1) λ/(R+2), ... (or P(L-1), P(L-2) = P(L-1) (L-1)/λ, ... below),
 * until the running sum reaches u times the tail's mass. The build sums the tail with exactly those
 * operations until its terms no longer change the sum, so the walk ends by that count at the latest.
 * The walk is double arithmetic with + * / only, correctly rounded on the host and on any OpenCL
 * device, so escapes too give the same counts everywhere.
 *
 * <h2>What "exact" means here</h2>
 * The probabilities come from {@link PoissonPmf#saddlePoint} at the mode, extended to the other
 * counts by the recurrences P(k+1) = P(k) λ/(k+1) and P(k-1) = P(k) k/λ in double-double arithmetic
 * (error about 1e-32 per step): each is within about 1e-15 relative of the true P(k) (tested
 * against mpmath to 1e-14). Rounding each cell to a whole number of 2^-64 units moves it by less
 * than one unit (two for the few cells raised to the minimum). So the law drawn is within total
 * variation {@link #roundingTotalVariation()} + 1e-14 of Poisson(λ): the first term is at most
 * C 2^-65 for C cells (6e-18 at λ = 5000, 2.7e-15 at 1e9, 8.5e-14 at 1e12). A sample of N draws can tell laws
 * apart only at a total variation of order N^-1/2, so no simulation comes near this.
 *
 * <p>Immutable; one instance serves every thread (each with its own {@link CounterRng}).
 *
 * <p>Twin: {@code poisson_table}, {@code poisson_table_load}, {@code poisson_table_cell_*} and
 * {@code poisson_table_count} in {@code kernels/poisson_table.cl}, which read {@link #export}.
 */
public final class PoissonTable {
    /** Largest mass of either tail left to the escape cells: 2^-32. */
    public static final double TAIL_MASS = 0x1.0p-32;

    /** Longs of a table's header in {@link #export}: the fields of {@code poisson_table}. */
    public static final int HEADER_LONGS = 8;
    /** Doubles {@link #exportDoubles} writes: λ and the two tails' start values and masses. */
    public static final int EXPORT_DOUBLES = 5;
    // Header fields, in longs from the table's start; the twin reads them in this order.
    static final int HEADER_CELLS = 0;
    static final int HEADER_FIRST = 1;
    static final int HEADER_LOW_CELLS = 2;
    static final int HEADER_HIGH = 3;
    static final int HEADER_GUIDE_SHIFT = 4;
    static final int HEADER_LOW_TAIL_END = 5;
    static final int HEADER_HIGH_TAIL_END = 6;
    static final int HEADER_GUIDE_ENTRIES = 7;
    // Where exportDoubles puts each value; the twin reads them by these names (POISSON_TABLE_*).
    private static final int DOUBLE_LAMBDA = 0;
    private static final int DOUBLE_LOW_TAIL_START = 1;
    private static final int DOUBLE_LOW_TAIL_MASS = 2;
    private static final int DOUBLE_HIGH_TAIL_START = 3;
    private static final int DOUBLE_HIGH_TAIL_MASS = 4;

    private static final double TWO_TO_64 = 0x1.0p64;
    private static final double TWO_TO_63 = 0x1.0p63;

    private final double lambda;
    /** L: the smallest count with its own cell. */
    private final long low;
    /** R: the largest count with its own cell. */
    private final long high;
    /** 1 when counts below L have probability (L &gt; 0): cell 0 is then the lower escape cell. */
    private final int lowCells;
    /** The count of cell 0 (L - lowCells); cell c holds count first + c. */
    private final long first;
    /** Number of cells, escape cells included. */
    private final int cells;
    /**
     * bounds[c] = the first word of cell c + 1, unsigned, strictly increasing, for c &lt; cells - 1; the
     * last entry is unused.
     */
    private final long[] bounds;
    /** guide[j] = the first cell that can hold a word whose top bits are j. */
    private final int[] guide;
    private final int guideShift;
    private final double lowTailStart;
    private final double lowTailMass;
    private final long lowTailEnd;
    private final double highTailStart;
    private final double highTailMass;
    private final long highTailEnd;
    private final double roundingTotalVariation;

    private PoissonTable(double lambda, long low, long high, int lowCells, long[] bounds, int[] guide,
                         int guideShift, double lowTailStart, double lowTailMass, long lowTailEnd,
                         double highTailStart, double highTailMass, long highTailEnd, double roundingTotalVariation) {
        this.lambda = lambda;
        this.low = low;
        this.high = high;
        this.lowCells = lowCells;
        this.first = low - lowCells;
        this.cells = bounds.length;
        this.bounds = bounds;
        this.guide = guide;
        this.guideShift = guideShift;
        this.lowTailStart = lowTailStart;
        this.lowTailMass = lowTailMass;
        this.lowTailEnd = lowTailEnd;
        this.highTailStart = highTailStart;
        this.highTailMass = highTailMass;
        this.highTailEnd = highTailEnd;
        this.roundingTotalVariation = roundingTotalVariation;
    }

    /**
     * Builds the table of Poisson(λ), with tails of mass at most {@link #TAIL_MASS} on either side.
     *
     * @param lambda the mean, in [0, {@link PoissonSampler#MAX_LAMBDA}]
     * @throws IllegalArgumentException if λ is NaN or outside that range
     */
    public static PoissonTable build(double lambda) {
        return build(lambda, TAIL_MASS);
    }

    /**
     * A table whose tails may hold up to {@code tailMass} on either side: tests force escapes with a
     * short table (tailMass near 1/2 leaves little more than the mode).
     */
    static PoissonTable build(double lambda, double tailMass) {
        if (!(lambda >= 0 && lambda <= PoissonSampler.MAX_LAMBDA)) {
            throw new IllegalArgumentException("lambda = " + lambda + ": must be in [0, " + PoissonSampler.MAX_LAMBDA
                    + "]");
        }
        if (!(tailMass > 0 && tailMass < 1)) {
            throw new IllegalArgumentException("tail mass " + tailMass + ": must be in (0, 1)");
        }
        if (lambda == 0) {
            // The point mass at 0: one cell, all words; no tail has probability.
            return new PoissonTable(0, 0, 0, 0, new long[1], new int[2], Long.SIZE - 1, 0, 0, 0, 0, 0, 0, 0);
        }
        return new Builder(lambda, tailMass).build();
    }

    /** The mean. */
    public double lambda() {
        return lambda;
    }

    /** L, the smallest count with its own cell. */
    public long low() {
        return low;
    }

    /** R, the largest count with its own cell. */
    public long high() {
        return high;
    }

    /** Number of cells: R - L + 1 counts and the escape cells. */
    public int cells() {
        return cells;
    }

    /** Probability that a draw escapes to a tail: the escape cells' widths over 2^64. */
    public double escapeProbability() {
        double units = 0;
        if (lowCells > 0) {
            units += unsignedToDouble(width(first));
        }
        if (first + cells - 1 > high) {
            units += unsignedToDouble(width(high + 1));
        }
        return units * 0x1.0p-64;
    }

    /**
     * Half the sum over cells of |width - 2^64 P|, in probability: the total variation between the
     * table's law and the one its double-double probabilities describe (escape cells counted by their
     * tails' masses).
     */
    public double roundingTotalVariation() {
        return roundingTotalVariation;
    }

    /**
     * The probability the table gives count k, in units of 2^-64 (k in [L, R]; the escape cells'
     * widths for k = L - 1 and R + 1), as an unsigned value.
     */
    long width(long k) {
        int c = (int) (k - first);
        long start = c == 0 ? 0 : bounds[c - 1];
        long end = c == cells - 1 ? 0 : bounds[c];
        return end - start;
    }

    /**
     * The cell holding a word: the guide's first candidate, then unsigned comparisons.
     * Twin: poisson_table_cell_global / _local.
     */
    int cell(long word) {
        int c = guide[(int) (word >>> guideShift)];
        int last = cells - 1;
        while (c < last && Long.compareUnsigned(word, bounds[c]) >= 0) {
            c++;
        }
        return c;
    }

    /**
     * The count of one draw. Twin: poisson_table_cell_* and poisson_table_count.
     *
     * @param word   a uniform 64-bit word, the draw's own (counter layout 2: one word of the step block)
     * @param tail   a generator with this run's seed, used only when the word falls in an escape cell:
     *               it is then moved to (step, neuron, stream) and its uniforms complete the draw
     * @param step   the step, for the escape's address
     * @param neuron the neuron, for the escape's address
     * @param stream the escape's stream ({@link CounterRng#streamPair})
     */
    public long sample(long word, CounterRng tail, long step, long neuron, int stream) {
        int c = cell(word);
        if (c < lowCells) {
            tail.seek(step, neuron, stream);
            return lowerTail(tail.nextUniform());
        }
        long k = first + c;
        if (k > high) {
            tail.seek(step, neuron, stream);
            return upperTail(tail.nextUniform());
        }
        return k;
    }

    /** A count below L from the lower tail's conditional law, by sequential search from L - 1 down. */
    long lowerTail(double u) {
        double target = u * lowTailMass;
        long k = low - 1;
        double p = lowTailStart;
        double cum = p;
        while (cum < target && k > lowTailEnd) {
            p = p * k / lambda;
            k--;
            cum += p;
        }
        return k;
    }

    /** A count above R from the upper tail's conditional law, by sequential search from R + 1 up. */
    long upperTail(double u) {
        double target = u * highTailMass;
        long k = high + 1;
        double p = highTailStart;
        double cum = p;
        while (cum < target && k < highTailEnd) {
            k++;
            p = p * lambda / k;
            cum += p;
        }
        return k;
    }

    /**
     * The export's header offsets, the places of {@link #exportDoubles}' values and the widths, for
     * the generated header of the kernels (poisson_table.cl).
     */
    public static String openClDefines() {
        return new OpenClDefines("PoissonTable: the layout of an exported table")
                .define("POISSON_TABLE_HEADER_LONGS", HEADER_LONGS)
                .define("POISSON_TABLE_CELLS", HEADER_CELLS)
                .define("POISSON_TABLE_FIRST", HEADER_FIRST)
                .define("POISSON_TABLE_LOW_CELLS", HEADER_LOW_CELLS)
                .define("POISSON_TABLE_HIGH", HEADER_HIGH)
                .define("POISSON_TABLE_GUIDE_SHIFT", HEADER_GUIDE_SHIFT)
                .define("POISSON_TABLE_LOW_TAIL_END", HEADER_LOW_TAIL_END)
                .define("POISSON_TABLE_HIGH_TAIL_END", HEADER_HIGH_TAIL_END)
                .define("POISSON_TABLE_GUIDE_ENTRIES", HEADER_GUIDE_ENTRIES)
                .define("POISSON_TABLE_EXPORT_DOUBLES", EXPORT_DOUBLES)
                .define("POISSON_TABLE_LAMBDA", DOUBLE_LAMBDA)
                .define("POISSON_TABLE_LOW_TAIL_START", DOUBLE_LOW_TAIL_START)
                .define("POISSON_TABLE_LOW_TAIL_MASS", DOUBLE_LOW_TAIL_MASS)
                .define("POISSON_TABLE_HIGH_TAIL_START", DOUBLE_HIGH_TAIL_START)
                .define("POISSON_TABLE_HIGH_TAIL_MASS", DOUBLE_HIGH_TAIL_MASS)
                .toString();
    }

    /** Bytes {@link #export} writes: the header and bounds as longs, the guide as ints, padded to 8. */
    public int exportBytes() {
        return Long.BYTES * (HEADER_LONGS + cells - 1) + Integer.BYTES * guide.length
                + (guide.length % 2) * Integer.BYTES;
    }

    /**
     * Writes the table at {@code byteOffset} (a multiple of 8) of {@code dst}, in dst's byte order:
     * the header longs (cells, first count, lower escape cells, R, guide shift, the two tails' last
     * counts, guide entries), the cells - 1 bounds, then the guide as 32-bit ints.
     */
    public void export(ByteBuffer dst, int byteOffset) {
        long[] header = new long[HEADER_LONGS];
        header[HEADER_CELLS] = cells;
        header[HEADER_FIRST] = first;
        header[HEADER_LOW_CELLS] = lowCells;
        header[HEADER_HIGH] = high;
        header[HEADER_GUIDE_SHIFT] = guideShift;
        header[HEADER_LOW_TAIL_END] = lowTailEnd;
        header[HEADER_HIGH_TAIL_END] = highTailEnd;
        header[HEADER_GUIDE_ENTRIES] = guide.length;
        int at = byteOffset;
        for (long h : header) {
            dst.putLong(at, h);
            at += Long.BYTES;
        }
        for (int c = 0; c < cells - 1; c++) {
            dst.putLong(at, bounds[c]);
            at += Long.BYTES;
        }
        for (int g : guide) {
            dst.putInt(at, g);
            at += Integer.BYTES;
        }
    }

    /** Writes λ, P(L-1), the lower tail's mass, P(R+1), the upper tail's mass to dst[offset ..]. */
    public void exportDoubles(double[] dst, int offset) {
        dst[offset + DOUBLE_LAMBDA] = lambda;
        dst[offset + DOUBLE_LOW_TAIL_START] = lowTailStart;
        dst[offset + DOUBLE_LOW_TAIL_MASS] = lowTailMass;
        dst[offset + DOUBLE_HIGH_TAIL_START] = highTailStart;
        dst[offset + DOUBLE_HIGH_TAIL_MASS] = highTailMass;
    }

    static double unsignedToDouble(long x) {
        double d = (double) (x >>> 1) * 2;
        return d + (x & 1);
    }

    /**
     * Builds a table in two passes over the counts, each walking outwards from the mode with the same
     * double-double recurrence (so both see the same values): the first finds [L, R] and the total
     * mass, the second turns each cell into whole units of 2^-64. Nothing of size R - L is kept but
     * the widths and their remainders.
     */
    private static final class Builder {
        private final double lambda;
        private final double tailMass;
        private final PmfWalk walk;
        private final long mode;
        private long low;
        private long high;
        private double lowTailStart;
        private double highTailStart;

        Builder(double lambda, double tailMass) {
            this.lambda = lambda;
            this.tailMass = tailMass;
            this.walk = new PmfWalk(lambda);
            this.mode = walk.mode;
        }

        PoissonTable build() {
            DoubleDouble total = findRange();
            // The tails, summed with the escape walk's own operations (PoissonTable.lowerTail/upperTail).
            long lowTailEnd = 0;
            double lowTailMass = 0;
            if (low > 0) {
                long k = low - 1;
                double p = lowTailStart;
                double cum = p;
                while (k > 0) {
                    double q = p * k / lambda;
                    if (cum + q == cum) {
                        break;
                    }
                    k--;
                    p = q;
                    cum += p;
                }
                lowTailEnd = k;
                lowTailMass = cum;
            }
            long highTailEnd;
            double highTailMass;
            {
                long k = high + 1;
                double p = highTailStart;
                double cum = p;
                while (true) {
                    double q = p * lambda / (k + 1);
                    if (cum + q == cum) {
                        break;
                    }
                    k++;
                    p = q;
                    cum += p;
                }
                highTailEnd = k;
                highTailMass = cum;
            }
            total.add(lowTailMass, 0);
            total.add(highTailMass, 0);

            int lowCells = low > 0 ? 1 : 0;
            long atoms = high - low + 1;
            long cellCount = lowCells + atoms + 1;
            if (cellCount > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a Poisson table of " + cellCount + " cells for lambda = " + lambda);
            }
            int cells = (int) cellCount;
            long[] widths = new long[cells];
            double[] remainders = new double[cells];
            Units units = new Units(total);
            if (lowCells > 0) {
                units.set(widths, remainders, 0, lowTailMass, 0);
            }
            // The counts, recomputed by the first pass's recurrence: the mode and upwards, then downwards.
            DoubleDouble p = walk.atMode();
            units.set(widths, remainders, lowCells + (int) (mode - low), p.hi, p.lo);
            for (long k = mode; k < high; k++) {
                walk.up(p, k);
                units.set(widths, remainders, lowCells + (int) (k + 1 - low), p.hi, p.lo);
            }
            p = walk.atMode();
            for (long k = mode; k > low; k--) {
                walk.down(p, k);
                units.set(widths, remainders, lowCells + (int) (k - 1 - low), p.hi, p.lo);
            }
            units.set(widths, remainders, cells - 1, highTailMass, 0);
            double rounding = distribute(widths, remainders);

            // The widths become the bounds in place: bounds[c] = the first word of cell c + 1; the last
            // entry, 2^64 = 0, is never read.
            long[] bounds = widths;
            long sum = 0;
            for (int c = 0; c < cells - 1; c++) {
                long next = sum + widths[c];
                if (Long.compareUnsigned(next, sum) <= 0) {
                    throw new IllegalStateException("Poisson table for lambda = " + lambda + ": cell " + c
                            + " has no width or the bounds overflow");
                }
                sum = next;
                bounds[c] = sum;
            }
            if (sum + widths[cells - 1] != 0) {
                throw new IllegalStateException("Poisson table for lambda = " + lambda + ": widths do not sum to 2^64");
            }
            bounds[cells - 1] = 0;
            int guideBits = Math.max(1, Long.SIZE - Long.numberOfLeadingZeros(cells - 1L));
            int guideShift = Long.SIZE - guideBits;
            int[] guide = new int[1 << guideBits];
            // guide[j] is the first cell c with bounds[c] > j 2^shift, that is with
            // (bounds[c] - 1) >>> shift >= j: each cell takes the guide entries up to its own.
            int j = 0;
            for (int c = 0; c < cells - 1; c++) {
                long top = (bounds[c] - 1) >>> guideShift;
                while (j <= top) {
                    guide[j++] = c;
                }
            }
            while (j < guide.length) {
                guide[j++] = cells - 1;
            }
            return new PoissonTable(lambda, low, high, lowCells, bounds, guide, guideShift, lowTailStart,
                    lowTailMass, lowTailEnd, highTailStart, highTailMass, highTailEnd, rounding);
        }

        /**
         * Walks up from the mode while the upper tail may hold more than tailMass (its mass is at most
         * P(R+1) / (1 - λ/(R+2)): the terms shrink by λ/(k+1) at least that fast), then down likewise
         * (at most P(L-1) / (1 - (L-1)/λ)); returns the sum of P(L..R).
         */
        private DoubleDouble findRange() {
            DoubleDouble total = walk.atMode();
            long r = mode;
            DoubleDouble next = walk.up(walk.atMode(), r);
            // P(R+1) above tailMass already settles it; the bound's two divisions are needed near the edge only.
            while (next.hi > tailMass || next.hi / (1 - lambda / (r + 2)) > tailMass) {
                r++;
                total.add(next.hi, next.lo);
                walk.up(next, r);
            }
            high = r;
            highTailStart = next.hi;
            long l = mode;
            DoubleDouble previous = l > 0 ? walk.down(walk.atMode(), l) : null;
            while (l > 0 && (previous.hi > tailMass || previous.hi / (1 - (l - 1) / lambda) > tailMass)) {
                l--;
                total.add(previous.hi, previous.lo);
                if (l > 0) {
                    walk.down(previous, l);
                }
            }
            low = l;
            lowTailStart = l > 0 ? previous.hi : 0;
            return total;
        }

        /**
         * Largest-remainder rounding: widths hold the floors of the exact widths and remainders their
         * fractional parts. Cells of width 0 get one unit (no count of positive probability becomes
         * impossible); then the units still missing to 2^64 go to the largest remainders (ties to the
         * lower cell), or any excess is taken from the widest cell. Returns the total variation of the
         * rounding.
         */
        private double distribute(long[] widths, double[] remainders) {
            int cells = widths.length;
            byte[] adjust = new byte[cells];
            long sum = 0;
            for (int c = 0; c < cells; c++) {
                if (widths[c] == 0) {
                    adjust[c] = 1;
                }
                sum += widths[c] + adjust[c];
            }
            // The widths sum to 2^64 - missing; modulo 2^64 the sum is -missing, and |missing| <= cells + 1.
            long missing = -sum;
            if (missing > cells || missing < -(cells + 1L)) {
                throw new IllegalStateException("Poisson table for lambda = " + lambda + ": the rounded widths miss "
                        + "2^64 by " + missing + " units");
            }
            if (missing > 0) {
                double threshold = largestRemainderThreshold(remainders, adjust, (int) missing);
                int given = 0;
                for (int c = 0; c < cells; c++) {
                    if (adjust[c] == 0 && remainders[c] > threshold) {
                        adjust[c] = 1;
                        given++;
                    }
                }
                for (int c = 0; c < cells && given < missing; c++) {
                    if (adjust[c] == 0 && remainders[c] == threshold) {
                        adjust[c] = 1;
                        given++;
                    }
                }
            } else if (missing < 0) {
                int widest = 0;
                for (int c = 1; c < cells; c++) {
                    if (Long.compareUnsigned(widths[c], widths[widest]) > 0) {
                        widest = c;
                    }
                }
                adjust[widest] += (byte) missing;
            }
            double units = 0;
            for (int c = 0; c < cells; c++) {
                widths[c] += adjust[c];
                units += Math.abs(adjust[c] - remainders[c]);
            }
            return 0.5 * units * 0x1.0p-64;
        }
    }

    /**
     * The probabilities of a table, outwards from the mode m = floor(λ): P(m) in Loader's saddle-point
     * form ({@link PoissonPmf#saddlePoint}), accurate there to a few ulps because its exponent is
     * small, then P(k+1) = P(k) λ/(k+1) upwards and P(k-1) = P(k) k/λ downwards in double-double, which
     * adds about 1e-32 of relative error per step: 1e-25 after the 6e6 steps of the widest table.
     */
    static final class PmfWalk {
        final double lambda;
        final long mode;
        private final double anchor;
        /** 1/λ: the quotients' remainders are divided by λ by multiplying (one division a step, not two). */
        private final double inverseLambda;

        PmfWalk(double lambda) {
            this.lambda = lambda;
            this.mode = (long) lambda; // floor(λ), a mode of Poisson(λ)
            this.anchor = PoissonPmf.saddlePoint(mode, lambda);
            this.inverseLambda = 1 / lambda;
        }

        /** A new value holding P(mode). */
        DoubleDouble atMode() {
            return new DoubleDouble(anchor, 0);
        }

        /**
         * p := P(k + 1), given p = P(k): times λ/(k+1) in double-double. The quotient q is correctly
         * rounded, so its remainder λ - q (k+1) is exact (fma); the remainder over k+1 is
         * remainder * q / λ to within an ulp of its own, which is far below an ulp of q.
         */
        DoubleDouble up(DoubleDouble p, long k) {
            double b = k + 1;
            double q = lambda / b;
            double remainder = Math.fma(-q, b, lambda);
            return p.multiply(q, remainder * q * inverseLambda);
        }

        /** p := P(k - 1), given p = P(k), k &ge; 1: times k/λ in double-double, as {@link #up}. */
        DoubleDouble down(DoubleDouble p, long k) {
            double a = k;
            double q = a / lambda;
            double remainder = Math.fma(-q, lambda, a);
            return p.multiply(q, remainder * inverseLambda);
        }

        /**
         * P(k) at the given counts (ascending) as the table computes them, rounded to double: one walk
         * up from the mode and one down. For tests.
         */
        double[] probabilities(long[] ascending) {
            double[] out = new double[ascending.length];
            DoubleDouble p = atMode();
            long k = mode;
            for (int i = 0; i < ascending.length; i++) {
                for (; k < ascending[i]; k++) {
                    up(p, k);
                }
                if (ascending[i] == k) {
                    out[i] = p.hi;
                }
            }
            p = atMode();
            k = mode;
            for (int i = ascending.length - 1; i >= 0; i--) {
                if (ascending[i] > mode) {
                    continue;
                }
                for (; k > ascending[i]; k--) {
                    down(p, k);
                }
                out[i] = p.hi;
            }
            return out;
        }
    }

    /** Exact widths 2^64 P / total as whole units and remainders, from double-double probabilities. */
    private static final class Units {
        /** 2^64 / total in double-double (the scaling by 2^64 is exact). */
        private final double scaleHi;
        private final double scaleLo;

        Units(DoubleDouble total) {
            double q1 = 1 / total.hi;
            double product = total.hi * q1;
            double productError = Math.fma(total.hi, q1, -product) + total.lo * q1;
            double q2 = ((1 - product) - productError) / total.hi;
            double hi = q1 + q2;
            this.scaleLo = (q2 - (hi - q1)) * TWO_TO_64;
            this.scaleHi = hi * TWO_TO_64;
        }

        void set(long[] widths, double[] remainders, int cell, double hi, double lo) {
            // x = (hi + lo) * 2^64 / total in double-double
            double product = hi * scaleHi;
            double error = Math.fma(hi, scaleHi, -product) + (hi * scaleLo + lo * scaleHi);
            double xh = product + error;
            double xl = error - (xh - product);
            long whole;
            double fraction;
            if (xh >= TWO_TO_64) {
                // A cell with (nearly) all the mass: the most a width can hold; distribute() takes the excess.
                whole = -1L;
                fraction = 0;
            } else if (Math.floor(xh) == xh) {
                double floorLow = Math.floor(xl);
                whole = (xh >= TWO_TO_63 ? (long) (xh - TWO_TO_63) ^ Long.MIN_VALUE : (long) xh) + (long) floorLow;
                fraction = xl - floorLow;
            } else {
                // Below 2^52: xl is far below one unit.
                double floorHigh = Math.floor(xh);
                double f = (xh - floorHigh) + xl;
                whole = (long) floorHigh;
                if (f < 0) {
                    whole--;
                    f += 1;
                } else if (f >= 1) {
                    whole++;
                    f -= 1;
                }
                fraction = f;
            }
            widths[cell] = whole;
            remainders[cell] = fraction;
        }
    }

    /** Most buckets of the remainders' histogram in {@link #largestRemainderThreshold}. */
    private static final int MAX_REMAINDER_BUCKETS = 1 << 12;

    /**
     * The k-th largest remainder among the cells not yet adjusted (k &ge; 1): a histogram of the
     * remainders over equal buckets of [0, 1) (about one per cell, at most {@link #MAX_REMAINDER_BUCKETS})
     * finds the bucket that holds it, and a sort of that bucket alone the value. Two passes over the
     * cells, no copy of them.
     */
    static double largestRemainderThreshold(double[] remainders, byte[] adjust, int k) {
        int buckets = Integer.highestOneBit(Math.min(MAX_REMAINDER_BUCKETS, Math.max(1, remainders.length)));
        int[] counts = new int[buckets];
        for (int c = 0; c < remainders.length; c++) {
            if (adjust[c] == 0) {
                counts[bucket(remainders[c], buckets)]++;
            }
        }
        int b = buckets - 1;
        int above = 0;
        while (above + counts[b] < k) {
            above += counts[b];
            b--;
        }
        double[] inBucket = new double[counts[b]];
        int n = 0;
        for (int c = 0; c < remainders.length; c++) {
            if (adjust[c] == 0 && bucket(remainders[c], buckets) == b) {
                inBucket[n++] = remainders[c];
            }
        }
        java.util.Arrays.sort(inBucket);
        return inBucket[inBucket.length - (k - above)];
    }

    private static int bucket(double remainder, int buckets) {
        return Math.min(buckets - 1, (int) (remainder * buckets));
    }

    @Override
    public String toString() {
        return "PoissonTable[lambda = " + lambda + ", counts " + low + ".." + high + ", " + cells + " cells, escape "
                + escapeProbability() + "]";
    }
}
