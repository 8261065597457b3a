package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.sim.Precision;
import org.balnet.sim.cpu.CpuEngine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layout arithmetic, at sizes no test machine holds. No device needed. */
class StateLayoutTest {
    private static final long GIB = 1L << 30;

    /** Invariants of every layout: tiles of whole chunks, buffers of whole tiles, everything covered. */
    static void checkInvariants(StateLayout l, long maxAllocation) {
        assertEquals(0, l.tile() % CpuEngine.CHUNK, "tile " + l.tile());
        assertEquals(0, l.segmentLength() % l.tile(), "segment length " + l.segmentLength());
        assertTrue(l.segmentLength() * l.precision().bytes <= maxAllocation, "a buffer exceeds the largest allocation");
        assertTrue(l.groupsPerPopulation() * l.tile() >= l.n(), "groups cover n");
        assertTrue((l.groupsPerPopulation() - 1) * l.tile() < l.n(), "no empty group");
        long covered = 0;
        for (int s = 0; s < l.segments(); s++) {
            assertTrue(l.segmentNeurons(s) > 0);
            covered += l.segmentNeurons(s);
        }
        assertEquals(l.n(), covered);
        long groupSum = 0;
        for (long g = 0; g < l.groupsPerPopulation(); g++) {
            groupSum += l.groupNeurons(g);
        }
        assertEquals(l.n(), groupSum);
    }

    @Test
    void smallNIsOneBufferOfOneChunkPerGroup() {
        StateLayout l = StateLayout.plan(100_000, Precision.FP64, 4096, GIB);
        checkInvariants(l, GIB);
        assertEquals(CpuEngine.CHUNK, l.tile());
        assertEquals(25, l.groupsPerPopulation());
        assertEquals(1, l.segments());
        assertEquals(1_600_000, l.stateBytes());
        assertEquals(2 * 25 * 48, l.partialBytes());
    }

    /** n = 1e9 on an H200-like device: fewer, larger groups keep the partial sums small. */
    @Test
    void largeNGetsLargerTilesNotMoreGroups() {
        long maxAlloc = 35 * GIB;
        StateLayout l = StateLayout.plan(1_000_000_000L, Precision.FP32, 4096, maxAlloc);
        checkInvariants(l, maxAlloc);
        assertTrue(l.groupsPerPopulation() <= 4096);
        assertEquals(1, l.segments());
        assertTrue(l.partialBytes() <= 2 * 4096 * 48);
    }

    /** n = 5e9 per population (> 2^32) in fp64 with 32 GiB buffers: split, and every index is 64-bit. */
    @Test
    void populationsBeyondTwoToTheThirtyTwoAreSplit() {
        long n = 5_000_000_000L;
        long maxAlloc = 32 * GIB;
        StateLayout l = StateLayout.plan(n, Precision.FP64, 4096, maxAlloc);
        checkInvariants(l, maxAlloc);
        assertEquals(2, l.segments());
        assertTrue(l.segmentLength() > Integer.MAX_VALUE);
        assertEquals(80_000_000_000L, l.stateBytes());
    }

    /** A tile never exceeds one buffer, however few groups are wanted. */
    @Test
    void tilesShrinkToFitSmallBuffers() {
        long maxAlloc = 3L * CpuEngine.CHUNK * 8;
        StateLayout l = StateLayout.plan(300_000, Precision.FP64, 1, maxAlloc);
        checkInvariants(l, maxAlloc);
        assertEquals(3L * CpuEngine.CHUNK, l.tile());
        assertEquals(3L * CpuEngine.CHUNK, l.segmentLength());
        assertEquals(25, l.segments());
    }

    @Test
    void tooManyBuffersAreRefused() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> StateLayout.plan(1L << 36, Precision.FP64, 4096, GIB));
        assertEquals(InputError.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("buffers per population"), e.getMessage());
    }

    /**
     * Replicas one after another, each block padded to whole tiles: a group's tile never straddles two
     * replicas or two buffers, the last block is n long, one replica is the layout itself.
     */
    @Test
    void replicasArePaddedToWholeTiles() {
        long tiny = 2L * CpuEngine.CHUNK * Double.BYTES; // two tiles per buffer
        StateLayout one = StateLayout.plan(10_000, Precision.FP64, 4096, tiny);
        assertEquals(one, one.replicated(1, tiny));
        assertEquals(3 * CpuEngine.CHUNK, one.replicaStride());
        StateLayout three = one.replicated(3, tiny);
        checkInvariants(three, tiny);
        assertEquals(2 * 3 * CpuEngine.CHUNK + 10_000, three.n());
        assertEquals(one.tile(), three.tile());
        assertEquals(5, three.segments());
        for (int r = 0; r < 3; r++) {
            for (long g = 0; g < one.groupsPerPopulation(); g++) {
                long first = r * one.replicaStride() + g * one.tile();
                long last = first + one.groupNeurons(g) - 1;
                assertEquals(first / three.segmentLength(), last / three.segmentLength(),
                        "replica " + r + ", group " + g + " lies in one buffer");
            }
        }
        BadInputException e = assertThrows(BadInputException.class, () -> one.replicated(30, tiny));
        assertEquals(InputError.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("--replicas 30 of n = 10000"), e.getMessage());
    }

    @Test
    void generatedParametersNameEveryBuffer() {
        StateLayout l = StateLayout.plan(1_000_000, Precision.FP32, 4096, 2L * CpuEngine.CHUNK * 4 * 50);
        assertEquals(3, l.segments());
        String src = l.openClSource();
        assertTrue(src.contains("__global state_t *restrict state_e0, __global state_t *restrict state_e1, "
                + "__global state_t *restrict state_e2, __global state_t *restrict state_i0"), src);
        assertTrue(src.contains("((pop) == 0 ? ((segment) == 0 ? state_e0 : (segment) == 1 ? state_e1 : state_e2)"
                + " : ((segment) == 0 ? state_i0 : (segment) == 1 ? state_i1 : state_i2))"), src);
    }
}
