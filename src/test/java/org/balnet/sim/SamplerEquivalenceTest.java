package org.balnet.sim;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.rng.Sampler;
import org.balnet.sim.cpu.CpuEngine;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two samplers draw different numbers but the same law, so the simulations they drive must agree
 * in distribution: v-hat and K-hat after 50 steps over independent replicas, two-sample KS.
 */
class SamplerEquivalenceTest {
    private static final int REPLICAS = 200;
    private static final int STEPS = 50;
    private static final long N = 2000;
    private static final double H = 0.01;
    /** Family-wise alpha over the four observables, Bonferroni. */
    private static final double ALPHA = 1e-3 / 4;

    @Test
    void tableAndPtrsGiveTheSameLawOfTheObservables() {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(N);
        InitialPoint init = InitialPoint.resolve(s);
        double[][][] end = new double[2][4][REPLICAS];
        Sampler[] samplers = {Sampler.TABLE, Sampler.PTRS};
        for (int k = 0; k < 2; k++) {
            for (int r = 0; r < REPLICAS; r++) {
                // distinct seeds: the two samples must be independent
                long seed = 7_000 + 1_000 * k + r;
                try (Simulation sim = new Simulation(s, new CpuEngine(s, Precision.FP64, seed, 1, samplers[k]),
                        Scheme.SEMI_IMPLICIT, H, init.mean())) {
                    for (int step = 0; step < STEPS; step++) {
                        sim.step();
                    }
                    Observables o = sim.observables();
                    double[] values = {o.mean()[0], o.mean()[1], o.variance()[0], o.variance()[1]};
                    for (int c = 0; c < 4; c++) {
                        end[k][c][r] = values[c];
                    }
                }
            }
        }
        String[] names = {"v_e", "v_i", "K_e", "K_i"};
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        for (int c = 0; c < 4; c++) {
            double p = ks.kolmogorovSmirnovTest(end[0][c], end[1][c]);
            assertTrue(p > ALPHA, String.format(Locale.ROOT, "%s after %d steps (t = %s), n = %d, %d replicas each: "
                    + "table and ptrs differ in law, two-sample KS p = %.3g <= alpha = %.3g", names[c], STEPS,
                    STEPS * H, N, REPLICAS, p, ALPHA));
            System.out.printf(Locale.ROOT, "table vs ptrs, %s at t = %s: KS p = %.3g%n", names[c], STEPS * H, p);
        }
    }
}
