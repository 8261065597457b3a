package org.balnet.sim.cpu;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.TrajectoryRow;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuEngineTest {
    static Scenario mv61(long n) {
        return ScenarioLoader.load("mv-6.1").withN(n);
    }

    static double[][] run(Scenario s, Precision p, long seed, int threads, int steps) {
        double[][] out = new double[steps + 1][];
        try (Simulation sim = new Simulation(s, new CpuEngine(s, p, seed, threads), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            out[0] = new TrajectoryRow(0, sim.observables()).values();
            for (int k = 1; k <= steps; k++) {
                out[k] = new TrajectoryRow(0, sim.step()).values();
            }
        }
        return out;
    }

    /** The engine after {@code steps} steps: rows of observables, then the final states [e, i]. */
    record Run(double[][] rows, double[][] states) {
    }

    static Run runWithStates(Scenario s, Precision p, long seed, int threads, int steps) {
        double[][] rows = new double[steps + 1][];
        try (Simulation sim = new Simulation(s, new CpuEngine(s, p, seed, threads), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            rows[0] = new TrajectoryRow(0, sim.observables()).values();
            for (int k = 1; k <= steps; k++) {
                rows[k] = new TrajectoryRow(0, sim.step()).values();
            }
            int n = (int) s.n();
            double[][] states = new double[2][n];
            for (Population pop : Population.values()) {
                sim.engine().readState(pop, 0, states[pop.index()], n);
            }
            return new Run(rows, states);
        }
    }

    /**
     * Five whole chunks and a partial one (n = 5 CHUNK + 17): on 1, 2, 3, 8 and 64 threads (64: more
     * threads than the 12 chunks of both populations) the workers take chunks in a different order
     * every step, so any sum that depended on which thread finished first would show. Every observable
     * of every step and every final state must be the same bits.
     */
    @Tag("slow")
    @ParameterizedTest
    @EnumSource(Precision.class)
    void resultsAreBitIdenticalForAnyThreadCount(Precision p) {
        Scenario s = mv61(5L * CpuEngine.CHUNK + 17);
        Run one = runWithStates(s, p, 7, 1, 20);
        for (int threads : new int[]{2, 3, 8, 64}) {
            Run other = runWithStates(s, p, 7, threads, 20);
            for (int k = 0; k < one.rows().length; k++) {
                assertArrayEquals(one.rows()[k], other.rows()[k], "step " + k + ", 1 vs " + threads + " threads");
            }
            assertArrayEquals(one.states()[0], other.states()[0], "final e states, 1 vs " + threads + " threads");
            assertArrayEquals(one.states()[1], other.states()[1], "final i states, 1 vs " + threads + " threads");
        }
    }

    @Test
    void sameSeedSameRunOtherSeedOtherRun() {
        Scenario s = mv61(5000);
        double[][] a = run(s, Precision.FP64, 11, 2, 10);
        double[][] b = run(s, Precision.FP64, 11, 2, 10);
        double[][] c = run(s, Precision.FP64, 12, 2, 10);
        for (int k = 0; k < a.length; k++) {
            assertArrayEquals(a[k], b[k]);
        }
        assertTrue(a[10][1] != c[10][1], "another seed gives another trajectory");
    }

    @Test
    void initialStateHasTheRequestedMeanAndVariance() {
        Scenario s = mv61(200_000);
        try (Simulation sim = new Simulation(s, new CpuEngine(s, Precision.FP64, 3, 2), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            Observables o = sim.observables();
            // Standard errors: sqrt(k/n) = 0.0022 for the mean, sqrt(2/n) k = 0.0032 for the variance; 5 sigma.
            assertEquals(MV61_MEAN[0], o.mean()[0], 0.011);
            assertEquals(MV61_MEAN[1], o.mean()[1], 0.011);
            assertEquals(1.0, o.variance()[0], 0.016);
            assertEquals(1.0, o.variance()[1], 0.016);
        }
    }

    @Test
    void observablesMatchADirectComputationFromTheState() {
        Scenario s = mv61(10_000);
        try (Simulation sim = new Simulation(s, new CpuEngine(s, Precision.FP64, 5, 2), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            for (int k = 0; k < 5; k++) {
                sim.step();
            }
            Observables o = sim.observables();
            for (Population beta : Population.values()) {
                double[] u = new double[(int) s.n()];
                sim.engine().readState(beta, 0, u, u.length);
                double mean = 0;
                for (double x : u) {
                    mean += x;
                }
                mean /= u.length;
                double var = 0;
                double[] q = new double[2];
                for (double x : u) {
                    var += (x - mean) * (x - mean);
                    for (Population alpha : Population.values()) {
                        q[alpha.index()] += s.rate(alpha, beta).value(x);
                    }
                }
                var /= u.length;
                assertEquals(mean, o.mean()[beta.index()], 1e-12);
                assertEquals(var, o.variance()[beta.index()], 1e-12);
                for (Population alpha : Population.values()) {
                    assertEquals(q[alpha.index()] / u.length, o.q()[alpha.index()][beta.index()], 1e-12);
                }
            }
        }
    }

    @Test
    void fp32StaysCloseToFp64() {
        Scenario s = mv61(20_000);
        double[][] d = run(s, Precision.FP64, 9, 2, 50);
        double[][] f = run(s, Precision.FP32, 9, 2, 50);
        // Same random numbers; the fp32 state rounds to ~6e-8 relative each step, and a rounding can
        // flip a Poisson count only through lambda, which is computed from the rounded state.
        for (int c = 1; c <= 4; c++) {
            assertEquals(d[50][c], f[50][c], 1e-4 * Math.max(1, Math.abs(d[50][c])), "column " + c);
        }
    }

    @Test
    void heapTooSmallIsRefusedWithTheNumbers() {
        Scenario s = mv61(1L << 40);
        BadInputException e = assertThrows(BadInputException.class, () -> new CpuEngine(s, Precision.FP64, 1, 1));
        assertEquals(InputError.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("fp32 would need"), e.getMessage());
    }

    /**
     * Every bin of the histogram, the under- and overflow bins included, against a count from the
     * states read back: each neuron in exactly the bin [lo + b w, lo + (b + 1) w) it falls in.
     */
    @Test
    void histogramCountsEveryNeuronInItsBin() {
        Scenario s = mv61(10_000);
        try (CpuEngine e = new CpuEngine(s, Precision.FP64, 2, 2)) {
            e.initialize(MV61_MEAN, new double[]{1, 1});
            double lo = -7;
            double hi = -3;
            int bins = 8;
            long[] h = e.histogram(Population.E, lo, hi, bins);
            double[] u = new double[(int) s.n()];
            e.readState(Population.E, 0, u, u.length);
            long[] expected = new long[bins + 2];
            for (double x : u) {
                int b = 0;
                while (b <= bins && !(x < lo + b * (hi - lo) / bins)) {
                    b++;
                }
                expected[b]++;
            }
            assertArrayEquals(expected, h, "histogram of " + u.length + " states over [-7, -3), 8 bins");
            assertTrue(expected[0] > 0 && expected[bins + 1] > 0 && expected[1] > 0 && expected[bins] > 0,
                    "the test needs states in the outer bins: " + java.util.Arrays.toString(expected));
        }
    }
}
