package org.balnet.cli;

import org.balnet.cli.ChildJvm.Exit;
import org.balnet.sim.opencl.OpenClTestDevice;
import org.balnet.sim.run.RecordedRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One network on two OpenCL devices through the command line, in a child JVM whose PoCL has two
 * devices ({@value #TWO_DEVICES}: PoCL reads it once per process, so the test JVM cannot). The
 * trajectory must be byte-identical to one device's, for {@code 0,1} and {@code all}; a two-device run
 * interrupted at a checkpoint and resumed (on two devices, and on one) must equal the uninterrupted
 * run; bad lists exit 2 naming the value and the devices. Where PoCL cannot give two devices the test
 * is skipped with the reason, and fails under {@value OpenClTestDevice#REQUIRE_VARIABLE}=1 (CI).
 */
@Tag("opencl")
@Tag("slow")
class MultiDeviceCliTest {
    /** PoCL 3.1's device list: two pthread devices in one platform (the name "cpu" does not work there). */
    static final String TWO_DEVICES = "pthread pthread";
    /** 13 work-groups of 4096 per population, the last partial: 6 on one device, 7 on the other. */
    private static final long N = 50_000;
    private static final Map<String, String> ENVIRONMENT = Map.of("POCL_DEVICES", TWO_DEVICES);

    private static ChildJvm balnet;

    @TempDir
    static Path launcherDirectory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void twoDevices() throws IOException, InterruptedException {
        OpenClTestDevice.device();
        balnet = new ChildJvm(launcherDirectory, 300);
        Exit listed = balnet.run(ENVIRONMENT, "devices", "--device", "0,1", "--n", Long.toString(N));
        if (listed.code() != 0 || !listed.out().contains("[1] ")) {
            OpenClTestDevice.unavailable("POCL_DEVICES=\"" + TWO_DEVICES + "\" does not give two OpenCL devices: "
                    + listed);
        }
    }

    private Exit simulate(Path out, String device, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("simulate", "--scenario", "mv-6.1", "--n", Long.toString(N),
                "--seed", "11", "--backend", "opencl", "--host", "pocl-cpu", "--device", device,
                "--out", out.toString()));
        args.addAll(Arrays.asList(extra));
        Exit e = balnet.run(ENVIRONMENT, args.toArray(String[]::new));
        assertEquals(0, e.code(), e.toString());
        return e;
    }

    private static byte[] trajectory(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve(RecordedRun.TRAJECTORY_CSV));
    }

    @Test
    void twoDevicesWriteTheSameBytesAsOneAndResumeToThem() throws Exception {
        Path one = tmp.resolve("one");
        simulate(one, "0", "--t-end", "0.3");
        Path two = tmp.resolve("two");
        Exit e = simulate(two, "0,1", "--t-end", "0.3");
        String json = Files.readString(two.resolve("run.json"));
        assertTrue(json.contains("2 devices") && json.contains("[1] "), "run.json names both devices: " + json);
        assertArrayEquals(trajectory(one), trajectory(two), "trajectory.csv on --device 0,1\n" + e);
        Path all = tmp.resolve("all");
        simulate(all, "all", "--t-end", "0.3");
        assertArrayEquals(trajectory(one), trajectory(all), "trajectory.csv on --device all");

        // Interrupted after its checkpoint at t = 0.1, resumed on both devices, then on one (with the same host
        // profile: its work-group size decides the order of the additions).
        Path resumed = tmp.resolve("resumed");
        simulate(resumed, "0,1", "--t-end", "0.1", "--checkpoint-every", "0.1");
        Exit again = balnet.run(ENVIRONMENT, "simulate", "--resume", resumed.toString(), "--t-end", "0.2",
                "--host", "pocl-cpu", "--device", "0,1");
        assertEquals(0, again.code(), again.toString());
        Exit last = balnet.run(ENVIRONMENT, "simulate", "--resume", resumed.toString(), "--t-end", "0.3",
                "--host", "pocl-cpu", "--device", "1");
        assertEquals(0, last.code(), last.toString());
        assertArrayEquals(trajectory(one), trajectory(resumed), "resumed on two devices, then on one");
    }

    @Test
    void badDeviceListsExitTwoNamingTheValueAndTheDevices() throws Exception {
        String[][] cases = {{"0,5", "--device = 5"}, {"0,0", "names [0]"}, {"all,1", "all inside a list"},
                {"1,", "an empty item"}};
        for (String[] c : cases) {
            Exit e = balnet.run(ENVIRONMENT, "simulate", "--scenario", "mv-6.1", "--n", "5000", "--t-end", "0.1",
                    "--backend", "opencl", "--device", c[0], "--out", tmp.resolve("bad").toString());
            String what = "--device " + c[0] + "\n" + e;
            assertEquals(Main.EXIT_BAD_INPUT, e.code(), what);
            assertTrue(e.err().contains(c[1]) && e.err().contains("devices: [0] ") && e.err().contains(", [1] "),
                    "names the value and the devices: " + what);
            e.assertNoStackTrace();
        }
    }
}
