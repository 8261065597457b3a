package org.balnet.rng;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A chunk of neurons drawn together ({@link PoissonStep#drawChunk}: the table sampler's step blocks
 * computed several at a time) gives every neuron the counts it gets alone ({@link PoissonStep#draw}),
 * across the 2^32 boundary of the neuron index and for chunk lengths that are no multiple of a vector.
 */
class PoissonStepTest {
    @ParameterizedTest
    @EnumSource(Sampler.class)
    void aChunkDrawsWhatEachNeuronDrawsAlone(Sampler sampler) {
        double[][] lambda = {{0.3, 37}, {5003, 1.2e6}};
        PoissonStep laws = PoissonStep.prepare(sampler, lambda);
        long seed = 0xC4_0C4L;
        CounterRng rng = new CounterRng(seed);
        CounterRng second = new CounterRng(seed);
        long[] alone = new long[2];
        for (long first : new long[]{0, (1L << 32) - 1000, CounterRng.MAX_NEURON - 2000}) {
            for (int count : new int[]{1, 7, 1001}) {
                for (int target = 0; target < 2; target++) {
                    long[] countsE = new long[count];
                    long[] countsI = new long[count];
                    laws.drawChunk(rng, second, 77, first, target, count, countsE, countsI);
                    for (int i = 0; i < count; i++) {
                        laws.draw(rng, second, 77, first + i, target, alone);
                        String where = sampler.key + ", neuron " + (first + i) + ", target " + target;
                        assertEquals(alone[0], countsE[i], where + ": N_e");
                        assertEquals(alone[1], countsI[i], where + ": N_i");
                    }
                }
            }
        }
    }
}
