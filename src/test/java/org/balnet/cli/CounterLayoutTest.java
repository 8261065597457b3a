package org.balnet.cli;

import org.balnet.rng.CounterRng;
import org.balnet.sim.run.ReleaseCheckpointTest;
import org.balnet.sim.run.RunJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler and the counter layout a run draws with are part of the run: recorded in run.json and in
 * its checkpoints, kept when it resumes, and a checkpoint of the older layout is refused, never
 * continued with other numbers.
 */
class CounterLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void runJsonRecordsTheSamplerAndTheLayout() throws IOException {
        for (String sampler : new String[]{"table", "ptrs"}) {
            Path run = tmp.resolve(sampler);
            Cli.Result r = SimulateResumeTest.simulate(run, "--t-end", "0.05", "--sampler", sampler);
            assertEquals(0, r.code(), r.toString());
            String json = Files.readString(run.resolve(RunJson.FILE));
            assertTrue(json.contains("\"sampler\": \"" + sampler + "\""), json);
            assertTrue(json.contains("\"counter_layout\": " + CounterRng.LAYOUT_VERSION), json);
        }
        Path perSynapse = tmp.resolve("per-synapse");
        Cli.Result r = SimulateResumeTest.simulate(perSynapse, "per-synapse", "fp64", 100, "--t-end", "0.02");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(perSynapse.resolve(RunJson.FILE)).contains("\"sampler\": \"ptrs\""),
                "per-synapse draws ptrs without being told");
    }

    /** A ptrs run resumed is the uninterrupted ptrs run, byte for byte: the resumed run keeps its sampler. */
    @Test
    void aResumedRunKeepsItsSampler() throws IOException {
        Path reference = tmp.resolve("reference");
        assertEquals(0, SimulateResumeTest.simulate(reference, "--t-end", "0.3", "--sampler", "ptrs").code());
        Path run = tmp.resolve("run");
        assertEquals(0, SimulateResumeTest.simulate(run, "--t-end", "0.2", "--checkpoint-every", "0.1",
                "--sampler", "ptrs").code());
        Cli.Result resumed = SimulateResumeTest.resume(run, "--t-end", "0.3");
        assertEquals(0, resumed.code(), resumed.toString());
        assertArrayEquals(SimulateResumeTest.trajectory(reference), SimulateResumeTest.trajectory(run));
        assertTrue(Files.readString(run.resolve(RunJson.FILE)).contains("\"sampler\": \"ptrs\""));
        Cli.Result same = SimulateResumeTest.resume(run, "--t-end", "0.3", "--sampler", "ptrs");
        assertEquals(0, same.code(), "naming the run's own sampler is allowed: " + same);
    }

    /**
     * The run balnet 0.1.0 wrote (counter layout 1, checkpoint format 1; the test resource of
     * {@link ReleaseCheckpointTest}): {@code simulate --resume} refuses it with exit 2 and a message that
     * names the version that wrote it and both layouts, and changes nothing in the directory.
     */
    @Test
    void aRunOfTheOlderLayoutIsRefusedNamingTheVersionThatWroteIt() throws Exception {
        Path run = ReleaseCheckpointTest.copyReleaseRun(tmp);
        byte[] trajectory = SimulateResumeTest.trajectory(run);
        byte[] runJson = Files.readAllBytes(run.resolve(RunJson.FILE));

        Cli.Result r = SimulateResumeTest.resume(run, "--t-end", "0.5");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("written by balnet 0.1.0") && r.err().contains("counter layout 1")
                && r.err().contains("counter layout " + CounterRng.LAYOUT_VERSION), r.err());
        r.assertNoStackTrace();
        assertArrayEquals(trajectory, SimulateResumeTest.trajectory(run), "trajectory.csv untouched");
        assertArrayEquals(runJson, Files.readAllBytes(run.resolve(RunJson.FILE)), "run.json untouched");
    }
}
