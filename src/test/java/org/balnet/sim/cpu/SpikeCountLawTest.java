package org.balnet.sim.cpu;

import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.PoissonLaw;
import org.balnet.sim.Engine;
import org.balnet.sim.Precision;
import org.balnet.sim.StepPlan;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact one-step law of the spike counts, for the per-synapse engine and for the superposition
 * engine alike: from a fixed state u, the count N_{alpha beta}^j that target j receives from source
 * population beta over one step must be Poisson(lambda_{alpha beta}), lambda = h sum_k f_{alpha beta}(u_beta^k),
 * independently over targets and steps. For the per-synapse engine this is the superposition theorem
 * (a sum of n independent Poisson(h f(u^k)) draws), which the O(n) engine relies on; a per-synapse
 * draw with the wrong mean (the target's state instead of the source's, a missing synapse, the
 * wrong h) shows here at once.
 *
 * <p>The counts are read back from the states: the plan sets decay 1, shift 0 and weights 1 (source
 * e) and {@value #SECOND_SOURCE_WEIGHT} (source i), so u' - u + lambda_e + W lambda_i = N_e + W N_i, an
 * integer (to round-off) that gives both counts. The state is written back before every step, and
 * each step uses its own counter, so the {@value #STEPS} steps give n x {@value #STEPS} = 1e5
 * independent counts per (target, source) pair, each tested by {@link PoissonLaw} at
 * alpha = 1e-3 / 24 (Bonferroni over 2 engines, 4 pairs, 3 checks). With lambda from 4.1 to 5.8
 * (mv-6.1 near its balanced point) that detects (probability 0.8) a relative error of the mean of 0.65%
 * to 0.8% and of the variance of 2.3%; a per-synapse engine that drops one synapse in 100 (1%) fails.
 */
@Tag("slow")
class SpikeCountLawTest {
    static final long N = 100;
    /** Step of the per-synapse means h f(u): lambda = h n f of about 4 to 6. */
    static final double H = 0.1;
    static final int STEPS = 1000;
    /** A power of two, so that N_e + W N_i is exact; far above any N_e (lambda about 10). */
    static final double SECOND_SOURCE_WEIGHT = 1024;
    static final double ALPHA_EACH = 1e-3 / 24;
    static final long SEED = 2024;

    static Engine engine(String kind, Scenario s) {
        return kind.equals("per-synapse") ? new PerSynapseEngine(s, SEED, 2, H)
                : new CpuEngine(s, Precision.FP64, SEED, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"per-synapse", "superposition"})
    void countsFromAFixedStateArePoisson(String kind) {
        Scenario s = ScenarioLoader.load("mv-6.1").withN(N);
        int n = (int) N;
        try (Engine engine = engine(kind, s)) {
            engine.initialize(new double[]{-5.03, -1.28}, new double[]{1, 1});
            double[][] u = new double[2][n];
            for (Population p : Population.values()) {
                engine.readState(p, 0, u[p.index()], n);
            }
            StepPlan plan = new StepPlan();
            for (Population alpha : Population.values()) {
                int a = alpha.index();
                plan.decay[a] = 1;
                plan.halfDecay[a] = 1;
                plan.shift[a] = 0;
                plan.centre[a] = u[a][0];
                plan.weight[a][0] = 1;
                plan.weight[a][1] = SECOND_SOURCE_WEIGHT;
                for (Population beta : Population.values()) {
                    double sum = 0;
                    for (double x : u[beta.index()]) {
                        sum += s.rate(alpha, beta).value(x);
                    }
                    plan.lambda[a][beta.index()] = H * sum;
                }
            }
            long[][][] counts = new long[2][2][n * STEPS];
            double[] after = new double[n];
            for (int k = 0; k < STEPS; k++) {
                plan.step = 1 + k;
                engine.step(plan);
                for (Population alpha : Population.values()) {
                    int a = alpha.index();
                    engine.readState(alpha, 0, after, n);
                    for (int j = 0; j < n; j++) {
                        double both = after[j] - u[a][j] + plan.lambda[a][0] + SECOND_SOURCE_WEIGHT * plan.lambda[a][1];
                        long nearest = Math.round(both);
                        assertTrue(Math.abs(both - nearest) < 1e-6, String.format(Locale.ROOT,
                                "%s, step %d, neuron %s%d: u' - u + lambda_e + W lambda_i = %.9f is not an integer",
                                kind, plan.step, alpha.label, j, both));
                        long countI = Math.floorDiv(nearest + (long) SECOND_SOURCE_WEIGHT / 2, (long) SECOND_SOURCE_WEIGHT);
                        counts[a][0][k * n + j] = nearest - countI * (long) SECOND_SOURCE_WEIGHT;
                        counts[a][1][k * n + j] = countI;
                    }
                    engine.writeState(alpha, 0, u[a], n);
                }
            }
            List<String> seen = new ArrayList<>();
            for (Population alpha : Population.values()) {
                for (Population beta : Population.values()) {
                    double lambda = plan.lambda[alpha.index()][beta.index()];
                    long[] x = counts[alpha.index()][beta.index()];
                    List<PoissonLaw.Check> checks = PoissonLaw.checks(lambda, x);
                    PoissonLaw.assertAll(checks, lambda, x.length, ALPHA_EACH,
                            kind + " N_" + alpha.label + beta.label);
                    seen.add(String.format(Locale.ROOT, "N_%s%s lambda %.3f", alpha.label, beta.label, lambda));
                }
            }
            System.out.println(kind + " one-step counts Poisson: " + seen);
        }
    }
}
