package org.balnet.sim;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;

/**
 * The host's share of an OpenCL step: adding the work-groups' partial sums, both populations, group
 * after group (OpenClEngine.addPartials; a MultiDeviceEngine does the same additions, slice after
 * slice). Microseconds per step for a total of {@code groups} work-groups per population: 4096 for
 * one GPU under nvidia-h200, 32768 over eight under nvidia-h200x8.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostReductionBench {
    /** Neurons per group, for the counts; the additions do not depend on it. */
    private static final long TILE = 4096;

    @Param({"4096", "32768"})
    public int groups;

    private double[] partials;

    @Setup
    public void fill() {
        SplittableRandom random = new SplittableRandom(1);
        partials = new double[2 * groups * PopulationSums.WIDTH];
        for (int k = 0; k < partials.length; k++) {
            partials[k] = random.nextDouble();
        }
    }

    @Benchmark
    public PopulationSums[] addBothPopulations() {
        PopulationSums[] out = {new PopulationSums(), new PopulationSums()};
        for (int p = 0; p < 2; p++) {
            for (int g = 0; g < groups; g++) {
                out[p].addFlat(partials, (p * groups + g) * PopulationSums.WIDTH, TILE);
            }
        }
        return out;
    }
}
