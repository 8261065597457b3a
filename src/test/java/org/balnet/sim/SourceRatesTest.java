package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.ScenarioLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SourceRates} against 60-digit values of the true f and f' ({@link HighPrecision}), for each
 * family and each way the two targets share their exponential, over the whole real line: the bounds
 * of SourceRates' Javadoc, in units of eps = 2^-52 times a (1 + |b|) for f and a c for f'.
 */
class SourceRatesTest {
    private static final double EPS = Math.ulp(1.0);
    /** Javadoc bounds, in the units above. */
    private static final double VALUE_BOUND = 4;
    private static final double SLOPE_BOUND = 4;
    private static final int UNIFORM_POINTS = 3000;
    private static final int WIDE_POINTS = 400;

    private static RateFunction rate(RateFamily family, double amplitude, double offset, double slope) {
        return RateFunction.of(family, amplitude, offset, slope, "rates.test");
    }

    static Stream<Arguments> pairs() {
        return Stream.of(
                // Section 6: e sources 0.5 (tanh(c u) + 2), c = 1 for e targets and 0.5 for i targets.
                Arguments.of(1, rate(RateFamily.TANH, 0.5, 2, 1), rate(RateFamily.TANH, 0.5, 2, 0.5), SourceRates.Sharing.E_IS_I_SQUARED),
                Arguments.of(2, rate(RateFamily.TANH, 1, 1, 0.5), rate(RateFamily.TANH, 1, 1, 1), SourceRates.Sharing.I_IS_E_SQUARED),
                Arguments.of(3, rate(RateFamily.TANH, 2, 1.5, 5), rate(RateFamily.TANH, 0.5, 1, 5), SourceRates.Sharing.SAME),
                Arguments.of(4, rate(RateFamily.TANH, 1, 1, 1), rate(RateFamily.TANH, 1, 1, 0.3), SourceRates.Sharing.SEPARATE),
                Arguments.of(5, rate(RateFamily.LOGISTIC, 1, 0, 1), rate(RateFamily.LOGISTIC, 3, 0.5, 0.5), SourceRates.Sharing.E_IS_I_SQUARED),
                Arguments.of(6, rate(RateFamily.LOGISTIC, 1, 0.1, 1.5), rate(RateFamily.LOGISTIC, 1, 0, 1.5), SourceRates.Sharing.SAME),
                // tanh(0.5 u) and logistic(2 u) come from e^{-|u|} and e^{-2|u|}.
                Arguments.of(7, rate(RateFamily.TANH, 1, 1, 0.5), rate(RateFamily.LOGISTIC, 1, 0, 2), SourceRates.Sharing.I_IS_E_SQUARED),
                Arguments.of(8, rate(RateFamily.ERF, 1, 1, 1), rate(RateFamily.ERF, 0.5, 2, 0.5), SourceRates.Sharing.SEPARATE),
                Arguments.of(9, rate(RateFamily.ERF, 1, 1, 2), rate(RateFamily.TANH, 1, 1, 1), SourceRates.Sharing.SEPARATE));
    }

