package org.balnet.rng;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table sampler: its law against Poisson(λ) (χ² over the whole support, the tails in their own
 * bins; z-tests at λ = 1e12), the exact law of the tails when draws are forced to escape, the rounding
 * of its widths, and the guide.
 */
class PoissonTableTest {
    private static final double[] CHI_SQUARE_LAMBDAS = {0.05, 1, 9.99, 10, 37, 1e3, 1e6, 1e9};
    private static final double[] ESCAPE_LAMBDAS = {8, 50, 1e4};
    /**
     * Family-wise alpha of the χ² tests of this class: 8 of the table's law, and for each of 3 short
     * tables the whole law and the two tails' conditional laws (9); Bonferroni.
     */
    private static final double ALPHA_CHI_SQUARE = 1e-3 / (CHI_SQUARE_LAMBDAS.length + 3 * ESCAPE_LAMBDAS.length);
    /** Family-wise alpha of the two z-tests at λ = 1e12 (mean, variance). */
    private static final double ALPHA_Z = 1e-3 / 2;
    /** Pooled χ² bins have at least this expected count. */
    private static final double MIN_EXPECTED = 5;
    /** Draws per χ² test: two per neuron (both words of its step block), 500,000 neurons. */
    private static final int NEURONS = 500_000;
    /** A short table: each tail holds up to this mass, so about half the draws escape. */
    private static final double SHORT_TABLE_TAIL = 0.3;

    /** Counts of draws at k = from .. from + counts.length - 1, and below and above that range. */
    record Histogram(long from, long[] counts, long below, long above, long total) {
        static Histogram of(long[] draws, long from, long to) {
            long[] counts = new long[(int) (to - from + 1)];
            long below = 0;
            long above = 0;
            for (long k : draws) {
                assertTrue(k >= 0, "negative count " + k);
                if (k < from) {
                    below++;
                } else if (k > to) {
                    above++;
                } else {
                    counts[(int) (k - from)]++;
                }
            }
            return new Histogram(from, counts, below, above, draws.length);
        }
    }

