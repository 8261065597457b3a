package org.balnet.sim;

import org.balnet.model.Population;
import org.balnet.rng.Sampler;

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
 * {@link org.balnet.rng.CounterRng}, so every tau-leaped backend draws the same numbers for the same
 * (seed, step, neuron, stream).
 *
 * <p>One backend is not tau-leaped: {@code exact} ({@link org.balnet.sim.exact.ExactEngine}) simulates the
 * continuous-time network event by event and has no time step ({@link #eventDriven()}). For it a step is
 * one record interval, of which it uses only the plan's step number and centre; its random numbers have
 * their own layout ({@code EventRng}).
 */
public interface Engine extends AutoCloseable {
    /** Short backend name for output: "cpu", "opencl", "per-synapse", "exact". */
    String backend();

    /**
     * True for a backend that simulates the continuous-time dynamics exactly over each step, with no time
     * step of its own: it takes from the {@link StepPlan} only the step number and the centre of the sums,
     * and the common-mode scheme does not apply to it.
     */
    default boolean eventDriven() {
        return false;
    }

    /**
     * Work counters of the run so far, for run.json and bench (the exact backend's candidates and
     * spikes); empty for the tau-leaped backends, whose work is 2n per step.
     */
    default java.util.Map<String, Object> counters() {
        return java.util.Map.of();
    }

    /** The device or thread configuration, in words. */
    String device();

    Precision precision();

    /** How the engine draws the spike counts (recorded with every run and checkpoint). */
    Sampler sampler();

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

    /**
     * Performs one step as {@link StepPlan} describes (an event-driven backend: simulates the step's
     * interval) and returns the sums of the new state.
     */
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
