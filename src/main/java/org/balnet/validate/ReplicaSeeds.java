package org.balnet.validate;

import org.balnet.model.Scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The RNG key of each replica of a validation or reproduction, derived from one base seed so that a
 * whole study is reproduced by {@code --seed} alone. Every (n, replica) pair gets its own key: with
 * one key for all n, the first neurons of a small network would draw the same initial states
 * (and the same uniforms) as those of a larger one, and the errors at different n would be
 * correlated, which the regression over n assumes they are not.
 */
public final class ReplicaSeeds {
    /** Odd constant of SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): 2^64 / golden ratio. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private ReplicaSeeds() {
    }

    /**
     * The key of replica {@code replica} (0-based) at {@code n} neurons per population: SplitMix64's
     * finaliser applied to the base seed, mixed with n and then with the replica number. Always &ge; 0
     * (the simulator's seeds are non-negative).
     */
    public static long of(long baseSeed, long n, int replica) {
        long z = mix(baseSeed + GOLDEN_GAMMA);
        z = mix(z ^ (n * GOLDEN_GAMMA));
        z = mix(z + (replica + 1L) * GOLDEN_GAMMA);
        return z >>> 1;
    }

    /**
     * R replicas of a network: replica r is {@code scenario} with the seed {@link #of}(its seed, its n, r), as
     * {@code validate} derives them, so that replica r of {@code simulate --replicas R --seed S} is
     * {@code simulate --seed <that seed>} alone.
     */
    public static List<Scenario> scenarios(Scenario scenario, int replicas) {
        Scenario.RunSettings rs = scenario.run();
        List<Scenario> out = new ArrayList<>(replicas);
        for (int r = 0; r < replicas; r++) {
            out.add(scenario.withRun(new Scenario.RunSettings(rs.tEnd(), rs.dt(), rs.recordEvery(),
                    of(rs.seed(), scenario.n(), r), rs.scheme())));
        }
        return out;
    }

    /** SplitMix64's output function (a bijection of 64-bit words). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
