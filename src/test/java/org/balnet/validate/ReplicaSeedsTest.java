package org.balnet.validate;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaSeedsTest {
    @Test
    void seedsAreDeterministicNonNegativeAndDistinctAcrossSizesAndReplicas() {
        Set<Long> seen = new HashSet<>();
        long[] sizes = {1000, 5000, 10_000, 100_000, 1_000_000_000L};
        for (long base : new long[]{0, 1, 2}) {
            for (long n : sizes) {
                for (int r = 0; r < 100; r++) {
                    long s = ReplicaSeeds.of(base, n, r);
                    assertTrue(s >= 0, "seed " + s);
                    assertTrue(seen.add(s), "seed repeated: base " + base + ", n " + n + ", replica " + r);
                    assertEquals(s, ReplicaSeeds.of(base, n, r));
                }
            }
        }
    }
}
