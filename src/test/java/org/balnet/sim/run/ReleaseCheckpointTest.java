package org.balnet.sim.run;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.CounterRng;
import org.balnet.sim.checkpoint.Checkpoint;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run written by balnet 0.1.0 (src/test/resources/.../release-0.1.0, see its README). Its random
 * numbers follow counter layout 1, which this balnet no longer draws (counter layout
 * {@value CounterRng#LAYOUT_VERSION}, docs/sampler.md): continuing it would go on with other numbers, so
 * it is refused (exit 2) with a message that names the balnet that wrote it, and nothing in the run
 * directory changes. Its scenario hash is still the one this balnet computes: the hash's canonical
 * encoding is unchanged.
 */
public class ReleaseCheckpointTest {
    static final String RELEASE = "release-0.1.0";

    @TempDir
    Path tmp;

    /** A copy of the release's run directory in {@code dir}, to be resumed. */
    public static Path copyReleaseRun(Path dir) throws IOException, URISyntaxException {
        var resource = ReleaseCheckpointTest.class.getResource(RELEASE + "/run");
        assertNotNull(resource, "the release's run directory in the test resources");
        Path from = Path.of(resource.toURI());
        Path to = dir.resolve("run");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
        return to;
    }

    @Test
    void aReleaseCheckpointIsRefusedNamingTheReleaseThatWroteIt() throws Exception {
        Path dir = copyReleaseRun(tmp);
        byte[] trajectory = Files.readAllBytes(dir.resolve(RecordedRun.TRAJECTORY_CSV));
        byte[] runJson = Files.readAllBytes(dir.resolve(RunJson.FILE));
        BadInputException e = assertThrows(BadInputException.class, () -> RecordedRun.resume(dir,
                new Resume(0.5, null, null, null, 1, null, null, false), RecordedRunTest.ENGINES,
                RecordedRunTest.QUIET));
        assertEquals(InputError.CONFLICT, e.kind());
        assertEquals("--resume", e.key());
        assertTrue(e.getMessage().contains("written by balnet 0.1.0, whose random numbers follow counter layout 1")
                && e.getMessage().contains("this balnet draws counter layout " + CounterRng.LAYOUT_VERSION),
                e.getMessage());
        assertArrayEquals(trajectory, Files.readAllBytes(dir.resolve(RecordedRun.TRAJECTORY_CSV)),
                "trajectory.csv untouched");
        assertArrayEquals(runJson, Files.readAllBytes(dir.resolve(RunJson.FILE)), "run.json untouched");
    }

    /**
     * The scenario hash in the release's checkpoint (format 1: n, precision, backend and scheme, seed
     * and h, then the hash) is the one this balnet computes from the run's scenario.toml.
     */
    @Test
    void theScenarioHashIsUnchanged() throws Exception {
        Path dir = copyReleaseRun(tmp);
        Path store = dir.resolve(CheckpointStore.DIRECTORY);
        ByteBuffer header;
        try (InputStream in = Files.newInputStream(store.resolve(CheckpointStore.fileName(30)))) {
            header = ByteBuffer.wrap(in.readAllBytes());
        }
        assertEquals(1, header.getInt(8), "format version 1");
        int at = 16 + Long.BYTES;
        for (int utf = 0; utf < 3; utf++) {
            at += 2 + Short.toUnsignedInt(header.getShort(at));
        }
        at += 2 * Long.BYTES;
        int length = Short.toUnsignedInt(header.getShort(at));
        String stored = new String(header.array(), at + 2, length, StandardCharsets.UTF_8);
        String now = Checkpoint.scenarioHash(ScenarioLoader.load(store.resolve(CheckpointStore.SCENARIO_FILE)
                .toString()));
        assertEquals(stored, now);
    }
}
