package org.balnet.rng;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.util.CombinatoricsUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.DoubleStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoissonSamplerTest {
    /**
     * Every lambda of the law test: the twin test's, from the inversion range through the PTRS
     * switch at 10 to the largest supported, plus 1e-3 and 0.05 where a count above 1 is rare.
     */
    static final double[] LAW_LAMBDAS = {1e-3, 0.05, 0.3, 4, 9.99, 10, 37, 1000, 1e4, 1e6, 1e9, 1e12};
    /** Draws per lambda; at 1e-3, ten times more, for a mean test of power 5% there. */
    static final int SAMPLES = 1_000_000;
    static final int SAMPLES_SMALLEST_LAMBDA = 10_000_000;
    /** Family-wise alpha of the law tests, Bonferroni over at most three checks per lambda. */
    static final double ALPHA_EACH = 1e-3 / (3 * LAW_LAMBDAS.length);
    private static final double[] TWIN_LAMBDAS = {0, 1e-3, 0.3, 4, 9.99, 10, 37, 1000, 1e4, 1e6, 1e9, 1e12};

    static DoubleStream lawLambdas() {
        return DoubleStream.of(LAW_LAMBDAS);
    }

    /** Draws variate i at address (step 1, neuron i, stream 2), as the simulator would. */
    private static long[] draw(double lambda, long seed, int n) {
        CounterRng rng = new CounterRng(seed);
        long[] k = new long[n];
        for (int i = 0; i < n; i++) {
            rng.seek(1, i, CounterRng.streamPair(0, 0));
            k[i] = PoissonSampler.sample(lambda, rng);
        }
        return k;
    }

    /**
     * The sampler's counts have the law Poisson(lambda) ({@link PoissonLaw}: chi-square over about 30
     * equiprobable bins where lambda &le; 1e5, the mean exactly or by z, the dispersion by z), with
     * 1e6 draws per lambda (1e7 at 1e-3), each check at alpha = 1e-3 / 36 (Bonferroni over the family).
     * Power (probability 0.8): a relative error of the mean of 5.0 / sqrt(n lambda) (1.6e-4 at lambda =
     * 1000, 5e-3 at 1, 0.05 at 1e-3), of the variance of 5.0 sqrt((2 + 1/lambda) / n) (0.71% for lambda
     * &ge; 10, 1.2% at 0.3, 3.4% at 0.05); PoissonLawTest shows it. At 1e-3 a count of 2 has probability
     * 5e-7: the chi-square has the bins {0} and {&ge; 1} only, the law is tested through P(0) and the
     * mean, and the dispersion z does not apply (a wrong P(2) of that size is beyond any affordable
     * sample).
     */
    @Tag("slow")
    @ParameterizedTest
    @MethodSource("lawLambdas")
    void countsFollowPoisson(double lambda) {
        int n = lambda < 0.01 ? SAMPLES_SMALLEST_LAMBDA : SAMPLES;
        long[] k = draw(lambda, 0x5EED_0000L + Double.doubleToLongBits(lambda), n);
        List<PoissonLaw.Check> checks = PoissonLaw.checks(lambda, k);
        assertTrue(checks.size() >= 2, "lambda = " + lambda + ": only " + checks);
        PoissonLaw.assertAll(checks, lambda, n, ALPHA_EACH, "PoissonSampler.sample");
    }

    @Test
    void zeroRateGivesZeroWithoutADraw() {
        CounterRng rng = new CounterRng(3);
        rng.seek(2, 9, 4);
        assertEquals(0, PoissonSampler.sample(0.0, rng));
        assertEquals(0, new PoissonSampler.Prepared(0.0).sample(rng));
        long next = rng.nextWord();
        rng.seek(2, 9, 4);
        assertEquals(rng.nextWord(), next, "lambda = 0 must not consume a draw");
    }

    @Test
    void dispatchUsesInversionBelowTenAndPtrsFromTen() {
        CounterRng a = new CounterRng(11);
        CounterRng b = new CounterRng(11);
        for (int i = 0; i < 10_000; i++) {
            a.seek(1, i, 3);
            b.seek(1, i, 3);
            assertEquals(PoissonSampler.inversion(9.99, b), PoissonSampler.sample(9.99, a), "lambda 9.99, neuron " + i);
            a.seek(1, i, 3);
            b.seek(1, i, 3);
            assertEquals(PoissonSampler.ptrs(10, b), PoissonSampler.sample(10, a), "lambda 10, neuron " + i);
        }
    }

    /** Prepared gives the same counts and leaves the stream at the same place. */
    @Test
    void preparedIsIdenticalToSample() {
        CounterRng a = new CounterRng(0x77L);
        CounterRng b = new CounterRng(0x77L);
        List<Double> lambdas = new ArrayList<>();
        for (double lambda : TWIN_LAMBDAS) {
            lambdas.add(lambda);
        }
        java.util.SplittableRandom pick = new java.util.SplittableRandom(5);
        for (int i = 0; i < 20; i++) {
            lambdas.add(Math.pow(10, pick.nextDouble(-4, 12)));
        }
        for (double lambda : lambdas) {
            PoissonSampler.Prepared prepared = new PoissonSampler.Prepared(lambda);
            assertEquals(lambda, prepared.lambda());
            for (int i = 0; i < 5_000; i++) {
                a.seek(2, i, 5);
                b.seek(2, i, 5);
                assertEquals(PoissonSampler.sample(lambda, a), prepared.sample(b), "lambda = " + lambda + ", neuron " + i);
                assertEquals(a.nextWord(), b.nextWord(), "lambda = " + lambda + ", neuron " + i + ": stream position");
            }
        }
    }

    @Test
    void preparedRefusesLambdaOutsideTheRange() {
        for (double bad : new double[]{-1e-300, -1, Double.NaN, Double.POSITIVE_INFINITY, 1.0000001e12}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PoissonSampler.Prepared(bad));
            assertTrue(e.getMessage().startsWith("lambda = "), e.getMessage());
        }
        assertEquals(PoissonSampler.MAX_LAMBDA, new PoissonSampler.Prepared(PoissonSampler.MAX_LAMBDA).lambda());
    }

    @Test
    void logFactorialAgreesWithCommonsMath() {
        for (int k = 0; k <= 20; k++) {
            // factorialLog is log of the exact k! up to 20
            double reference = CombinatoricsUtils.factorialLog(k);
            assertEquals(reference, PoissonSampler.logFactorial(k), Math.ulp(reference), "log(" + k + "!)");
        }
        // the table/Stirling junction is at 128
        for (int k = 21; k <= 400; k++) {
            double reference = Gamma.logGamma(k + 1.0);
            assertEquals(reference, PoissonSampler.logFactorial(k), 2e-15 * reference, "log(" + k + "!)");
        }
        for (long k : new long[]{1_000, 12_345, 1_000_000, 987_654_321, 1L << 31, 1_000_000_000_000L, 1L << 50}) {
            double reference = Gamma.logGamma(k + 1.0);
            assertEquals(reference, PoissonSampler.logFactorial(k), 2e-15 * reference, "log(" + k + "!)");
        }
    }

    /** Both sides of the junction give the same values as the exact integer recurrence log k! = log (k-1)! + log k. */
    @Test
    void logFactorialIsContinuousAcrossTheJunction() {
        int k = PoissonSampler.LOG_FACTORIAL_TABLE_SIZE;
        double step = PoissonSampler.logFactorial(k) - PoissonSampler.logFactorial(k - 1);
        assertEquals(Math.log(k), step, 1e-13, "log(128!) - log(127!)");
    }

    /**
     * The log-pmf of PTRS's acceptance test against Commons Math's saddle-point form (Loader's bd0,
     * itself free of cancellation), around λ and across the table junction. The naive
     * -λ + k log λ - log k! misses this tolerance by orders of magnitude at λ = 1e9.
     */
    /**
     * At λ = 1e12 against log P(k) = -λ + k log λ - lgamma(k + 1) evaluated with mpmath at 50
     * digits (then rounded to double): the naive double form is off by up to 6e-3 at this λ.
     */
    @Test
    void logPmfIsAccurateAtTheLargestLambda() {
        double lambda = 1e12;
        long[] k = {999_994_000_007L, 999_997_000_007L, 999_999_000_007L, 1_000_000_000_000L,
                1_000_001_000_007L, 1_000_003_000_007L, 1_000_006_000_007L};
        double[] expected = {-0x1.05e0222063928p+5, -0x1.33c03ad0dbdaap+4, -0x1.e7808c005a6b3p+3, -0x1.d7809b6164bbap+3,
                -0x1.e780aac275bc7p+3, -0x1.33c0609089043p+4, -0x1.05e02b904edcfp+5};
        for (int i = 0; i < k.length; i++) {
            double actual = PoissonSampler.logPoissonPmf(k[i], lambda, StrictMath.log(lambda));
            assertEquals(expected[i], actual, 1e-8, "log P(" + k[i] + "), lambda = 1e12");
        }
    }

    @Test
    void logPmfIsAccurateForLargeLambda() {
        for (double lambda : new double[]{10, 100, 1000, 1e6, 1e9, 2e9}) {
            PoissonDistribution reference = new PoissonDistribution(lambda);
            double logLambda = StrictMath.log(lambda);
            double sd = Math.sqrt(lambda);
            for (double z = -8; z <= 8; z += 0.25) {
                long k = Math.max(0, Math.round(lambda + z * sd));
                double expected = reference.logProbability((int) k);
                double actual = PoissonSampler.logPoissonPmf(k, lambda, logLambda);
                assertEquals(expected, actual, 1e-11 * Math.max(1, Math.abs(expected)), "log P(" + k + "), lambda = " + lambda);
            }
        }
        for (long k = 100; k < 160; k++) {
            double lambda = 130;
            double expected = new PoissonDistribution(lambda).logProbability((int) k);
            assertEquals(expected, PoissonSampler.logPoissonPmf(k, lambda, StrictMath.log(lambda)),
                    1e-12 * Math.abs(expected), "log P(" + k + "), lambda = " + lambda);
        }
    }
}
