package org.balnet.cli;

import org.balnet.rng.CounterRng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

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
            String json = Files.readString(run.resolve(SimulateCommand.RUN_JSON));
            assertTrue(json.contains("\"sampler\": \"" + sampler + "\""), json);
            assertTrue(json.contains("\"counter_layout\": " + CounterRng.LAYOUT_VERSION), json);
        }
        Path perSynapse = tmp.resolve("per-synapse");
        Cli.Result r = SimulateResumeTest.simulate(perSynapse, "per-synapse", "fp64", 100, "--t-end", "0.02");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(perSynapse.resolve(SimulateCommand.RUN_JSON)).contains("\"sampler\": \"ptrs\""),
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
        assertTrue(Files.readString(run.resolve(SimulateCommand.RUN_JSON)).contains("\"sampler\": \"ptrs\""));
        Cli.Result same = SimulateResumeTest.resume(run, "--t-end", "0.3", "--sampler", "ptrs");
        assertEquals(0, same.code(), "naming the run's own sampler is allowed: " + same);
    }

    /**
     * A checkpoint of format 1, the format of counter layout 1 (balnet 0.1.0, PTRS on streams 2..5):
     * the header without the sampler and the layout. Resuming from it is refused with exit 2 and a
     * message that names the balnet version that wrote it and its layout; nothing is cut or written.
     */
    @Test
    void aCheckpointOfTheOlderLayoutIsRefusedNamingTheVersionThatWroteIt() throws IOException {
        Path run = tmp.resolve("old");
        assertEquals(0, SimulateResumeTest.simulate(run, "--t-end", "0.1", "--checkpoint-every", "0.1").code());
        Path file = SimulateResumeTest.checkpoint(run, 10);
        rewriteAsFormatOne(file, "0.1.0");
        byte[] trajectory = SimulateResumeTest.trajectory(run);
        byte[] runJson = Files.readAllBytes(run.resolve(SimulateCommand.RUN_JSON));

        Cli.Result r = SimulateResumeTest.resume(run, "--t-end", "0.2");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("written by balnet 0.1.0") && r.err().contains("counter layout 1")
                && r.err().contains("counter layout " + CounterRng.LAYOUT_VERSION), r.err());
        r.assertNoStackTrace();
        assertArrayEquals(trajectory, SimulateResumeTest.trajectory(run), "trajectory.csv untouched");
        assertArrayEquals(runJson, Files.readAllBytes(run.resolve(SimulateCommand.RUN_JSON)), "run.json untouched");
    }

    /**
     * Turns a checkpoint into what balnet 0.1.0 wrote: format version 1, the header without its last
     * two fields (sampler, layout), the balnet version replaced, the header checksum recomputed; the
     * states and their checksum as they are.
     */
    static void rewriteAsFormatOne(Path file, String balnetVersion) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(b);
        int headerLength = in.getInt(12);
        ByteBuffer header = ByteBuffer.wrap(b, 16, headerLength).slice();
        // n, precision, backend, scheme, seed, h, hash, imbalance limit, every, trajectory length and CRC,
        // then the version string
        int at = 8;
        for (int utf = 0; utf < 3; utf++) {
            at += 2 + Short.toUnsignedInt(header.getShort(at));
        }
        at += 16;
        at += 2 + Short.toUnsignedInt(header.getShort(at));
        at += 32;
        int versionAt = at;
        int versionEnd = at + 2 + Short.toUnsignedInt(header.getShort(at));
        int samplerLength = Short.toUnsignedInt(header.getShort(headerLength - 4 - 2 - 5));
        assertEquals(5, samplerLength, "the sampler field holds \"table\"");
        int observables = headerLength - 4 - 2 - 5 - versionEnd;
        byte[] version = balnetVersion.getBytes(StandardCharsets.UTF_8);
        int newLength = versionAt + 2 + version.length + observables;
        ByteBuffer out = ByteBuffer.allocate(b.length - headerLength + newLength);
        out.put(b, 0, 8).putInt(1).putInt(newLength);
        out.put(b, 16, versionAt);
        out.putShort((short) version.length).put(version);
        out.put(b, 16 + versionEnd, observables);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        out.put(b, 16 + headerLength + 4, b.length - (16 + headerLength + 4));
        Files.write(file, out.array());
    }
}
