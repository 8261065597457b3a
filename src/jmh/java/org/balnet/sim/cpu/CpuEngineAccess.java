package org.balnet.sim.cpu;

/** What the benchmarks of other packages need from this one. */
public final class CpuEngineAccess {
    /** Neurons per reduction chunk of the CPU engine: one benchmark invocation covers one chunk. */
    public static final int CHUNK = CpuEngine.CHUNK;

    private CpuEngineAccess() {
    }
}
