package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.sim.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The split of one network over several devices, at sizes of an 8-GPU node. No device needed. */
class DeviceSplitTest {
    /** An H200 as NVIDIA's OpenCL driver reports it: 139.8 GiB global memory, a quarter as largest allocation. */
    static final long H200_MEMORY = 150_110_011_392L;

    static List<DeviceInfo> h200s(int count) {
        List<DeviceInfo> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(new DeviceInfo(k, "NVIDIA CUDA", "NVIDIA H200", HostProfile.DeviceType.GPU, 132, H200_MEMORY,
                    H200_MEMORY / 4, 48 << 10, 1024, 4352, true, "OpenCL 3.0 CUDA", "550", true, null, null));
        }
        return out;
    }

    /**
     * The slices are the one-device layout's groups, contiguous, in device order, whole groups each, as
     * even as whole groups allow, and together exactly the network.
     */
    @ParameterizedTest(name = "n = {0} over {1} devices, {2} groups per population")
    @CsvSource({"50000, 2, 4096", "20603, 4, 4096", "5000, 3, 4096", "1000000000, 8, 32768",
            "60000000000, 8, 32768", "12345678901, 3, 4096"})
    void slicesAreWholeGroupsOfTheOneDeviceLayout(long n, int devices, int groups) {
        HostProfile p = HostProfile.load("nvidia-h200x8");
        HostProfile profile = new HostProfile(p.name(), p.description(), p.source(), p.platform(), p.device(),
                p.type(), p.precision(), p.workGroupSize(), groups, p.memoryFraction(), p.slurm(), p.devices());
        DeviceSplit split = DeviceSplit.plan(n, Precision.FP32, profile, h200s(devices));
        StateLayout one = StateLayout.plan(n, Precision.FP32, groups, H200_MEMORY / 4);
        assertEquals(one, split.whole());
        long next = 0;
        long fewest = Long.MAX_VALUE;
        long most = 0;
        for (DeviceSplit.Slice s : split.slices()) {
            assertEquals(next, s.first(), "contiguous");
            assertEquals(0, s.first() % one.tile(), "starts at a group boundary");
            assertEquals(StateLayout.ceilDiv(s.count(), one.tile()), s.groups());
            next += s.count();
            fewest = Math.min(fewest, s.groups());
            most = Math.max(most, s.groups());
        }
        assertEquals(n, next, "covers the network");
        assertTrue(most - fewest <= 1, "even to a group: " + split.describe());
        assertEquals(Math.min(devices, one.groupsPerPopulation()), split.slices().size());
        assertEquals(devices - split.slices().size(), split.unused().size());
    }

    /**
     * Memory is checked per device: 6e10 per population in fp64 needs 8 x 60 GB, which eight H200s hold and
     * one does not; 1.3e11 in fp64 fits nowhere and the message offers fp32.
     */
    @Test
    void memoryIsCheckedPerDevice() {
        HostProfile profile = HostProfile.load("nvidia-h200x8");
        DeviceSplit eight = DeviceSplit.plan(60_000_000_000L, Precision.FP64, profile, h200s(8));
        for (DeviceSplit.Slice s : eight.slices()) {
            assertTrue(s.bytes() <= s.allowed(), s.describe());
        }
        BadInputException one = assertThrows(BadInputException.class,
                () -> DeviceSplit.plan(60_000_000_000L, Precision.FP64, profile, h200s(1)));
        assertEquals(InputError.TOO_LARGE, one.kind());
        BadInputException fp64 = assertThrows(BadInputException.class,
                () -> DeviceSplit.plan(100_000_000_000L, Precision.FP64, profile, h200s(8)));
        assertTrue(fp64.getMessage().contains("[0] NVIDIA H200") && fp64.getMessage().contains("--precision fp32"),
                fp64.getMessage());
        DeviceSplit.plan(100_000_000_000L, Precision.FP32, profile, h200s(8));
    }
}
