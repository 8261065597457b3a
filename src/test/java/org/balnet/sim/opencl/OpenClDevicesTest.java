package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.balnet.sim.opencl.HostProfileTest.fake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device choice over made-up device lists: no OpenCL needed. */
class OpenClDevicesTest {
    static final List<DeviceInfo> MACHINE = List.of(
            fake(0, "Portable Computing Language", "pthread-skylake", HostProfile.DeviceType.CPU, true),
            fake(1, "Intel(R) OpenCL Graphics", "Intel(R) Arc(TM) A770", HostProfile.DeviceType.GPU, false),
            fake(2, "NVIDIA CUDA", "NVIDIA H200", HostProfile.DeviceType.GPU, true),
            fake(3, "NVIDIA CUDA", "NVIDIA H200", HostProfile.DeviceType.GPU, true));

    @Test
    void autoTakesTheFirstGpuWithFp64ThenACpuDevice() {
        HostProfile auto = HostProfile.load("auto");
        assertEquals(2, OpenClDevices.select(MACHINE, auto, null, "--device").index());
        assertEquals(0, OpenClDevices.select(MACHINE.subList(0, 2), auto, null, "--device").index());
    }

    @Test
    void theProfileFiltersDevices() {
        assertEquals(0, OpenClDevices.select(MACHINE, HostProfile.load("pocl-cpu"), null, "--device").index());
        assertEquals(2, OpenClDevices.select(MACHINE, HostProfile.load("nvidia-h200"), null, "--device").index());
        OpenClFailure e = assertThrows(OpenClFailure.class,
                () -> OpenClDevices.select(MACHINE.subList(0, 2), HostProfile.load("nvidia-h200"), null, "--device"));
        assertTrue(e.getMessage().contains("nvidia-h200") && e.getMessage().contains("without fp64"), e.getMessage());
    }

    @Test
    void aSelectorIsAnIndexOrANameSubstring() {
        HostProfile auto = HostProfile.load("auto");
        assertEquals(3, OpenClDevices.select(MACHINE, auto, "3", "--device").index());
        assertEquals(0, OpenClDevices.select(MACHINE, auto, "portable", "--device").index());
        assertEquals(2, OpenClDevices.select(MACHINE, auto, "h200", "--device").index());
        // An explicit device overrides the profile's conditions.
        assertEquals(0, OpenClDevices.select(MACHINE, HostProfile.load("nvidia-h200"), "0", "--device").index());
    }

    @Test
    void badSelectorsAreBadInput() {
        HostProfile auto = HostProfile.load("auto");
        BadInputException range = assertThrows(BadInputException.class,
                () -> OpenClDevices.select(MACHINE, auto, "4", "BALNET_OPENCL_DEVICE"));
        assertEquals(InputError.OUT_OF_RANGE, range.kind());
        assertEquals("BALNET_OPENCL_DEVICE", range.key());
        BadInputException name = assertThrows(BadInputException.class,
                () -> OpenClDevices.select(MACHINE, auto, "MI300", "--device"));
        assertEquals(InputError.UNKNOWN_CHOICE, name.kind());
        assertTrue(name.getMessage().contains("[2] NVIDIA H200"), name.getMessage());
        BadInputException noFp64 = assertThrows(BadInputException.class,
                () -> OpenClDevices.select(MACHINE, auto, "arc", "--device"));
        assertEquals(InputError.CONFLICT, noFp64.kind());
        assertTrue(noFp64.getMessage().contains("fp64"), noFp64.getMessage());
    }

    /**
     * Oclgrind reports itself as a GPU with fp64: without --device it is never chosen, not even when it
     * is the only device, whatever the profile; named, it is.
     */
    @Test
    void aSimulatorIsTakenOnlyWhenNamed() {
        DeviceInfo oclgrind = fake(0, "Oclgrind", "Oclgrind Simulator", HostProfile.DeviceType.GPU, true);
        assertTrue(oclgrind.simulator());
        List<DeviceInfo> machine = List.of(oclgrind,
                fake(1, "Portable Computing Language", "pthread-skylake", HostProfile.DeviceType.CPU, true));
        for (String profile : new String[]{"auto", "pocl-cpu"}) {
            assertEquals(1, OpenClDevices.select(machine, HostProfile.load(profile), null, "--device").index(), profile);
        }
        OpenClFailure alone = assertThrows(OpenClFailure.class,
                () -> OpenClDevices.select(List.of(oclgrind), HostProfile.load("auto"), null, "--device"));
        assertTrue(alone.getMessage().contains("(simulator)") && alone.getMessage().contains("--device names it"),
                alone.getMessage());
        assertEquals(0, OpenClDevices.select(machine, HostProfile.load("auto"), "oclgrind", "--device").index());
        assertTrue(!machine.get(1).simulator());
        assertEquals(0, OpenClDevices.select(machine, HostProfile.load("auto"), "0", "--device").index());
    }

    @Test
    void noDeviceAtAllIsARunTimeFailure() {
        OpenClFailure e = assertThrows(OpenClFailure.class,
                () -> OpenClDevices.select(List.of(), HostProfile.load("auto"), null, "--device"));
        assertTrue(e.getMessage().contains("no OpenCL platform"), e.getMessage());
    }

    @Test
    void listsAndAllSelectSeveralDevicesInTheirOrder() {
        HostProfile auto = HostProfile.load("auto");
        assertEquals(List.of(MACHINE.get(3), MACHINE.get(2)),
                OpenClDevices.selectAll(MACHINE, auto, "3, 2", "--device"));
        assertEquals(List.of(MACHINE.get(0), MACHINE.get(2), MACHINE.get(3)),
                OpenClDevices.selectAll(MACHINE, auto, "all", "--device"), "all: those with fp64");
        assertEquals(List.of(MACHINE.get(2), MACHINE.get(3)),
                OpenClDevices.selectAll(MACHINE, HostProfile.load("nvidia-h200x8"), "all", "--device"),
                "all: those the profile accepts");
        assertEquals(List.of(MACHINE.get(2)), OpenClDevices.selectAll(MACHINE, auto, "2", "--device"));
        DeviceRequest fromProfile = DeviceRequest.of(HostProfile.load("nvidia-h200x8"), null);
        if (System.getenv(OpenClDevices.DEVICE_VARIABLE) == null) {
            assertEquals("all", fromProfile.selector());
            assertEquals(DeviceRequest.PROFILE_SOURCE, fromProfile.selectorSource());
        }
    }

    @Test
    void badListsAreBadInputNamingTheValueAndTheDevices() {
        HostProfile auto = HostProfile.load("auto");
        String[][] cases = {{"0,4", "OUT_OF_RANGE", "4"}, {"2,3,2", "CONFLICT", "names [2] NVIDIA H200"},
                {"all,2", "CONFLICT", "all inside a list"}, {"2,", "CONFLICT", "an empty item"}};
        for (String[] c : cases) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> OpenClDevices.selectAll(MACHINE, auto, c[0], "--device"), c[0]);
            assertEquals(InputError.valueOf(c[1]), e.kind(), c[0] + ": " + e.getMessage());
            assertEquals("--device", e.key());
            assertTrue(e.getMessage().contains(c[2]) && e.getMessage().contains("[3] NVIDIA H200"),
                    c[0] + ": " + e.getMessage());
        }
        BadInputException noFp64 = assertThrows(BadInputException.class,
                () -> OpenClDevices.selectAll(MACHINE, auto, "0,arc", "--device"));
        assertTrue(noFp64.getMessage().contains("[1] Intel(R) Arc(TM) A770") && noFp64.getMessage().contains("no fp64"),
                noFp64.getMessage());
    }
}
