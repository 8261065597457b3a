package org.balnet.sim;

import org.balnet.model.Population;

/**
 * A backend that holds the 2n neuron states and performs the per-neuron work of a step: draw the
 * Poisson counts, update the state, accumulate the partial sums. Everything global (reductions'
 * final sums, lambda, the common shift, the scheme) is done once on the host by {@link Simulation},
 * so the two backends, {@code CpuEngine} (Java threads) and {@code OpenClEngine} (an OpenCL device), are
 * peers that differ only in where the per-neuron loop runs. {@code PerSynapseEngine}, the O(n^2)
 * reference, is not a third peer but {@code CpuEngine} with one thing changed, the draw of the spike
 * counts (one Poisson count per synapse instead of one superposed count per neuron): it extends it so
 * that the comparison of the two isolates exactly that draw.
 *
 * <p>Random numbers come from the counter-based generator with the layout of
 * {@link org.balnet.rng.CounterRng}, so every backend draws the same numbers for the same
 * (seed, step, neuron, stream).
 */
public interface Engine extends AutoCloseable {
    /** Short backend name for output: "cpu", "opencl", "per-synapse". */
    String backend();

    /** The device or thread configuration, in words. */
    String device();

    Precision precision();

    /** Neurons per population. */
    long n();

    /**
     * Draws the initial state (6.5)-(6.6), u_alpha^j = m_alpha + sqrt(k_alpha) z_alpha^j with z standard normal
     * from the initial streams, and returns the sums of it shifted by {@code mean}.
     *
     * @param mean     m_alpha, [e, i]
     * @param variance k_alpha, [e, i]
     * @return sums per source population, [e, i]
     */
    PopulationSums[] initialize(double[] mean, double[] variance);

    /** Performs one step as {@link StepPlan} describes and returns the sums of the new state. */
    PopulationSums[] step(StepPlan plan);

    /**
     * Copies the states of neurons {@code [from, from + length)} of one population into {@code dst}
     * (converted to double). For tests, histograms and checkpoints; not for the hot path.
     */
    void readState(Population population, long from, double[] dst, int length);

    /** Replaces the states of neurons {@code [from, from + length)} (for resuming from a checkpoint). */
    void writeState(Population population, long from, double[] src, int length);

    /**
     * Histogram of the states of one population over {@code bins} equal bins of [lo, hi), computed
     * where the states live (no copy of n states to the host).
     *
     * @return counts, length bins + 2: [0] below lo, [1 .. bins] the bins, [bins + 1] at or above hi
     *         (and NaN)
     */
    long[] histogram(Population population, double lo, double hi, int bins);

    @Override
    void close();
}
