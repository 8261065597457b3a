package org.balnet.sim.run;

import org.balnet.sim.RunStatus;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A run written by balnet 0.1.0 (src/test/resources/.../release-0.1.0, see its README) still resumes:
 * the checkpoint format and the scenario hash are unchanged, and the resumed trajectory is byte for
 * byte the one balnet 0.1.0 wrote without interruption.
 */
class ReleaseCheckpointTest {
    static final String RELEASE = "release-0.1.0";

    @TempDir
    Path tmp;

    /** A copy of the release's run directory, to be continued. */
    Path releaseRun() throws IOException, URISyntaxException {
        var resource = ReleaseCheckpointTest.class.getResource(RELEASE + "/run");
        assertNotNull(resource, "the release's run directory in the test resources");
        Path from = Path.of(resource.toURI());
        Path to = tmp.resolve("run");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
        return to;
    }

    static byte[] uninterrupted() throws IOException {
        try (InputStream in = ReleaseCheckpointTest.class.getResourceAsStream(RELEASE
                + "/uninterrupted-trajectory.csv")) {
            assertNotNull(in, "the release's uninterrupted trajectory");
            return in.readAllBytes();
        }
    }

    void resumesToTheUninterruptedTrajectory(Path dir, long fromStep) throws IOException {
        try (RecordedRun run = RecordedRun.resume(dir, new Resume(0.5, null, null, 1, null, null, false),
                RecordedRunTest.ENGINES, RecordedRunTest.QUIET)) {
            assertEquals(fromStep, run.startStep());
            assertEquals(RunStatus.COMPLETED, run.run(s -> { }, () -> false).status());
        }
        assertArrayEquals(uninterrupted(), Files.readAllBytes(dir.resolve(RecordedRun.TRAJECTORY_CSV)));
    }

    @Test
    void aReleaseCheckpointResumesToTheTrajectoryTheReleaseWrote() throws Exception {
        resumesToTheUninterruptedTrajectory(releaseRun(), 30);
    }

    @Test
    void soDoesItsOlderGeneration() throws Exception {
        Path dir = releaseRun();
        Files.delete(dir.resolve(CheckpointStore.DIRECTORY).resolve(CheckpointStore.fileName(30)));
        resumesToTheUninterruptedTrajectory(dir, 20);
    }
}
