package org.balnet.rng;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tests that a sample of counts has the law Poisson(lambda), for every test that checks counts (the
 * sampler, the engines' spike counts on the CPU and on OpenCL): up to three checks per sample,
 * <ul>
 *   <li>chi-square over about {@value #BINS} bins of equal probability (consecutive k pooled; a
 *       bin expecting fewer than {@value #MIN_EXPECTED} joins its neighbour), where lambda &le;
 *       {@value #CHI_SQUARE_MAX_LAMBDA};</li>
 *   <li>the mean: the sum of n counts is Poisson(n lambda), tested exactly (two-sided) up to
 *       n lambda = {@value #EXACT_MEAN_MAX}, by its normal z above;</li>
 *   <li>the dispersion: z of the sample variance s^2 against lambda, with
 *       Var(s^2) = mu4 / n - lambda^2 (n - 3) / (n (n - 1)), mu4 = lambda (1 + 3 lambda), sums
 *       shifted by lambda (the raw squares would cancel at 1e12); only where n lambda^2 &ge;
 *       {@value #DISPERSION_MIN_PAIRS}, for below that s^2 is driven by a handful of counts of 2 and
 *       is far from normal (there the chi-square's upper bins test the same thing).</li>
 * </ul>
 * Power, for n samples, each check at level a (two-sided, z_a = its normal quantile): the mean test
 * detects a relative error of the mean of (z_a + 0.84) / sqrt(n lambda) with probability 0.8, the
 * dispersion test a relative error of the variance of (z_a + 0.84) sqrt((2 + 1/lambda) / n).
 */
public final class PoissonLaw {
    /** Equiprobable bins of the chi-square test. */
    public static final int BINS = 30;
    /** Smallest expected count of a chi-square bin. */
    public static final double MIN_EXPECTED = 5;
    /** Commons Math's Poisson distribution (int counts) serves the chi-square up to here. */
    public static final double CHI_SQUARE_MAX_LAMBDA = 1e5;
    /** Largest n lambda for the exact test of the mean (Commons Math counts are int). */
    public static final double EXACT_MEAN_MAX = 1e8;
    /** Expected number of pairs in a count, n lambda^2 (about twice the counts of 2), for the dispersion z. */
    public static final double DISPERSION_MIN_PAIRS = 200;
    private static final NormalDistribution STANDARD = new NormalDistribution(null, 0, 1);

    private PoissonLaw() {
    }

    /** One check: its name, p-value, and what it saw. */
    public record Check(String name, double p, String detail) {
    }

    /** The checks that apply to {@code samples} as draws from Poisson(lambda). */
    public static List<Check> checks(double lambda, long[] samples) {
        List<Check> out = new ArrayList<>();
        int n = samples.length;
        if (lambda <= CHI_SQUARE_MAX_LAMBDA) {
            out.add(chiSquare(lambda, samples));
        }
        double sum = 0;
        double sumSquares = 0;
        long total = 0;
        for (long x : samples) {
            double d = x - lambda;
            sum += d;
            sumSquares += d * d;
            total += x;
        }
        double meanShift = sum / n;
        double variance = (sumSquares - sum * meanShift) / (n - 1);
        double nLambda = n * lambda;
        if (nLambda <= EXACT_MEAN_MAX) {
            PoissonDistribution sumLaw = new PoissonDistribution(null, nLambda, PoissonDistribution.DEFAULT_EPSILON,
                    PoissonDistribution.DEFAULT_MAX_ITERATIONS);
            double lower = sumLaw.cumulativeProbability((int) total);
            double upper = 1 - sumLaw.cumulativeProbability((int) total - 1);
            out.add(new Check("mean (exact)", Math.min(1, 2 * Math.min(lower, upper)), String.format(Locale.ROOT,
                    "sum %d of %d counts, expected %.6g", total, n, nLambda)));
        } else {
            double z = meanShift / Math.sqrt(lambda / n);
            out.add(new Check("mean (z)", 2 * STANDARD.cumulativeProbability(-Math.abs(z)), String.format(Locale.ROOT,
                    "sample mean - lambda = %.4g, z = %.3f", meanShift, z)));
        }
        if (n * lambda * lambda >= DISPERSION_MIN_PAIRS) {
            double varianceOfVariance = lambda * (1 + 3 * lambda) / n
                    - lambda * lambda * (n - 3.0) / ((double) n * (n - 1));
            double z = (variance - lambda) / Math.sqrt(varianceOfVariance);
            out.add(new Check("dispersion (z)", 2 * STANDARD.cumulativeProbability(-Math.abs(z)),
                    String.format(Locale.ROOT, "sample variance / lambda = %.6f, z = %.3f", variance / lambda, z)));
        }
        return out;
    }

    /**
     * Asserts p &gt; alpha for every check, with lambda, n, the check, p and alpha in the message.
     *
     * @param what what the samples are, for the message
     */
    public static void assertAll(List<Check> checks, double lambda, int n, double alpha, String what) {
        for (Check c : checks) {
            assertTrue(c.p() > alpha, String.format(Locale.ROOT, "%s, lambda = %s, n = %d: %s test p = %.3g <= "
                    + "alpha = %.3g (%s)", what, lambda, n, c.name(), c.p(), alpha, c.detail()));
        }
    }

    /** Chi-square goodness of fit to Poisson(lambda) over about {@value #BINS} equiprobable bins. */
    static Check chiSquare(double lambda, long[] samples) {
        PoissonDistribution pd = new PoissonDistribution(null, lambda, PoissonDistribution.DEFAULT_EPSILON,
                PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        int n = samples.length;
        // Upper edges (exclusive) of the bins over k; the last bin takes everything above.
        List<Integer> edges = new ArrayList<>();
        List<Double> expected = new ArrayList<>();
        double cumulative = 0;
        double binStart = 0;
        int kMax = (int) Math.ceil(lambda + 40 * Math.sqrt(lambda) + 40);
        for (int k = 0; k <= kMax && cumulative < 1; k++) {
            cumulative = pd.cumulativeProbability(k);
            if (cumulative >= (double) (edges.size() + 1) / BINS && n * (cumulative - binStart) >= MIN_EXPECTED
                    && n * (1 - cumulative) >= MIN_EXPECTED) {
                edges.add(k + 1);
                expected.add(n * (cumulative - binStart));
                binStart = cumulative;
            }
        }
        expected.add(n * (1 - binStart));
        long[] observed = new long[expected.size()];
        for (long x : samples) {
            int b = 0;
            while (b < edges.size() && x >= edges.get(b)) {
                b++;
            }
            observed[b]++;
        }
        double[] e = expected.stream().mapToDouble(Double::doubleValue).toArray();
        double p = e.length < 2 ? 1 : new ChiSquareTest().chiSquareTest(e, observed);
        return new Check("chi-square", p, e.length + " bins, edges " + edges);
    }
}
