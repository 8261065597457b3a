package org.balnet.sim.cpu;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.rng.CounterRng;
import org.balnet.rng.PoissonSampler;
import org.balnet.rng.PoissonStep;
import org.balnet.rng.Sampler;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.StepPlan;

/**
 * The O(n^2) reference: every synapse (beta, k) -> (alpha, j) draws its own Poisson count with mean
 * h f_{alpha beta}(u_beta^k), and the target receives their sum. By superposition that sum has the law of
 * the single Poisson(lambda_{alpha beta}) draw {@link CpuEngine} makes; this engine exists to show it
 * (the tests compare the two in distribution). Everything else (initial state, update, sums) is
 * CpuEngine's, which is why it extends it rather than standing beside it as a backend of its own
 * ({@link org.balnet.sim.Engine}). Limited to n &le; {@link #MAX_N}. Each synapse's count is drawn by
 * {@link PoissonSampler#sample} ({@link Sampler#PTRS}: inversion at these small means) from its own
 * address, stream {@link CounterRng#streamSynapse}, neuron word j n + k; there is no shared λ to
 * tabulate, so this engine has no table sampler.
 */
public final class PerSynapseEngine extends CpuEngine {
    /** Largest n per population: n^2 draws per pair per step. */
    public static final long MAX_N = 2000;

    private final double h;
    /** h f_{alpha beta}(u_beta^k) at the step's start, [target][source][k]. */
    private final double[][][] synapseMeans;

    public PerSynapseEngine(Scenario scenario, long seed, int threads, double h) {
        super(checkN(scenario), Precision.FP64, seed, threads, Sampler.PTRS);
        this.h = h;
        this.synapseMeans = new double[2][2][(int) n];
    }

    private static Scenario checkN(Scenario scenario) {
        if (scenario.n() > MAX_N) {
            throw InputError.outOfRange("--n", scenario.n(), "<= " + MAX_N + " for --backend per-synapse (it draws n^2 "
                    + "Poisson counts per step); use --backend cpu for larger networks");
        }
        return scenario;
    }

    @Override
    public String backend() {
        return "per-synapse";
    }

    @Override
    public PopulationSums[] step(StepPlan plan) {
        // The per-synapse intensities are frozen at the step's start, before any state is overwritten.
        RateTable rates = new RateTable(scenario);
        for (int beta = 0; beta < 2; beta++) {
            for (int k = 0; k < n; k++) {
                double u = state(beta, k);
                for (int alpha = 0; alpha < 2; alpha++) {
                    synapseMeans[alpha][beta][k] = h * rates.value(alpha, beta, u);
                }
            }
        }
        return super.step(plan);
    }

    @Override
    protected void spikeCounts(Worker w, int target, long first, int count, long step, PoissonStep laws) {
        for (int i = 0; i < count; i++) {
            long neuron = first + i;
            for (int source = 0; source < 2; source++) {
                double[] means = synapseMeans[target][source];
                int synapseStream = CounterRng.streamSynapse(target, source);
                long total = 0;
                for (int k = 0; k < n; k++) {
                    w.rng.seek(step, neuron * n + k, synapseStream);
                    total += PoissonSampler.sample(means[k], w.rng);
                }
                (source == 0 ? w.countsE : w.countsI)[i] = total;
            }
        }
    }
}
