package org.balnet.rng;

import org.balnet.model.InputError;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the O(n) engines draw the spike counts N_αβ ~ Poisson(λ_αβ) of a step. Both are exact (each
 * within its stated rounding) and both follow counter layout {@value CounterRng#LAYOUT_VERSION}; they
 * draw different numbers, so a run keeps its sampler (run.json, checkpoints).
 */
public enum Sampler {
    /**
     * {@link PoissonTable}: per step and pair one integer inversion table built on the host; a draw
     * is one 64-bit word of the neuron's step block and a few integer comparisons. The default.
     */
    TABLE("table"),
    /**
     * {@link PoissonSampler}: inversion below λ = 10, Hörmann's PTRS above, uniforms from the pair's
     * own stream; no table. The per-synapse reference engine always draws this way, one count per
     * synapse, each with its own λ.
     */
    PTRS("ptrs"),
    /**
     * No counts at all: the exact backend simulates spike by spike ({@code --backend exact}). Never
     * named on the command line; recorded as "none" in run.json and checkpoints.
     */
    NONE("none");

    /** The sampler of a run that does not choose one. */
    public static final Sampler DEFAULT = TABLE;

    /** The name on the command line, in run.json and in checkpoints. */
    public final String key;

    Sampler(String key) {
        this.key = key;
    }

    /**
     * @param key    "table" or "ptrs"
     * @param option the option or field being parsed, for the message
     * @throws org.balnet.model.BadInputException (UNKNOWN_CHOICE) for any other name
     */
    public static Sampler fromKey(String key, String option) {
        return find(key, option, TABLE, PTRS);
    }

    /** {@link #fromKey}, also for {@link #NONE}: a sampler read back from a file balnet wrote. */
    public static Sampler fromRecordedKey(String key, String field) {
        return find(key, field, values());
    }

    private static Sampler find(String key, String option, Sampler... choices) {
        for (Sampler s : choices) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw InputError.UNKNOWN_CHOICE.exception(option, option, key,
                Arrays.stream(choices).map(s -> s.key).collect(Collectors.joining(", ")));
    }
}
