package org.balnet.sim.opencl;

import org.balnet.io.Sizes;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.cpu.CpuEngine;

import java.util.Locale;

/**
 * How the 2n states sit on a device and how the work-groups cover them. Pure arithmetic, so that
 * sizes beyond any test machine (n &ge; 2^31, states of tens of GiB) are checked without a device.
 *
 * <ul>
 *   <li>A work-group covers {@link #tile} consecutive neurons of one population, a multiple of
 *       {@link CpuEngine#CHUNK}: as many chunks as bring the number of groups per population down to
 *       the profile's target. Groups 0 .. G-1 are population e, G .. 2G-1 population i.</li>
 *   <li>A population's state is one buffer, or, when it is larger than the device's largest
 *       allocation, several: every buffer but the last holds {@link #segmentLength} neurons, a
 *       multiple of the tile, so no work-group straddles two buffers.</li>
 *   <li>All indices are 64-bit: n per population may exceed 2^31.</li>
 * </ul>
 *
 * @param n                    neurons per population
 * @param precision            state precision
 * @param tile                 neurons per work-group
 * @param groupsPerPopulation  work-groups per population, ceil(n / tile)
 * @param segmentLength        neurons per state buffer (the last may hold fewer)
 * @param segments             state buffers per population
 */
public record StateLayout(long n, Precision precision, long tile, long groupsPerPopulation, long segmentLength,
                          int segments) {
    /**
     * Most buffers one population may be split over. Each is a kernel parameter (8 bytes); OpenCL
     * guarantees 1024 bytes of parameters, and the other parameters take under 200.
     */
    public static final int MAX_SEGMENTS = 32;

    /**
     * @param n             neurons per population, &ge; 1
     * @param precision     state precision
     * @param targetGroups  wanted work-groups per population
     * @param maxAllocation largest buffer the device allows, bytes
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when the state needs more than
     *                                            {@link #MAX_SEGMENTS} buffers per population
     */
    public static StateLayout plan(long n, Precision precision, int targetGroups, long maxAllocation) {
        long chunks = ceilDiv(n, CpuEngine.CHUNK);
        long chunksPerGroup = Math.max(1, ceilDiv(chunks, targetGroups));
        long fitChunks = maxAllocation / ((long) CpuEngine.CHUNK * precision.bytes);
        if (fitChunks < 1) {
            throw new IllegalArgumentException("a device whose largest buffer (" + maxAllocation
                    + " bytes) holds fewer than " + CpuEngine.CHUNK + " states");
        }
        // A tile must fit in one buffer.
        chunksPerGroup = Math.min(chunksPerGroup, fitChunks);
        return withTile(n, precision, chunksPerGroup * CpuEngine.CHUNK, maxAllocation);
    }

    /**
     * The layout of n neurons per population in work-groups of a given tile: a slice of a network
     * split over several devices takes the whole network's tile ({@link DeviceSplit}).
     *
     * @param tile a multiple of {@link CpuEngine#CHUNK} whose states fit one buffer of {@code maxAllocation}
     * @throws org.balnet.model.BadInputException as {@link #plan}
     */
    public static StateLayout withTile(long n, Precision precision, long tile, long maxAllocation) {
        if (tile < CpuEngine.CHUNK || tile % CpuEngine.CHUNK != 0 || tile * precision.bytes > maxAllocation) {
            throw new IllegalArgumentException("tile " + tile + ": must be a multiple of " + CpuEngine.CHUNK
                    + " whose states fit a buffer of " + maxAllocation + " bytes");
        }
        long groups = ceilDiv(n, tile);
        long tilesPerSegment = maxAllocation / (tile * precision.bytes);
        long segmentLength = Math.min(tilesPerSegment, groups) * tile;
        long segments = ceilDiv(n, segmentLength);
        if (segments > MAX_SEGMENTS) {
            throw InputError.TOO_LARGE.exception("--n", String.format(Locale.ROOT,
                    "n = %d per population in %s needs %d buffers per population of at most %s each (the "
                            + "device's largest allocation); balnet splits a population over at most %d",
                    n, precision.key, segments, Sizes.bytes(maxAllocation), MAX_SEGMENTS));
        }
        return new StateLayout(n, precision, tile, groups, segmentLength, (int) segments);
    }

    /** Elements of a population's state from one replica's block to the next: the groups' whole tiles. */
    public long replicaStride() {
        return groupsPerPopulation * tile;
    }

    /**
     * Where R replicas of this layout's network are stored: in each population's state one block per
     * replica, {@link #replicaStride} apart (padded to whole tiles, so a work-group lies in one replica and
     * one buffer), the last block n long. The result's n is the elements stored per population and its
     * segments split them as {@link #plan} does; its tile is this one's. One replica is this layout.
     *
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when the replicas need more than
     *                                            {@link #MAX_SEGMENTS} buffers per population
     */
    public StateLayout replicated(int replicas, long maxAllocation) {
        if (replicas == 1) {
            return this;
        }
        long stored = (replicas - 1) * replicaStride() + n;
        try {
            return withTile(stored, precision, tile, maxAllocation);
        } catch (BadInputException e) {
            throw InputError.TOO_LARGE.exception("--replicas", String.format(Locale.ROOT,
                    "--replicas %d of n = %d per population store %d states per population: %s; lower --replicas",
                    replicas, n, stored, e.getMessage()));
        }
    }

    /** Neurons in state buffer {@code s} of a population. */
    public long segmentNeurons(int s) {
        return Math.min(segmentLength, n - s * segmentLength);
    }

    /** Neurons of work-group {@code g} of a population (the last one may be partial). */
    public long groupNeurons(long g) {
        return Math.min(tile, n - g * tile);
    }

    /** Bytes of the states of both populations. */
    public long stateBytes() {
        return 2 * n * precision.bytes;
    }

    /** Bytes of the per-group partial sums, which cross to the host every step. */
    public long partialBytes() {
        return 2 * groupsPerPopulation * PopulationSums.WIDTH * Double.BYTES;
    }

    /** Bytes the engine allocates on the device, beyond the few hundred of the step plan. */
    public long deviceBytes() {
        return stateBytes() + partialBytes();
    }

    /**
     * The OpenCL C that names the state buffers: {@code STATE_PARAMS}, the kernel parameters
     * {@code state_e0 .. state_i<segments-1>}, and {@code SELECT_STATE(pop, segment)}, which of them
     * holds a segment (needs state.cl's {@code state_t}). Kernel arguments 0 .. 2 segments - 1 are
     * these buffers, e first.
     */
    public String openClSource() {
        StringBuilder params = new StringBuilder();
        for (String pop : new String[]{"e", "i"}) {
            for (int s = 0; s < segments; s++) {
                params.append(params.length() == 0 ? "" : ", ").append("__global state_t *restrict state_").append(pop)
                        .append(s);
            }
        }
        // Nothing here depends on n beyond the number of buffers: the same program text for every n lets
        // drivers reuse their compiled binaries (PoCL's kernel cache, NVIDIA's compute cache).
        return "/* Generated by StateLayout: " + segments + " state buffer(s) per population. */\n"
                + "#define STATE_PARAMS " + params + "\n"
                + "#define SELECT_STATE(pop, segment) ((pop) == 0 ? " + select("e") + " : " + select("i") + ")\n";
    }

    private String select(String pop) {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < segments - 1; s++) {
            b.append("(segment) == ").append(s).append(" ? state_").append(pop).append(s).append(" : ");
        }
        b.append("state_").append(pop).append(segments - 1);
        return "(" + b + ")";
    }

    /** The layout in words, for {@link org.balnet.sim.Engine#device()}. */
    public String describe() {
        String split = segments > 1 ? String.format(Locale.ROOT, ", state in %d buffers per population", segments)
                : "";
        return String.format(Locale.ROOT, "%d neurons per work-group%s", tile, split);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

}
