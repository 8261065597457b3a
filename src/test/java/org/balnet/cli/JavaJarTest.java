package org.balnet.cli;

import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClTestDevice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.balnet.cli.ChildJvm.Exit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input and a run-time failure through a real {@code java -jar} process ({@link ChildJvm}): the
 * exit code comes from {@code Main.main}'s {@code System.exit}, the message from what the process
 * prints, nothing from picocli's in-process {@code execute} (which the other CLI tests use).
 */
@Tag("slow")
class JavaJarTest {
    private static final long TIMEOUT_SECONDS = 120;
    private static ChildJvm balnet;

    @TempDir
    static Path launcherDirectory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeLauncherJar() throws IOException {
        balnet = new ChildJvm(launcherDirectory, TIMEOUT_SECONDS);
    }

    private Exit javaJar(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        return balnet.run(environment, args);
    }

    private Exit javaJar(String... args) throws IOException, InterruptedException {
        return javaJar(Map.of(), args);
    }

    private static void assertNoStackTrace(Exit e) {
        e.assertNoStackTrace();
    }

    @Test
    void aRunThatWorksExitsZero() throws Exception {
        Exit e = javaJar("limit", "--scenario", "mv-6.1", "--t-end", "0.2", "--dt-out", "0.1");
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().startsWith("t,v_e,v_i,K_e,K_i,zeta"), e.toString());
        assertEquals(4, e.out().lines().count(), "header and t = 0, 0.1, 0.2: " + e);
    }

    @Test
    void badInputExitsTwoNamingTheParameterAndValue() throws Exception {
        String out = tmp.resolve("run").toString();
        String[][] cases = {
                {"--n = 0", "simulate", "--scenario", "mv-6.1", "--n", "0", "--out", out},
                {"--threads", "simulate", "--scenario", "mv-6.1", "--threads", "many", "--out", out},
                {"no-such-scenario.toml", "simulate", "--scenario", "no-such-scenario.toml", "--out", out},
                {"--steps", "bench", "--scenario", "mv-6.1", "--steps", "0"},
                {"--frobnicate", "--frobnicate"},
                {"--precision", "check-opencl", "--precision", "fp16"},
                {"--host = no-such-profile", "devices", "--host", "no-such-profile"}};
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Exit e = javaJar(args);
            String what = "java -jar balnet " + String.join(" ", args) + "\n" + e;
            assertEquals(Main.EXIT_BAD_INPUT, e.code(), what);
            assertTrue(e.err().contains(c[0]), "names " + c[0] + ": " + what);
            assertNoStackTrace(e);
        }
    }

    @Test
    void aRunTimeFailureExitsOneWithTheCause() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Exit e = javaJar("simulate", "--scenario", "mv-6.1", "--n", "500", "--t-end", "0.01", "--backend", "cpu",
                "--out", file.resolve("run").toString());
        assertEquals(Main.EXIT_FAILURE, e.code(), e.toString());
        assertTrue(e.err().contains("cannot create --out directory"), e.toString());
        assertNoStackTrace(e);
        Exit verbose = javaJar("simulate", "--scenario", "mv-6.1", "--n", "500", "--t-end", "0.01", "--backend", "cpu",
                "--out", file.resolve("run").toString(), "--verbose");
        assertEquals(Main.EXIT_FAILURE, verbose.code(), verbose.toString());
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace: " + verbose);
    }

    /** The device selector from the environment is checked like --device (needs an OpenCL device). */
    @Test
    @Tag("opencl")
    void aBadDeviceVariableExitsTwoNamingIt() throws Exception {
        OpenClTestDevice.device();
        Exit e = javaJar(Map.of(OpenClDevices.DEVICE_VARIABLE, "999"), "devices");
        assertEquals(Main.EXIT_BAD_INPUT, e.code(), e.toString());
        assertTrue(e.err().contains(OpenClDevices.DEVICE_VARIABLE + " = 999"), e.toString());
        assertNoStackTrace(e);
    }
}
