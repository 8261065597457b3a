package org.balnet.sim.exact;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.RateFamily;
import org.balnet.model.RateFunction;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.StepPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact backend against answers known in closed form, and its determinism. The statistical
 * comparisons with the tau-leaped backends and with the closure are in {@code org.balnet.validate}.
 */
class ExactEngineTest {

    /**
     * A network with only the couplings given (others 0), tau per population, the same tanh rate
     * a (tanh(c x) + 1) on every pair.
     */
    static Scenario network(int n, double[] tau, double[][] coupling, double amplitude, double slope) {
        RateFunction[][] rates = new RateFunction[2][2];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                rates[a][b] = RateFunction.of(RateFamily.TANH, amplitude, 1.0, slope, "rates");
            }
        }
        return new Scenario("test", n, tau, coupling, rates,
                new Scenario.Initial(1.0, 1.0, OptionalDouble.empty(), OptionalDouble.empty()),
                new Scenario.RunSettings(1.0, OptionalDouble.empty(), 0.01, 1, Scheme.SEMI_IMPLICIT));
    }

    static double[] state(ExactEngine e, Population p) {
        double[] x = new double[(int) e.n()];
        e.readState(p, 0, x, x.length);
        return x;
    }

    static PopulationSums[] step(ExactEngine e, long k) {
        StepPlan plan = new StepPlan();
        plan.step = k;
        return e.step(plan);
    }

    /**
     * With only the coupling target &lt;- source, the sources never spike-jump: they decay, u_k(s) =
     * u_k(0) e^{-s/tau}, and every target neuron receives a Poisson number of spikes with mean
     * Lambda = sum_k int_0^h f(u_k(s)) ds, independently of the others. The target does not decay
     * (tau = 1e12) and each spike moves it by s_source / sqrt(n), so the counts are read off its state.
     * The sources sweep through the steep part of f (slope 2, states N(0, 1) decaying towards 0), across
     * buckets and epochs (h = 0.2 is twenty), so bounds, squeeze and rate evaluations all take part.
     * Measured power: accepting every candidate between squeeze and bound gives z = 32 and 35 on the totals;
     * targets drawn from all but 20 neurons give chi-square p = 4e-13 and 4e-10.
     */
    @ParameterizedTest(name = "target {0}, source {1}")
    @CsvSource({"I, E", "E, I"})
    void spikeCountsOfDecayingSourcesArePoissonWithTheIntegratedRate(Population target, Population source) {
        int n = 2000;
        double h = 0.2;
        double[] tau = new double[2];
        tau[source.index()] = 1.0;
        tau[target.index()] = 1e12;
        double[][] coupling = new double[2][2];
        coupling[target.index()][source.index()] = 1.0;
        Scenario s = network(n, tau, coupling, 1.0, 2.0);
        ExactEngine e = new ExactEngine(s, 77, h);
        e.initialize(new double[]{0, 0}, new double[]{1, 1});
        double[] u0 = state(e, source);
        double[] v0 = state(e, target);
        step(e, 0);
        double[] v1 = state(e, target);

        RateFunction f = s.rate(target, source);
        double lambda = 0;
        for (double u : u0) {
            lambda += simpson(t -> f.value(u * Math.exp(-t / tau[source.index()])), 0, h, 64);
        }
        double sqrtN = Math.sqrt(n);
        long[] counts = new long[n];
        long total = 0;
        for (int j = 0; j < n; j++) {
            double x = (v1[j] - v0[j]) * sqrtN * source.sign;
            counts[j] = Math.round(x);
            assertTrue(Math.abs(x - counts[j]) < 1e-6, "target " + j + " moved by " + x + " spikes: not a whole number");
            total += counts[j];
        }
        double alpha = 0.01 / 4; // Bonferroni: two checks, two pairs
        // 1. the total is Poisson(n Lambda): a 1% error in the rates would be 9 sd
        double z = (total - n * lambda) / Math.sqrt(n * lambda);
        double pTotal = 2 * (1 - new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(
                Math.abs(z)));
        assertTrue(pTotal > alpha, String.format(Locale.ROOT, "pair %s: %d spikes in all, expected n Lambda = %.1f: "
                + "z = %.2f, p = %.3g <= alpha = %.3g", Population.pair(target, source), total, n * lambda, z, pTotal,
                alpha));
        // 2. the counts per target are Poisson(Lambda): chi-square over bins of expected count >= 10
        double pLaw = poissonChiSquare(counts, lambda);
        assertTrue(pLaw > alpha, String.format(Locale.ROOT, "pair %s: the %d counts per target are not "
                        + "Poisson(%.3f): chi-square p = %.3g <= alpha = %.3g", Population.pair(target, source), n,
                lambda, pLaw, alpha));
    }

    static double simpson(java.util.function.DoubleUnaryOperator g, double a, double b, int panels) {
        double step = (b - a) / panels;
        double sum = g.applyAsDouble(a) + g.applyAsDouble(b);
        for (int i = 1; i < panels; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * g.applyAsDouble(a + i * step);
        }
        return sum * step / 3;
    }

    /** p of the chi-square test of counts against Poisson(lambda), bins merged to expected >= 10. */
    static double poissonChiSquare(long[] counts, double lambda) {
        PoissonDistribution pd = new PoissonDistribution(null, lambda, PoissonDistribution.DEFAULT_EPSILON,
                PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        int n = counts.length;
        int max = 0;
        for (long c : counts) {
            max = (int) Math.max(max, c);
        }
        List<double[]> bins = new ArrayList<>(); // {expected, observed}
        double expected = 0;
        double observed = 0;
        for (int k = 0; k <= max + 1; k++) {
            double p = k == max + 1 ? 1 - pd.cumulativeProbability(max) : pd.probability(k);
            expected += n * p;
            final int kk = k;
            observed += java.util.Arrays.stream(counts).filter(c -> c == kk).count();
            if (expected >= 10 && n * (1 - pd.cumulativeProbability(k)) >= 10) {
                bins.add(new double[]{expected, observed});
                expected = 0;
                observed = 0;
            }
        }
        bins.get(bins.size() - 1)[0] += expected;
        bins.get(bins.size() - 1)[1] += observed;
        double[] e = bins.stream().mapToDouble(x -> x[0]).toArray();
        long[] o = bins.stream().mapToLong(x -> Math.round(x[1])).toArray();
        return new ChiSquareTest().chiSquareTest(e, o);
    }

    @Test
    void withoutCouplingsEveryStateDecaysExactly() {
        Scenario s = network(500, new double[]{1.0, 2.0}, new double[2][2], 1.0, 1.0);
        ExactEngine e = new ExactEngine(s, 5, 0.1);
        e.initialize(new double[]{-3, 1}, new double[]{1, 0.5});
        double[][] before = {state(e, Population.E), state(e, Population.I)};
        for (int k = 0; k < 3; k++) {
            step(e, k);
        }
        for (Population p : Population.values()) {
            double decay = Math.exp(-0.3 / s.tau(p));
            double[] after = state(e, p);
            for (int j = 0; j < after.length; j++) {
                double want = before[p.index()][j] * decay;
                assertEquals(want, after[j], 1e-13 * Math.abs(want), "u_" + p.label + "^" + j + " at t = 0.3");
            }
        }
        assertTrue((Long) e.counters().get("spikes") > 0, "the synapses still fire, with no effect");
    }

    /**
     * Resuming at a step boundary from the states alone continues the run exactly: the random numbers are
     * addressed by (step, candidate), and everything else is rebuilt from the states.
     */
    @Test
    void aRunRestartedFromItsStatesAtAStepBoundaryIsTheUninterruptedRunBitForBit() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(300);
        double[] m = {-5.03, -1.28};
        double[] k = {1, 1};
        ExactEngine whole = new ExactEngine(s, 9, 0.02);
        whole.initialize(m, k);
        PopulationSums[] last = null;
        for (int step = 0; step < 6; step++) {
            last = step(whole, step);
        }
        ExactEngine first = new ExactEngine(s, 9, 0.02);
        first.initialize(m, k);
        for (int step = 0; step < 2; step++) {
            step(first, step);
        }
        ExactEngine second = new ExactEngine(s, 9, 0.02);
        for (Population p : Population.values()) {
            double[] x = state(first, p);
            second.writeState(p, 0, x, x.length);
        }
        PopulationSums[] resumed = null;
        for (int step = 2; step < 6; step++) {
            resumed = step(second, step);
        }
        for (Population p : Population.values()) {
            assertArrayEquals(state(whole, p), state(second, p), "u_" + p.label);
            assertEquals(last[p.index()].sumSq, resumed[p.index()].sumSq);
        }
        assertTrue((Long) whole.counters().get("spikes") > 10_000, whole.counters().toString());
    }

    @Test
    void aDifferentSeedGivesADifferentRun() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(100);
        double[][] out = new double[2][];
        for (int r = 0; r < 2; r++) {
            ExactEngine e = new ExactEngine(s, 1 + r, 0.01);
            e.initialize(new double[]{-5, -1.3}, new double[]{1, 1});
            step(e, 0);
            out[r] = state(e, Population.E);
        }
        assertTrue(!java.util.Arrays.equals(out[0], out[1]));
    }

    @Test
    void aNetworkAboveTheLimitIsRefusedWithTheNumbers() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(ExactEngine.MAX_N + 1);
        BadInputException e = assertThrows(BadInputException.class, () -> new ExactEngine(s, 1, 0.01));
        assertEquals(InputError.TOO_LARGE, e.kind());
        assertEquals("--n", e.key());
        assertTrue(e.getMessage().contains("n = " + (ExactEngine.MAX_N + 1)) && e.getMessage().contains("per unit of time")
                && e.getMessage().contains("--backend cpu"), e.getMessage());
    }
}