    /** Points over the whole line: dense where states live, log-spread out to 1e300, and the edges. */
    private static double[] points(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Double> list = new ArrayList<>();
        for (int k = 0; k < UNIFORM_POINTS; k++) {
            list.add(-40 + 80 * random.nextDouble());
        }
        for (int k = 0; k < WIDE_POINTS; k++) {
            double magnitude = Math.pow(10, -300 + 600 * random.nextDouble());
            list.add(random.nextBoolean() ? magnitude : -magnitude);
        }
        for (double u : new double[]{0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                -Double.MAX_VALUE, 353.9, -353.9, 708, -708, 709.9, -709.9}) {
            list.add(u);
        }
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Tag("slow")
    @ParameterizedTest
    @MethodSource("pairs")
    void withinTheStatedBoundsOfTheTrueFunctions(int seed, RateFunction toE, RateFunction toI, SourceRates.Sharing sharing) {
        SourceRates rates = SourceRates.of(Population.E, toE, toI);
        assertEquals(sharing, rates.sharing(), "sharing chosen for " + toE + " / " + toI);
        RateFunction[] functions = {toE, toI};
        double[] worstValue = new double[2];
        double[] worstSlope = new double[2];
        for (double u : points(seed)) {
            double[] sums = new double[PopulationSums.WIDTH];
            rates.accumulate(sums, u);
            for (int t = 0; t < 2; t++) {
                RateFunction f = functions[t];
                BigDecimal[] g = HighPrecision.sigmoid(f.family().key, f.slope(), u);
                BigDecimal value = BigDecimal.valueOf(f.amplitude()).multiply(g[0].add(BigDecimal.valueOf(f.offset())));
                BigDecimal slope = BigDecimal.valueOf(f.amplitude() * f.slope()).multiply(g[1]);
                double valueUnit = EPS * f.amplitude() * (1 + Math.abs(f.offset()));
                double slopeUnit = EPS * f.amplitude() * f.slope();
                double valueError = new BigDecimal(sums[PopulationSums.RATE_E + t]).subtract(value).abs().doubleValue() / valueUnit;
                double slopeError = new BigDecimal(sums[PopulationSums.SLOPE_E + t]).subtract(slope).abs().doubleValue() / slopeUnit;
                double alone = rates.value(Population.values()[t], u);
                double aloneError = new BigDecimal(alone).subtract(value).abs().doubleValue() / valueUnit;
                worstValue[t] = Math.max(worstValue[t], Math.max(valueError, aloneError));
                worstSlope[t] = Math.max(worstSlope[t], slopeError);
            }
        }
        for (int t = 0; t < 2; t++) {
            RateFunction f = functions[t];
            String what = String.format(Locale.ROOT, "target %s, %s (%s): |f~ - f| <= %.2f eps a(1+|b|), |f~' - f'| <= %.2f eps a c",
                    t == 0 ? "e" : "i", f, sharing, worstValue[t], worstSlope[t]);
            System.out.println("SourceRates " + what);
            assertTrue(worstValue[t] <= VALUE_BOUND, what);
            assertTrue(worstSlope[t] <= SLOPE_BOUND, what);
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void limitsAtInfinityAndNaNPropagates(int seed, RateFunction toE, RateFunction toI, SourceRates.Sharing sharing) {
        SourceRates rates = SourceRates.of(Population.E, toE, toI);
        RateFunction[] functions = {toE, toI};
        for (double u : new double[]{Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            double[] sums = new double[PopulationSums.WIDTH];
            rates.accumulate(sums, u);
            for (int t = 0; t < 2; t++) {
                RateFunction f = functions[t];
                double limit = u > 0 ? f.bound() : f.lowerBound();
                assertEquals(limit, sums[PopulationSums.RATE_E + t], "f(" + u + ") of " + f);
                assertEquals(limit, rates.value(Population.values()[t], u), "f(" + u + ") alone of " + f);
                assertEquals(0.0, sums[PopulationSums.SLOPE_E + t], "f'(" + u + ") of " + f);
            }
        }
        double[] sums = new double[PopulationSums.WIDTH];
        rates.accumulate(sums, Double.NaN);
        for (int w = PopulationSums.RATE_E; w <= PopulationSums.SLOPE_I; w++) {
            assertTrue(Double.isNaN(sums[w]), "sum " + w + " after NaN: " + sums[w]);
        }
        assertTrue(Double.isNaN(rates.value(Population.I, Double.NaN)));
    }

    @Test
    void theSectionSixScenariosTakeOneExponentialPerNeuron() {
        for (String name : new String[]{"mv-6.1", "mv-6.2"}) {
            var scenario = ScenarioLoader.load(name);
            for (Population source : Population.values()) {
                SourceRates rates = SourceRates.of(scenario, source);
                assertTrue(rates.sharing() != SourceRates.Sharing.SEPARATE, name + ", source " + source.label
                        + ": " + rates.sharing());
            }
        }
    }
}
