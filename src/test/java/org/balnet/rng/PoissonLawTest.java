package org.balnet.rng;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The power that {@link PoissonLaw}'s Javadoc states, shown on samples from Commons Math's own
 * Poisson generator at lambda = 1000, n = 1e6, each check at the sampler test's level: true Poisson
 * passes; a mean 3e-4 too high, a variance 1.5% too wide (about twice the errors detected with
 * probability 0.8) and a rounded normal of the right mean and variance are each rejected.
 */
class PoissonLawTest {
    static final double LAMBDA = 1000;
    static final int N = 1_000_000;

    private static long[] sample(LongSupplier draw) {
        long[] x = new long[N];
        for (int i = 0; i < N; i++) {
            x[i] = draw.getAsLong();
        }
        return x;
    }

    private static PoissonDistribution poisson(double lambda, long seed) {
        return new PoissonDistribution(new Well19937c(seed), lambda, PoissonDistribution.DEFAULT_EPSILON,
                PoissonDistribution.DEFAULT_MAX_ITERATIONS);
    }

    private static boolean rejected(List<PoissonLaw.Check> checks, String name) {
        return checks.stream().anyMatch(c -> c.name().startsWith(name) && c.p() <= PoissonSamplerTest.ALPHA_EACH);
    }

    @Test
    void passesPoissonAndRejectsWhatItShouldDetect() {
        PoissonDistribution exact = poisson(LAMBDA, 1);
        List<PoissonLaw.Check> ok = PoissonLaw.checks(LAMBDA, sample(exact::sample));
        assertFalse(ok.stream().anyMatch(c -> c.p() <= PoissonSamplerTest.ALPHA_EACH), "Poisson rejected: " + ok);

        PoissonDistribution shifted = poisson(LAMBDA * (1 + 3e-4), 2);
        List<PoissonLaw.Check> mean = PoissonLaw.checks(LAMBDA, sample(shifted::sample));
        assertTrue(rejected(mean, "mean"), "mean 3e-4 high not rejected: " + mean);

        // Poisson(lambda (1 - e)) + 2 Poisson(e lambda / 2): mean lambda, variance lambda (1 + e).
        double e = 0.015;
        PoissonDistribution most = poisson(LAMBDA * (1 - e), 3);
        PoissonDistribution doubled = poisson(e * LAMBDA / 2, 4);
        List<PoissonLaw.Check> wide = PoissonLaw.checks(LAMBDA, sample(() -> most.sample() + 2L * doubled.sample()));
        assertTrue(rejected(wide, "dispersion"), "variance 1.5% wide not rejected: " + wide);

        Well19937c g = new Well19937c(5);
        List<PoissonLaw.Check> normal = PoissonLaw.checks(LAMBDA,
                sample(() -> Math.round(LAMBDA + Math.sqrt(LAMBDA) * g.nextGaussian())));
        assertTrue(rejected(normal, "chi-square"), "rounded normal not rejected: " + normal);
    }
}
