package org.balnet.sim;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.cpu.CpuEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuEngineTest {
    /** mv-6.1's balanced point (DESIGN.md); the tests here do not need it to be exact. */

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

    @ParameterizedTest
    @EnumSource(Precision.class)
    void resultsAreBitIdenticalForAnyThreadCount(Precision p) {
        // n not a multiple of the chunk, so the last chunk is partial.
        Scenario s = mv61(3 * CpuEngine.CHUNK + 123);
        double[][] one = run(s, p, 7, 1, 20);
        double[][] two = run(s, p, 7, 2, 20);
        double[][] three = run(s, p, 7, 3, 20);
        for (int k = 0; k < one.length; k++) {
            assertArrayEquals(one[k], two[k], "step " + k + ", 1 vs 2 threads");
            assertArrayEquals(one[k], three[k], "step " + k + ", 1 vs 3 threads");
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

    @Test
    void histogramCountsEveryNeuronOnce() {
        Scenario s = mv61(10_000);
        try (CpuEngine e = new CpuEngine(s, Precision.FP64, 2, 2)) {
            e.initialize(MV61_MEAN, new double[]{1, 1});
            long[] h = e.histogram(Population.E, -7, -3, 8);
            long total = 0;
            for (long c : h) {
                total += c;
            }
            assertEquals(s.n(), total);
            double[] u = new double[(int) s.n()];
            e.readState(Population.E, 0, u, u.length);
            long inThirdBin = java.util.Arrays.stream(u).filter(x -> x >= -6 && x < -5.5).count();
            assertEquals(inThirdBin, h[3]);
            long below = java.util.Arrays.stream(u).filter(x -> x < -7).count();
            assertEquals(below, h[0]);
        }
    }
}