    /**
     * χ² p-value of a histogram against a law: the lower tail (everything below the range, then counts
     * upwards) is one bin, grown until its expected count reaches {@link #MIN_EXPECTED}; the upper
     * tail likewise downwards; the counts between are pooled left to right to the same minimum.
     *
     * @param probability P(k) for k in the histogram's range
     * @param below       P(K &lt; from)
     * @param above       P(K &gt; to)
     * @param bins        receives the number of bins
     */
    static double chiSquare(Histogram h, java.util.function.LongToDoubleFunction probability, double below,
                            double above, int[] bins) {
        int n = h.counts().length;
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            expected[i] = h.total() * probability.applyAsDouble(h.from() + i);
        }
        List<Double> e = new ArrayList<>();
        List<Long> o = new ArrayList<>();
        int lo = 0;
        double el = h.total() * below;
        long ol = h.below();
        while (el < MIN_EXPECTED && lo < n) {
            el += expected[lo];
            ol += h.counts()[lo];
            lo++;
        }
        int hi = n - 1;
        double eh = h.total() * above;
        long oh = h.above();
        while (eh < MIN_EXPECTED && hi >= lo) {
            eh += expected[hi];
            oh += h.counts()[hi];
            hi--;
        }
        e.add(el);
        o.add(ol);
        double em = 0;
        long om = 0;
        for (int i = lo; i <= hi; i++) {
            em += expected[i];
            om += h.counts()[i];
            if (em >= MIN_EXPECTED) {
                e.add(em);
                o.add(om);
                em = 0;
                om = 0;
            }
        }
        if (em > 0 || om > 0) {
            int last = e.size() - 1;
            e.set(last, e.get(last) + em);
            o.set(last, o.get(last) + om);
        }
        e.add(eh);
        o.add(oh);
        bins[0] = e.size();
        return new ChiSquareTest().chiSquareTest(e.stream().mapToDouble(Double::doubleValue).toArray(),
                o.stream().mapToLong(Long::longValue).toArray());
    }

    /** Both counts of NEURONS neurons at step 1, as an engine draws them, pooled. */
    static long[] drawThroughTheStep(double lambda, long seed) {
        PoissonStep laws = PoissonStep.prepare(Sampler.TABLE, new double[][]{{lambda, lambda}, {0, 0}});
        CounterRng rng = new CounterRng(seed);
        CounterRng second = new CounterRng(seed);
        long[] counts = new long[2];
        long[] draws = new long[2 * NEURONS];
        for (int j = 0; j < NEURONS; j++) {
            laws.draw(rng, second, 1, j, 0, counts);
            draws[2 * j] = counts[0];
            draws[2 * j + 1] = counts[1];
        }
        return draws;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 1, 9.99, 10, 37, 1e3, 1e6, 1e9})
    void chiSquareAgainstThePoissonPmf(double lambda) {
        long seed = 0x7AB1E_0000L + Double.doubleToLongBits(lambda);
        long[] draws = drawThroughTheStep(lambda, seed);
        double sd = Math.sqrt(lambda);
        long from = Math.max(0, (long) Math.floor(lambda - 9 * sd - 10));
        long to = (long) Math.ceil(lambda + 9 * sd + 30);
        PoissonDistribution pmf = new PoissonDistribution(null, lambda, PoissonDistribution.DEFAULT_EPSILON,
                PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        int[] bins = new int[1];
        double p = chiSquare(Histogram.of(draws, from, to), k -> pmf.probability((int) k),
                from == 0 ? 0 : pmf.cumulativeProbability((int) from - 1), 1 - pmf.cumulativeProbability((int) to),
                bins);
        assertTrue(bins[0] >= 3, "lambda = " + lambda + ": only " + bins[0] + " bins");
        assertTrue(p > ALPHA_CHI_SQUARE, String.format(Locale.ROOT, "chi-square, table sampler, lambda = %s, %d draws, "
                + "%d bins: p = %.3g, alpha = %.3g", lambda, draws.length, bins[0], p, ALPHA_CHI_SQUARE));
        System.out.printf(Locale.ROOT, "table sampler, lambda = %s: chi-square p = %.3g over %d bins (%d draws)%n",
                lambda, p, bins[0], draws.length);
    }

    /** Mean and variance z-tests at the largest λ, sums shifted by λ (the raw squares cancel at 1e12). */
    @Test
    void meanAndVarianceAtTheLargestLambda() {
        double lambda = PoissonSampler.MAX_LAMBDA;
        int n = 100_000;
        PoissonStep laws = PoissonStep.prepare(Sampler.TABLE, new double[][]{{lambda, 0}, {0, 0}});
        CounterRng rng = new CounterRng(0xB16_1A3BDAL);
        CounterRng second = new CounterRng(0xB16_1A3BDAL);
        long[] counts = new long[2];
        double sum = 0;
        double sumSquares = 0;
        for (int j = 0; j < n; j++) {
            laws.draw(rng, second, 3, j, 0, counts);
            assertEquals(0, counts[1], "lambda = 0 gives 0");
            double d = counts[0] - lambda;
            sum += d;
            sumSquares += d * d;
        }
        double meanShift = sum / n;
        double variance = (sumSquares - sum * meanShift) / (n - 1);
        double zMean = meanShift / Math.sqrt(lambda / n);
        // Var(s^2) = mu4/n - sigma^4 (n - 3)/(n (n - 1)), with mu4 = λ(1 + 3λ) and sigma^4 = λ^2.
        double varianceOfVariance = lambda * (1 + 3 * lambda) / n - lambda * lambda * (n - 3.0) / ((double) n * (n - 1));
        double zVariance = (variance - lambda) / Math.sqrt(varianceOfVariance);
        NormalDistribution standard = new NormalDistribution(0, 1);
        double pMean = 2 * standard.cumulativeProbability(-Math.abs(zMean));
        double pVariance = 2 * standard.cumulativeProbability(-Math.abs(zVariance));
        assertTrue(pMean > ALPHA_Z, "mean, lambda = 1e12, n = " + n + ": sample mean - lambda = " + meanShift
                + ", z = " + zMean + ", p = " + pMean + ", alpha = " + ALPHA_Z);
        assertTrue(pVariance > ALPHA_Z, "variance, lambda = 1e12, n = " + n + ": sample variance = " + variance
                + ", z = " + zVariance + ", p = " + pVariance + ", alpha = " + ALPHA_Z);
        System.out.printf(Locale.ROOT, "table sampler, lambda = 1e12: mean z = %.3f (p = %.3g), variance z = %.3f "
                + "(p = %.3g)%n", zMean, pMean, zVariance, pVariance);
    }

    /**
     * A table with tails of up to 0.3 on each side: about half the draws escape and are completed by
     * the sequential search. The whole law, and each tail's conditional law P(k | k &lt; L) and
     * P(k | k &gt; R), must be Poisson's.
     */
    @ParameterizedTest
    @ValueSource(doubles = {8, 50, 1e4})
    void forcedEscapesKeepTheTailsExactLaw(double lambda) {
        PoissonTable table = PoissonTable.build(lambda, SHORT_TABLE_TAIL);
        double escape = table.escapeProbability();
        assertTrue(escape > 0.3, "lambda = " + lambda + ": a short table, but escapes have probability " + escape);
        long seed = 0xE5CA_9E00L + Double.doubleToLongBits(lambda);
        CounterRng rng = new CounterRng(seed);
        CounterRng tail = new CounterRng(seed);
        long[] draws = new long[2 * NEURONS];
        for (int j = 0; j < 2 * NEURONS; j++) {
            rng.seek(2, j, CounterRng.streamStep(1));
            draws[j] = table.sample(rng.nextWord(), tail, 2, j, CounterRng.streamPair(1, 0));
        }
        PoissonDistribution pmf = new PoissonDistribution(null, lambda, PoissonDistribution.DEFAULT_EPSILON,
                PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        double sd = Math.sqrt(lambda);
        long from = Math.max(0, (long) Math.floor(lambda - 9 * sd - 10));
        long to = (long) Math.ceil(lambda + 9 * sd + 30);
        int[] bins = new int[1];
        double pAll = chiSquare(Histogram.of(draws, from, to), k -> pmf.probability((int) k),
                from == 0 ? 0 : pmf.cumulativeProbability((int) from - 1), 1 - pmf.cumulativeProbability((int) to),
                bins);
        assertTrue(pAll > ALPHA_CHI_SQUARE, String.format(Locale.ROOT, "short table, lambda = %s, escape %.3f: "
                + "chi-square of the whole law p = %.3g over %d bins, alpha = %.3g", lambda, escape, pAll, bins[0],
                ALPHA_CHI_SQUARE));

        long low = table.low();
        long high = table.high();
        long[] lower = Arrays.stream(draws).filter(k -> k < low).toArray();
        long[] upper = Arrays.stream(draws).filter(k -> k > high).toArray();
        double lowerMass = pmf.cumulativeProbability((int) low - 1);
        double upperMass = 1 - pmf.cumulativeProbability((int) high);
        int[] lowerBins = new int[1];
        int[] upperBins = new int[1];
        double pLower = chiSquare(Histogram.of(lower, from, low - 1), k -> pmf.probability((int) k) / lowerMass,
                from == 0 ? 0 : pmf.cumulativeProbability((int) from - 1) / lowerMass, 0, lowerBins);
        double pUpper = chiSquare(Histogram.of(upper, high + 1, to), k -> pmf.probability((int) k) / upperMass,
                0, (1 - pmf.cumulativeProbability((int) to)) / upperMass, upperBins);
        assertTrue(lowerBins[0] >= 3 && upperBins[0] >= 3, "lambda = " + lambda + ": tails of " + lowerBins[0]
                + " and " + upperBins[0] + " bins");
        assertTrue(pLower > ALPHA_CHI_SQUARE, String.format(Locale.ROOT, "lambda = %s: the lower tail k < %d, %d "
                + "draws: chi-square p = %.3g, alpha = %.3g", lambda, low, lower.length, pLower, ALPHA_CHI_SQUARE));
        assertTrue(pUpper > ALPHA_CHI_SQUARE, String.format(Locale.ROOT, "lambda = %s: the upper tail k > %d, %d "
                + "draws: chi-square p = %.3g, alpha = %.3g", lambda, high, upper.length, pUpper, ALPHA_CHI_SQUARE));
        System.out.printf(Locale.ROOT, "short table, lambda = %s, counts %d..%d, escape %.3f: chi-square p = %.3g "
                        + "(whole), %.3g (lower tail, %d draws), %.3g (upper tail, %d draws)%n", lambda, low, high,
                escape, pAll, pLower, lower.length, pUpper, upper.length);
    }

    /**
     * The widths against the exact ones, computed in BigDecimal from the table's own double-double
     * probabilities: each is the floor or the ceiling of 2^64 P / total, the ceilings go to the largest
     * remainders, they sum to 2^64, and the stated rounding total variation is what they give.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 10, 37, 5000})
    void widthsAreTheLargestRemainderRoundingOfTheExactWidths(double lambda) {
        PoissonTable table = PoissonTable.build(lambda);
        PoissonTable.PmfWalk walk = new PoissonTable.PmfWalk(lambda);
        int atoms = (int) (table.high() - table.low() + 1);
        BigDecimal[] p = new BigDecimal[atoms];
        DoubleDouble up = walk.atMode();
        int m = (int) (walk.mode - table.low());
        p[m] = new BigDecimal(up.hi).add(new BigDecimal(up.lo));
        for (long k = walk.mode; k < table.high(); k++) {
            walk.up(up, k);
            p[(int) (k + 1 - table.low())] = new BigDecimal(up.hi).add(new BigDecimal(up.lo));
        }
        DoubleDouble down = walk.atMode();
        for (long k = walk.mode; k > table.low(); k--) {
            walk.down(down, k);
            p[(int) (k - 1 - table.low())] = new BigDecimal(down.hi).add(new BigDecimal(down.lo));
        }
        // the escape cells' exact widths are the tails' masses, as the build summed them
        List<BigDecimal> cells = new ArrayList<>();
        List<Long> widths = new ArrayList<>();
        if (table.low() > 0) {
            cells.add(new BigDecimal(tailMass(table, true)));
            widths.add(table.width(table.low() - 1));
        }
        for (int i = 0; i < atoms; i++) {
            cells.add(p[i]);
            widths.add(table.width(table.low() + i));
        }
        cells.add(new BigDecimal(tailMass(table, false)));
        widths.add(table.width(table.high() + 1));
        BigDecimal total = cells.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal twoTo64 = new BigDecimal(2).pow(64);
        MathContext mc = new MathContext(60);
        BigDecimal widthSum = BigDecimal.ZERO;
        BigDecimal deviation = BigDecimal.ZERO;
        double smallestRoundedUp = 1;
        double largestRoundedDown = 0;
        for (int c = 0; c < cells.size(); c++) {
            BigDecimal exact = cells.get(c).multiply(twoTo64).divide(total, mc);
            BigDecimal width = new BigDecimal(Long.toUnsignedString(widths.get(c)));
            widthSum = widthSum.add(width);
            BigDecimal floor = exact.setScale(0, java.math.RoundingMode.FLOOR);
            double remainder = exact.subtract(floor).doubleValue();
            deviation = deviation.add(width.subtract(exact).abs());
            int rounded = width.subtract(floor).intValueExact();
            assertTrue(rounded == 0 || rounded == 1, "lambda = " + lambda + ", cell " + c + ": width " + width
                    + ", exact " + exact);
            if (rounded == 1) {
                smallestRoundedUp = Math.min(smallestRoundedUp, remainder);
            } else {
                largestRoundedDown = Math.max(largestRoundedDown, remainder);
            }
        }
        assertEquals(twoTo64, widthSum, "lambda = " + lambda + ": the widths sum to 2^64");
        assertTrue(smallestRoundedUp >= largestRoundedDown - 1e-12, "lambda = " + lambda + ": a remainder "
                + largestRoundedDown + " rounded down, a smaller one " + smallestRoundedUp + " up");
        double tv = deviation.doubleValue() * 0.5 * 0x1.0p-64;
        assertEquals(tv, table.roundingTotalVariation(), 1e-6 * tv + 1e-30, "lambda = " + lambda);
        assertTrue(tv <= table.cells() * 0x1.0p-65, "lambda = " + lambda + ": rounding TV " + tv);
    }

    /** A tail's mass as the build summed it: the lower (true) or upper tail, from the exported doubles. */
    private static double tailMass(PoissonTable table, boolean lower) {
        double[] constants = new double[PoissonTable.EXPORT_DOUBLES];
        table.exportDoubles(constants, 0);
        return lower ? constants[2] : constants[4];
    }

    /** The guide and the scan find the cell a binary search over the bounds finds, for any word. */
    @Test
    void theGuideFindsTheCellOfEveryWord() {
        SplittableRandom random = new SplittableRandom(17);
        for (double lambda : new double[]{1e-300, 0.05, 3, 37, 1e3, 1e5}) {
            PoissonTable table = PoissonTable.build(lambda);
            long[] bounds = new long[table.cells() - 1];
            for (int c = 0; c < bounds.length; c++) {
                bounds[c] = (c == 0 ? 0 : bounds[c - 1]) + table.width(table.low() - (table.low() > 0 ? 1 : 0) + c);
            }
            List<Long> words = new ArrayList<>(List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
            for (long b : bounds) {
                words.add(b - 1);
                words.add(b);
                words.add(b + 1);
            }
            for (int i = 0; i < 20_000; i++) {
                words.add(random.nextLong());
            }
            for (long w : words) {
                int expected = 0;
                while (expected < bounds.length && Long.compareUnsigned(w, bounds[expected]) >= 0) {
                    expected++;
                }
                assertEquals(expected, table.cell(w), "lambda = " + lambda + ", word " + Long.toUnsignedString(w));
            }
        }
    }

    @Test
    void lambdaZeroIsAlwaysZero() {
        PoissonTable table = PoissonTable.build(0);
        CounterRng tail = new CounterRng(1);
        for (long w : new long[]{0, 1, -1, Long.MIN_VALUE, 0x1234_5678_9ABC_DEF0L}) {
            assertEquals(0, table.sample(w, tail, 0, 0, 4));
        }
        assertEquals(1, table.cells());
        assertEquals(0, table.escapeProbability());
    }

    /**
     * Escapes are as rare as stated, at most 2 * 2^-32 for the default tables, and at least one unit
     * of 2^-64 each: no count of positive probability is made impossible.
     */
    @Test
    void escapesAreRareButPossible() {
        for (double lambda : new double[]{1e-300, 1e-3, 0.05, 1, 9.99, 37, 1e3, 1e6, 1e9}) {
            PoissonTable table = PoissonTable.build(lambda);
            double escape = table.escapeProbability();
            assertTrue(escape > 0 && escape <= 2 * PoissonTable.TAIL_MASS, "lambda = " + lambda + ": " + escape);
            assertTrue(table.width(table.high() + 1) != 0, "lambda = " + lambda + ": the upper tail has a cell");
        }
    }

    @Test
    void lambdaOutsideTheRangeIsRefused() {
        for (double bad : new double[]{-1e-300, -1, Double.NaN, Double.POSITIVE_INFINITY, 1.0000001e12}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoissonTable.build(bad));
            assertTrue(e.getMessage().startsWith("lambda = "), e.getMessage());
        }
    }
}
