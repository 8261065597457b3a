package org.balnet.rng;

import org.balnet.sim.cpu.CpuEngineAccess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * ns per Philox4x32-10 block over one chunk of consecutive neurons (counter words c2, c3), three
 * ways: one {@link Philox4x32#block} per neuron as CounterRng calls it, {@link Philox4x32#blocks}'
 * scalar path, and {@link Philox4x32#blocks} as this JVM runs it (eight per vector instruction when
 * started with --add-modules jdk.incubator.vector on AVX-512, else the scalar path).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PhiloxBench {
    public static final int BLOCKS = CpuEngineAccess.CHUNK;
    private static final int STEP = 7;
    private static final int KEY0 = 0x1234_5678;
    private static final int KEY1 = 0x9ABC_DEF0;
    private static final int NEURON_HIGH_AND_STREAM = 5 << 24;

    private final int[] out = new int[4];
    private final long[] first = new long[BLOCKS];
    private final long[] second = new long[BLOCKS];

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long singleBlocks() {
        long acc = 0;
        for (int j = 0; j < BLOCKS; j++) {
            Philox4x32.block(0, STEP, j, NEURON_HIGH_AND_STREAM, KEY0, KEY1, out);
            acc += out[0] ^ out[1] ^ out[2] ^ out[3];
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long blocksScalar() {
        Philox4x32.blocksScalar(0, STEP, 0, NEURON_HIGH_AND_STREAM, KEY0, KEY1, 0, BLOCKS, first, second, 0);
        return first[BLOCKS - 1] ^ second[0];
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long blocks() {
        Philox4x32.blocks(0, STEP, 0, NEURON_HIGH_AND_STREAM, KEY0, KEY1, BLOCKS, first, second, 0);
        return first[BLOCKS - 1] ^ second[0];
    }
}
