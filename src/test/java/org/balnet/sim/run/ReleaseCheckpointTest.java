package org.balnet.sim.run;

import org.balnet.sim.RunStatus;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run written by balnet 0.1.0 (src/test/resources/.../release-0.1.0, see its README) still resumes:
 * the checkpoint format and the scenario hash are unchanged, and the resumed trajectory is the one
 * balnet 0.1.0 wrote without interruption, to the last digits that the rates' evaluation changed
 * ({@link #assertSameTrajectory}).
 */
class ReleaseCheckpointTest {
    static final String RELEASE = "release-0.1.0";
    /** Agreement of resumed values with the release's, relative to max(1, |value|). */
    static final double AGREEMENT = 1e-13;

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
        assertSameTrajectory(new String(uninterrupted(), StandardCharsets.UTF_8),
                Files.readString(dir.resolve(RecordedRun.TRAJECTORY_CSV)));
    }

    /**
     * The release's trajectory, row for row and column for column, t exactly and every other value to
     * {@link #AGREEMENT}: since 0.1.0 the rates come from one table-driven exponential per neuron
     * (sim.SourceRates), the same functions to 4 eps but not the same bits, so the steps after the
     * checkpoint differ from the release's in the last digits. (Resuming within one version stays
     * byte for byte: SimulateResumeTest, RecordedRunTest.)
     */
    static void assertSameTrajectory(String expected, String actual) {
        String[] want = expected.split("\n");
        String[] got = actual.split("\n");
        assertEquals(want.length, got.length, "rows");
        assertEquals(want[0], got[0], "header");
        double worst = 0;
        int identical = 0;
        for (int row = 1; row < want.length; row++) {
            identical += want[row].equals(got[row]) ? 1 : 0;
            String[] w = want[row].split(",");
            String[] g = got[row].split(",");
            assertEquals(w.length, g.length, "columns of row " + row);
            assertEquals(w[0], g[0], "t of row " + row);
            for (int c = 1; c < w.length; c++) {
                double a = Double.parseDouble(w[c]);
                double b = Double.parseDouble(g[c]);
                double difference = Math.abs(a - b) / Math.max(1, Math.abs(a));
                worst = Math.max(worst, difference);
                assertTrue(difference <= AGREEMENT, "row " + row + ", column " + c + ": release " + a + ", now " + b);
            }
        }
        System.out.printf("Release %s resumed: %d of %d rows byte-identical, the rest within %.2g%n", RELEASE,
                identical, want.length - 1, worst);
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
