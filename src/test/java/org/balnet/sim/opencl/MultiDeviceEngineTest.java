package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.Population;
import org.balnet.model.Scheme;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.TrajectoryRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MultiDeviceEngine} against one {@link OpenClEngine}, bit for bit, in one JVM. The slices run
 * on the one test device, several times over (a context each): the engine treats them as separate
 * devices, so this checks the split, the global neuron indices and the order of the host's additions,
 * without needing several devices. The real two-device run is {@code MultiDeviceCliTest}, in a child
 * process with two PoCL devices.
 */
@Tag("opencl")
class MultiDeviceEngineTest {
    private static final int STEPS = 12;
    private static DeviceInfo device;

    @BeforeAll
    static void findDevice() {
        device = OpenClTestDevice.device();
    }

    private static HostProfile profile(int groupsPerPopulation) {
        HostProfile p = OpenClTestDevice.profile();
        return new HostProfile(p.name(), p.description(), p.source(), p.platform(), p.device(), p.type(),
                p.precision(), p.workGroupSize(), groupsPerPopulation, p.memoryFraction(), p.slurm(), "");
    }

    /**
     * Trajectories (every moment of every step, as doubles) and the final states of both populations
     * equal the one-device engine's bit for bit, for slices of one and of several work-groups, uneven
     * splits, a partial last group, a device left without a group, and tiles above one chunk.
     */
    @ParameterizedTest(name = "n = {0}, {1} devices, {2} groups per population, {3}, {4}")
    @CsvSource({
            "20603, 2, 4096, FP64, TABLE",     // 6 groups of 4096, the last partial: 3 + 3
            "20603, 4, 4096, FP64, TABLE",     // 1 + 2 + 1 + 2
            "20603, 3, 4096, FP32, PTRS",
            "20603, 2, 2, FP64, TABLE",        // 2 groups of 12288 neurons: one each
            "5000, 3, 4096, FP64, TABLE"})     // 2 groups: the first device gets none
    void sameBitsAsOneDevice(long n, int devices, int groups, Precision precision, Sampler sampler) {
        Scenario s = OpenClEngineTest.mv61(n);
        HostProfile profile = profile(groups);
        List<DeviceInfo> many = Collections.nCopies(devices, device);
        try (OpenClEngine one = new OpenClEngine(s, precision, 5, sampler, device, profile);
             MultiDeviceEngine split = new MultiDeviceEngine(s, precision, 5, sampler, many, profile)) {
            assertEquals(one.workGroupSize(), split.workGroupSize(), split.device());
            try (Simulation a = new Simulation(s, one, Scheme.SEMI_IMPLICIT, OpenClEngineTest.H, MV61_MEAN);
                 Simulation b = new Simulation(s, split, Scheme.SEMI_IMPLICIT, OpenClEngineTest.H, MV61_MEAN)) {
                assertArrayEquals(new TrajectoryRow(0, a.observables()).values(),
                        new TrajectoryRow(0, b.observables()).values(), 0.0, "initial state on " + split.device());
                for (int k = 1; k <= STEPS; k++) {
                    assertArrayEquals(new TrajectoryRow(0, a.step()).values(), new TrajectoryRow(0, b.step()).values(),
                            0.0, "step " + k + " on " + split.device());
                }
                for (Population p : Population.values()) {
                    assertArrayEquals(states(one, p), states(split, p), 0.0, p + " states");
                    assertArrayEquals(one.histogram(p, -8, -2, 50), split.histogram(p, -8, -2, 50), p + " histogram");
                }
            }
        }
    }

    /** States written through the split engine (a resumed checkpoint) are the ones it steps from. */
    @Test
    void writtenStatesAreSteppedLikeOneDevice() {
        long n = 20603;
        Scenario s = OpenClEngineTest.mv61(n);
        HostProfile profile = profile(4096);
        double[] u = new double[(int) n];
        for (int j = 0; j < n; j++) {
            u[j] = -5 + 1e-4 * j;
        }
        try (OpenClEngine one = new OpenClEngine(s, Precision.FP64, 8, Sampler.TABLE, device, profile);
             MultiDeviceEngine split = new MultiDeviceEngine(s, Precision.FP64, 8, Sampler.TABLE,
                     Collections.nCopies(3, device), profile)) {
            try (Simulation a = new Simulation(s, one, Scheme.SEMI_IMPLICIT, OpenClEngineTest.H, MV61_MEAN);
                 Simulation b = new Simulation(s, split, Scheme.SEMI_IMPLICIT, OpenClEngineTest.H, MV61_MEAN)) {
                for (Population p : Population.values()) {
                    one.writeState(p, 0, u, u.length);
                    split.writeState(p, 0, u, u.length);
                }
                // A range that crosses the slices' boundaries, read back as written.
                double[] part = new double[9000];
                split.readState(Population.I, 5000, part, part.length);
                assertArrayEquals(Arrays.copyOfRange(u, 5000, 14000), part, 0.0);
                for (int k = 1; k <= 3; k++) {
                    assertArrayEquals(new TrajectoryRow(0, a.step()).values(), new TrajectoryRow(0, b.step()).values(),
                            0.0, "step " + k);
                }
            }
        }
    }

    /** The memory check covers every device before any allocates, and names the one short of it. */
    @Test
    void aSliceTooLargeForItsDeviceIsRefusedNamingIt() {
        DeviceInfo small = new DeviceInfo(1, device.platform(), "small", device.type(), 1, 1L << 20, 1L << 20,
                device.localMemory(), device.maxWorkGroupSize(), device.maxParameterSize(), true, device.version(),
                device.driver(), true, device.platformId(), device.deviceId());
        Scenario s = OpenClEngineTest.mv61(1_000_000);
        BadInputException e = assertThrows(BadInputException.class,
                () -> new MultiDeviceEngine(s, Precision.FP64, 1, Sampler.TABLE, List.of(device, small),
                        profile(4096)));
        assertTrue(e.getMessage().contains(small.label()) && e.getMessage().contains("neurons 499712 .. 999999"),
                e.getMessage());
    }

    private static double[] states(Engine e, Population p) {
        double[] out = new double[(int) e.n()];
        e.readState(p, 0, out, out.length);
        return out;
    }
}
