package org.balnet.sim;

/**
 * Everything an engine needs for one time step, computed on the host in double (docs/design.md,
 * section 2). For neuron j of population alpha the engine draws N_{alpha beta}^j ~ Poisson(lambda_{alpha beta})
 * and sets
 * <pre>
 *   u &lt;- decay_alpha * u + halfDecay_alpha * sum_beta weight_{alpha beta} (N_{alpha beta}^j - lambda_{alpha beta}) + shift_alpha
 * </pre>
 * (Strang splitting: half decay, jumps, half decay), then accumulates the {@link PopulationSums} of the new
 * state around {@code centre}. Arrays are indexed [target][source]; e = 0, i = 1. Reused between steps: an
 * engine must not keep references past the call.
 */
public final class StepPlan {
    /** Step number k of the step from t_k to t_{k+1}, k = 0, 1, ...: the RNG counter's step word. */
    public long step;
    /** a_alpha = exp(-h / tau_alpha). */
    public final double[] decay = new double[2];
    /** b_alpha = exp(-h / (2 tau_alpha)). */
    public final double[] halfDecay = new double[2];
    /** lambda_{alpha beta} = h * sum_k f_{alpha beta}(u_beta^k), the expected spike count per target neuron. */
    public final double[][] lambda = new double[2][2];
    /** s_beta C_{alpha beta} / sqrt(n): the jump of one spike. */
    public final double[][] weight = new double[2][2];
    /** delta_alpha, the common shift of population alpha (scheme-dependent). */
    public final double[] shift = new double[2];
    /** Centre c_alpha for the shifted sums of the new state (the predicted new mean). */
    public final double[] centre = new double[2];
}
