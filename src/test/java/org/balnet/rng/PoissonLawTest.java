package org.balnet.rng;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The power that {@link PoissonLaw}'s Javadoc states, shown on samples from Commons Math's own
 * Poisson generator (independent of balnet's sampler) at n = 1e5, each check at the sampler test's
 * level 1e-3 / 36: at lambda = 1000 true Poisson passes, a mean 1e-3 too high and a variance 4.5% too
 * wide are rejected (twice the errors the formulas give for probability 0.8: 5.0e-4 and 2.25%); at
 * lambda = 30 a rounded normal of the right mean and variance (the wrong shape: no skewness) is
 * rejected by the chi-square.
 */
@Tag("slow")
class PoissonLawTest {
    static final double LAMBDA = 1000;
    static final int N = 100_000;

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

        PoissonDistribution shifted = poisson(LAMBDA * (1 + 1e-3), 2);
        List<PoissonLaw.Check> mean = PoissonLaw.checks(LAMBDA, sample(shifted::sample));
        assertTrue(rejected(mean, "mean"), "mean 1e-3 high not rejected: " + mean);

        // Poisson(lambda (1 - e)) + 2 Poisson(e lambda / 2): mean lambda, variance lambda (1 + e).
        double e = 0.045;
        PoissonDistribution most = poisson(LAMBDA * (1 - e), 3);
        PoissonDistribution doubled = poisson(e * LAMBDA / 2, 4);
        List<PoissonLaw.Check> wide = PoissonLaw.checks(LAMBDA, sample(() -> most.sample() + 2L * doubled.sample()));
        assertTrue(rejected(wide, "dispersion"), "variance 4.5% wide not rejected: " + wide);

        double small = 30;
        Well19937c g = new Well19937c(5);
        List<PoissonLaw.Check> normal = PoissonLaw.checks(small,
                sample(() -> Math.round(small + Math.sqrt(small) * g.nextGaussian())));
        assertTrue(rejected(normal, "chi-square"), "rounded normal not rejected: " + normal);
    }
}
