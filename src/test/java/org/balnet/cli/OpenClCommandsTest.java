package org.balnet.cli;

import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClTestDevice;
import org.balnet.sim.opencl.SignalChaining;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.balnet.cli.LimitCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The OpenCL backend through the command line: {@code devices}, {@code check-opencl}, and
 * {@code simulate}/{@code bench} with {@code --backend opencl|auto}, {@code --device}, {@code --host}.
 * Skipped, with the reason printed, where there is no OpenCL device ({@link OpenClTestDevice}; a failure in CI).
 */
@Tag("opencl")
class OpenClCommandsTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsADevice() {
        OpenClTestDevice.device();
    }

    /** A profile that no device matches. */
    private Path nowhere() throws IOException {
        Path f = tmp.resolve("nowhere.toml");
        Files.writeString(f, "name = \"nowhere\"\n[device]\nname = \"no such device anywhere\"\n");
        return f;
    }

    /** The test set-up (pom.xml) preloads libjsig, so PoCL cannot take the JVM's signal handlers. */
    @Test
    void signalChainingProtectsTheTestJvm() {
        assertTrue(SignalChaining.active(), "libjsig is not loaded: " + SignalChaining.advice());
    }

    /**
     * A JVM without libjsig on a machine whose only OpenCL platform is PoCL: {@code auto} must not
     * even list PoCL's devices (that alone replaces the JVM's signal handlers) and runs on the Java
     * engine, saying why.
     */
    @Test
    void autoWithoutSignalChainingPassesOverPocl() throws IOException, InterruptedException {
        List<String> platforms = OpenClDevices.list().stream().map(d -> d.platform()).distinct().toList();
        if (!platforms.stream().allMatch(p -> p.contains("Portable Computing Language"))) {
            String reason = "needs a machine whose only OpenCL platform is PoCL; here: " + platforms;
            System.out.println("skipped: " + reason);
            abort(reason);
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "bench", "--scenario", "mv-6.1", "--n", "5000", "--steps", "1", "--repeats",
                "1", "--warmup", "0");
        pb.environment().remove("LD_PRELOAD");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("backend: auto chose cpu") && output.contains("passed over Portable Computing "
                + "Language, whose device listing replaces the JVM's signal handlers"), output);
        assertTrue(output.contains("\"backend\":\"cpu\""), output);
    }

    @Test
    void devicesListsEveryDeviceAndTheChoice() {
        LimitCommandTest.Run r = run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[0] "), r.out());
        assertTrue(r.out().contains("fp64: "), r.out());
        assertTrue(r.out().contains("global memory"), r.out());
        assertTrue(r.out().contains("host profile auto"), r.out());
    }

    @Test
    void simulateOnOpenClWritesWhatTheCpuBackendWrites() throws IOException {
        String[] common = {"simulate", "--scenario", "mv-6.1", "--n", "20000", "--t-end", "0.2", "--seed", "3"};
        Path a = tmp.resolve("opencl");
        Path b = tmp.resolve("cpu");
        LimitCommandTest.Run ra = run(concat(common, "--backend", "opencl", "--out", a.toString()));
        assertEquals(0, ra.code(), ra.err());
        LimitCommandTest.Run rb = run(concat(common, "--backend", "cpu", "--out", b.toString()));
        assertEquals(0, rb.code(), rb.err());
        String json = Files.readString(a.resolve("run.json"));
        assertTrue(json.contains("\"backend\": \"opencl\"") || json.contains("\"backend\":\"opencl\""), json);
        List<String> x = Files.readAllLines(a.resolve("trajectory.csv"));
        List<String> y = Files.readAllLines(b.resolve("trajectory.csv"));
        assertEquals(y.get(0), x.get(0), "same columns");
        assertEquals(y.size(), x.size(), "same rows");
        assertEquals(22, x.size(), "header and t = 0, 0.01, ..., 0.2");
        for (int i = 1; i < x.size(); i++) {
            String[] p = x.get(i).split(",");
            String[] q = y.get(i).split(",");
            for (int c = 0; c < p.length; c++) {
                double u = Double.parseDouble(p[c]);
                double v = Double.parseDouble(q[c]);
                assertTrue(Math.abs(u - v) <= 1e-11 * Math.max(1, Math.abs(v)),
                        "row " + i + ", " + y.get(0).split(",")[c] + ": opencl " + u + ", cpu " + v);
            }
        }
    }

    @Test
    void benchOnOpenClPrintsItsThroughput() {
        LimitCommandTest.Run r = run("bench", "--scenario", "mv-6.1", "--n", "20000", "--backend", "opencl",
                "--host", "auto", "--steps", "2", "--repeats", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"backend\":\"opencl\""), r.out());
        assertTrue(r.out().contains("\"neuron_steps_per_s\":"), r.out());
    }

    @Test
    void autoSaysWhatItChoseAndFallsBackToTheCpu() throws IOException {
        String[] bench = {"bench", "--scenario", "mv-6.1", "--n", "5000", "--steps", "1", "--repeats", "1",
                "--warmup", "0", "--backend", "auto"};
        LimitCommandTest.Run r = run(bench);
        assertEquals(0, r.code(), r.err());
        boolean cpuDevice = OpenClDevices.select(OpenClDevices.list(), HostProfile.defaults(), null, "--device")
                .type() == HostProfile.DeviceType.CPU;
        if (cpuDevice && !SignalChaining.active()) {
            assertTrue(r.err().contains("backend: auto chose cpu") && r.err().contains("is a CPU device"), r.err());
        } else {
            assertTrue(r.err().contains("backend: auto chose opencl on "), r.err());
        }
        LimitCommandTest.Run fallback = run(concat(bench, "--host", nowhere().toString()));
        assertEquals(0, fallback.code(), fallback.err());
        assertTrue(fallback.err().contains("backend: auto chose cpu"), fallback.err());
        assertTrue(fallback.err().contains("warning: OpenCL not used: no available OpenCL device with fp64 matches "
                + "host profile nowhere"), fallback.err());
        assertTrue(fallback.out().contains("\"backend\":\"cpu\""), fallback.out());
    }

    @Test
    void openClThatCannotRunIsExitOneWithTheReason() throws IOException {
        LimitCommandTest.Run r = run("bench", "--scenario", "mv-6.1", "--n", "5000", "--backend", "opencl",
                "--host", nowhere().toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("matches host profile nowhere"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void badDeviceOrHostIsExitTwo() {
        LimitCommandTest.Run device = run("bench", "--scenario", "mv-6.1", "--n", "5000", "--backend", "opencl",
                "--device", "999");
        assertEquals(2, device.code(), device.err());
        assertTrue(device.err().contains("--device = 999"), device.err());
        LimitCommandTest.Run host = run("simulate", "--scenario", "mv-6.1", "--backend", "opencl", "--host",
                "no-such-profile", "--out", tmp.resolve("x").toString());
        assertEquals(2, host.code(), host.err());
        assertTrue(host.err().contains("--host = no-such-profile"), host.err());
        LimitCommandTest.Run devices = run("devices", "--device", "999");
        assertEquals(2, devices.code(), devices.err());
        assertTrue(devices.err().contains("--device = 999"), devices.err());
        LimitCommandTest.Run byName = run("devices", "--device", "no such device anywhere");
        assertEquals(2, byName.code(), byName.err());
        assertTrue(byName.err().contains("--device"), byName.err());
        LimitCommandTest.Run check = run("check-opencl", "--n", "1000", "--device", "999");
        assertEquals(2, check.code(), check.err());
        assertTrue(check.err().contains("--device = 999"), check.err());
        check.assertNoStackTrace();
        LimitCommandTest.Run tooLarge = run("bench", "--scenario", "mv-6.1", "--n", "1000000000000",
                "--backend", "opencl");
        assertEquals(2, tooLarge.code(), tooLarge.err());
        assertTrue(tooLarge.err().contains("of device memory"), tooLarge.err());
        assertFalse(tooLarge.err().contains("at org."), tooLarge.err());
        // Replicas that the device cannot hold together, or more than one engine takes, name --replicas.
        LimitCommandTest.Run replicas = run("bench", "--scenario", "mv-6.1", "--n", "100000000000",
                "--replicas", "2", "--backend", "opencl");
        assertEquals(2, replicas.code(), replicas.err());
        assertTrue(replicas.err().contains("--replicas 2 of n = 100000000000") && replicas.err().contains(
                "of device memory"), replicas.err());
        LimitCommandTest.Run many = run("bench", "--scenario", "mv-6.1", "--n", "1000",
                "--replicas", "171", "--backend", "opencl");
        assertEquals(2, many.code(), many.err());
        assertTrue(many.err().contains("--replicas = 171"), many.err());
        many.assertNoStackTrace();
    }

    /** Both samplers; the lockstep part includes a step at lambda up to 1e7 (tables in global memory). */
    @ParameterizedTest
    @ValueSource(strings = {"table", "ptrs"})
    void checkOpenClPassesOnThisDevice(String sampler) {
        LimitCommandTest.Run r = run("check-opencl", "--n", "20000", "--steps", "20", "--lockstep-steps", "2",
                "--precision", "fp64", "--sampler", sampler);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("sampler " + sampler), r.out());
        assertTrue(r.out().contains("one at lambda up to 1e+07") && r.out().contains("0 differ"), r.out());
        assertTrue(r.out().contains("PASSED"), r.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
