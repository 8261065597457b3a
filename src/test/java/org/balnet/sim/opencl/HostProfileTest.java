package org.balnet.sim.opencl;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.sim.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostProfileTest {
    static DeviceInfo fake(int index, String platform, String name, HostProfile.DeviceType type, boolean fp64) {
        return new DeviceInfo(index, platform, name, type, 8, 16L << 30, 4L << 30, 48 << 10, 1024, 4352, fp64,
                "OpenCL 3.0", "1.0", true, null, null);
    }

    @Test
    void builtInProfilesLoad() {
        for (String name : HostProfile.BUILT_IN) {
            HostProfile p = HostProfile.load(name);
            assertEquals(name, p.name());
            assertEquals(Precision.FP64, p.precision());
        }
        HostProfile h200 = HostProfile.load("nvidia-h200");
        assertEquals(256, h200.workGroupSize());
        assertEquals(4096, h200.groupsPerPopulation());
        assertEquals(0.9, h200.memoryFraction());
        assertTrue(h200.matches(fake(0, "NVIDIA CUDA", "NVIDIA H200", HostProfile.DeviceType.GPU, true)));
        assertFalse(h200.matches(fake(0, "NVIDIA CUDA", "NVIDIA A100-SXM4-80GB", HostProfile.DeviceType.GPU, true)));
        HostProfile node = HostProfile.load("nvidia-h200x8");
        assertEquals("all", node.devices());
        assertEquals("", h200.devices());
        assertTrue(node.matches(fake(7, "NVIDIA CUDA", "NVIDIA H200", HostProfile.DeviceType.GPU, true)));
        HostProfile pocl = HostProfile.load("pocl-cpu");
        assertTrue(pocl.matches(fake(0, "Portable Computing Language", "pthread-x", HostProfile.DeviceType.CPU, true)));
        assertFalse(pocl.matches(fake(0, "Intel(R) OpenCL", "Xeon", HostProfile.DeviceType.CPU, true)));
        HostProfile auto = HostProfile.load("auto");
        assertTrue(auto.matches(fake(0, "anything", "at all", HostProfile.DeviceType.ACCELERATOR, true)));
    }

    @Test
    void aFileLoadsAndMissingKeysTakeDefaults(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("lab.toml");
        Files.writeString(f, "[device]\nname = \"A100\"\n[run]\nprecision = \"fp32\"\nwork_group_size = 128\n");
        HostProfile p = HostProfile.load(f.toString());
        assertEquals("lab", p.name());
        assertEquals("A100", p.device());
        assertEquals(HostProfile.DeviceType.ANY, p.type());
        assertEquals(Precision.FP32, p.precision());
        assertEquals(128, p.workGroupSize());
        assertEquals(4096, p.groupsPerPopulation());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertKind(InputError.UNKNOWN_KEY, "host.run.work_group", "[run]\nwork_group = 64\n");
        assertKind(InputError.OUT_OF_RANGE, "host.run.work_group_size", "[run]\nwork_group_size = 96\n");
        assertKind(InputError.OUT_OF_RANGE, "host.run.work_group_size", "[run]\nwork_group_size = 8192\n");
        assertKind(InputError.OUT_OF_RANGE, "host.run.memory_fraction", "[run]\nmemory_fraction = 0\n");
        assertKind(InputError.OUT_OF_RANGE, "host.run.memory_fraction", "[run]\nmemory_fraction = nan\n");
        assertKind(InputError.OUT_OF_RANGE, "host.run.groups_per_population", "[run]\ngroups_per_population = 0\n");
        assertKind(InputError.WRONG_TYPE, "host.run.work_group_size", "[run]\nwork_group_size = \"big\"\n");
        assertKind(InputError.UNKNOWN_CHOICE, "host.run.precision", "[run]\nprecision = \"fp16\"\n");
        assertKind(InputError.UNKNOWN_CHOICE, "host.device.type", "[device]\ntype = \"fpga\"\n");
        assertKind(InputError.SYNTAX, "--host", "[run\n");
    }

    @Test
    void theSlurmSectionSaysWhatATaskAsksFor() {
        HostProfile.Slurm h200 = HostProfile.load("nvidia-h200").slurm();
        assertEquals("gpu:1", h200.gres());
        assertTrue(h200.hasGres());
        assertEquals(2, h200.cpusPerTask());
        // no GPU, no GRES: a node without GRES refuses any --gres (docs/slurm.md)
        assertFalse(HostProfile.load("pocl-cpu").slurm().hasGres());
        assertEquals(HostProfile.Slurm.NONE, HostProfile.load("auto").slurm());
        assertEquals(HostProfile.Slurm.NONE, HostProfile.parse("[run]\nprecision = \"fp32\"\n", "t", "t").slurm());
        HostProfile.Slurm s = HostProfile.parse("[slurm]\ngres = \"gpu:h200:1\"\npartition = \"gpu,gpu-long\"\n"
                + "time = \"1-12:00:00\"\ncpus_per_task = 4\nmem = \"64G\"\n", "t", "t").slurm();
        assertEquals(new HostProfile.Slurm("gpu:h200:1", "gpu,gpu-long", "1-12:00:00", 4, "64G"), s);
    }

    @Test
    void slurmTimeLimitsReadAsSbatchReadsThem() {
        assertEquals(30 * 60, HostProfile.timeSeconds("30"));
        assertEquals(30 * 60 + 5, HostProfile.timeSeconds("30:05"));
        assertEquals(2 * 3600 + 30 * 60 + 5, HostProfile.timeSeconds("2:30:05"));
        assertEquals(86_400 + 12 * 3600, HostProfile.timeSeconds("1-12"));
        assertEquals(86_400 + 12 * 3600 + 60, HostProfile.timeSeconds("1-12:01"));
        assertEquals(2 * 86_400 + 1, HostProfile.timeSeconds("2-0:0:1"));
    }

    @Test
    void badSlurmValuesAreRefusedNamingTheKey() {
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.gres", "[slurm]\ngres = \"gpu 1\"\n");
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.gres", "[slurm]\ngres = \"gpu:1;rm\"\n");
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.partition", "[slurm]\npartition = \"a b\"\n");
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.time", "[slurm]\ntime = \"one day\"\n");
        // two minutes: the warning 120 s before the limit would come at the start
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.time", "[slurm]\ntime = \"2\"\n");
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.cpus_per_task", "[slurm]\ncpus_per_task = -1\n");
        assertKind(InputError.WRONG_TYPE, "host.slurm.cpus_per_task", "[slurm]\ncpus_per_task = \"4\"\n");
        assertKind(InputError.OUT_OF_RANGE, "host.slurm.mem", "[slurm]\nmem = \"32GB\"\n");
        assertKind(InputError.UNKNOWN_KEY, "host.slurm.account", "[slurm]\naccount = \"x\"\n");
    }

    @Test
    void anUnknownNameIsRefused() {
        BadInputException e = assertThrows(BadInputException.class, () -> HostProfile.load("no-such-host"));
        assertEquals(InputError.UNKNOWN_CHOICE, e.kind());
        assertEquals("--host", e.key());
        assertTrue(e.getMessage().contains("nvidia-h200"), e.getMessage());
    }

    private static void assertKind(InputError kind, String key, String text) {
        BadInputException e = assertThrows(BadInputException.class, () -> HostProfile.parse(text, "test", "test"));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
    }
}
