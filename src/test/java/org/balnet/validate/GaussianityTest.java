package org.balnet.validate;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.junit.jupiter.api.Tag;
import org.balnet.sim.opencl.DeviceRequest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lemma 5.2 at a finite n: the states of the network look like an i.i.d. Gaussian sample. On mv-6.1 at
 * n = 5000, t = 2, the KS distance of u_alpha to N(v-hat_alpha, K-hat_alpha) (histogram path, as
 * {@code validate} computes it) over 30 replicas must have the same law as the same statistic for n i.i.d.
 * normal samples with their own mean and variance (Lilliefors' statistic; 400 reference samples).
 * Two-sample KS test per population, alpha = 0.01 / 2 (Bonferroni). Measured: p = 0.85 (e) and 0.57 (i).
 */
@Tag("slow")
class GaussianityTest {
    @Test
    void networkKsStatisticHasTheLawOfAnIidGaussianSamples() {
        long n = 5000;
        double tEnd = 2.0;
        int replicas = 30;
        int reference = 400;
        Scenario base = ScenarioLoader.load("mv-6.1").withN(n);
        InitialPoint init = InitialPoint.resolve(base);
        double[][] network = new double[2][replicas];
        for (int r = 0; r < replicas; r++) {
            Scenario s = base.withRun(new Scenario.RunSettings(tEnd, OptionalDouble.empty(), 0.01,
                    ReplicaSeeds.of(21, n, r), base.run().scheme()));
            Replica run = Replica.simulate(new Replica.Spec(s, init, "cpu", Precision.FP64, Sampler.DEFAULT,
                    DeviceRequest.defaults(), 2, Simulation.DEFAULT_IMBALANCE_LIMIT, new long[]{200}), r, Replica.QUIET);
            for (StateHistogram h : run.histograms()) {
                network[h.population().index()][r] = GaussianDistance.compare(h, h.sampleMean(),
                        Math.sqrt(h.sampleVariance())).ks();
            }
        }
        NormalDistribution z = new NormalDistribution(new Well19937c(5), 0, 1);
        double[] iid = new double[reference];
        for (int m = 0; m < reference; m++) {
            StateHistogram h = GaussianDistanceTest.histogram(z.sample((int) n));
            iid[m] = GaussianDistance.compare(h, h.sampleMean(), Math.sqrt(h.sampleVariance())).ks();
        }
        double alpha = 0.01 / 2;
        String[] label = {"e", "i"};
        for (int p = 0; p < 2; p++) {
            double pValue = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(network[p], iid);
            assertTrue(pValue > alpha, String.format(Locale.ROOT,
                    "u_%s at n = %d, t = %s: KS to the fitted Gaussian over %d replicas (mean %.4f) differs in law "
                            + "from that of i.i.d. normal samples (mean %.4f): two-sample KS p = %.3g <= alpha = %s",
                    label[p], n, tEnd, replicas, Arrays.stream(network[p]).average().orElse(Double.NaN),
                    Arrays.stream(iid).average().orElse(Double.NaN), pValue, alpha));
        }
    }
}
