package org.balnet.cli;

import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import picocli.CommandLine.Option;

/** {@code --sampler}: how the commands that simulate draw the spike counts. */
public final class SamplerOption {
    @Option(names = "--sampler", paramLabel = "S",
            description = "How spike counts are drawn: table (default: an exact integer inversion table per step and "
                    + "pair, one 64-bit word per count) or ptrs (Hörmann's PTRS, the sampler of counter layout 1); "
                    + "--backend per-synapse always draws ptrs.")
    String sampler;

    /** Whether {@code --sampler} was given. */
    boolean given() {
        return sampler != null;
    }

    /**
     * The sampler for a backend: the one named (exit 2 for an unknown name, or table with per-synapse),
     * else {@link Backends#defaultSampler}.
     */
    Sampler resolve(String backend) {
        if (sampler == null) {
            return Backends.defaultSampler(backend);
        }
        return Backends.checkSampler(backend, Sampler.fromKey(sampler, "--sampler"));
    }
}
