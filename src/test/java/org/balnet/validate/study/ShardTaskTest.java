package org.balnet.validate.study;

import org.balnet.sim.InitialPoint;
import org.balnet.sim.RunStatus;
import org.balnet.sim.checkpoint.CheckpointStore;
import org.balnet.sim.run.RecordedRun;
import org.balnet.validate.Replica;
import org.balnet.validate.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One array task of a study, in this JVM: its replicas are the replicas {@link Replica#simulate} returns
 * for the same specs, also when the task is stopped and run again (resumed from checkpoints), and also
 * for a replica that leaves the balanced state on or off the record grid; a finished task does nothing.
 */
class ShardTaskTest {
    @TempDir
    Path tmp;

    private static Replica simulated(Validation.Config c, long n, int r) {
        InitialPoint initial = InitialPoint.resolve(c.scenario());
        return Replica.simulate(Validation.replicaSpec(c, initial, n, r), r, Replica.QUIET);
    }

    private static Replica loaded(Path dir, Manifest m, Validation.Config c, long n, int r) {
        InitialPoint initial = InitialPoint.resolve(c.scenario());
        return RecordedReplica.load(RecordedReplica.directory(dir, n, r), m.studyId(),
                Validation.replicaSpec(c, initial, n, r), r);
    }

    @Test
    void aStoppedShardResumesToTheReplicasOfAnUninterruptedRun() throws IOException {
        // mv-6.1 at n = 2000, T = 2, histograms at t = 0.5 (before the stop) and 2 (after it); two replicas in
        // one shard, the first stopped twice, at steps 60 and 130, then run to its end
        Validation.Config c = Studies.config("mv-6.1", new long[]{1000, 2000}, 2, 2.0, 0.01, new double[]{0.5, 2});
        Path dir = tmp.resolve("study");
        Manifest m = Studies.plan(dir, c, 2, null);
        assertEquals(2, m.shards().size());
        Manifest.Shard shard = m.shards().get(1);
        assertEquals(2000, shard.n());
        Studies.Log log = new Studies.Log();

        assertEquals(ShardTask.Outcome.INTERRUPTED, ShardTask.run(dir, 1, null, null, Studies.stopAfter(60),
                log.writer), log.toString());
        Path first = RecordedReplica.directory(dir, 2000, 0);
        assertFalse(new CheckpointStore(first).checkpoints().isEmpty(), "a stopped replica has its checkpoint");
        assertTrue(Files.isRegularFile(first.resolve(HistogramFile.name(50, org.balnet.model.Population.E))),
                "the histogram at t = 0.5 is kept before the stop");
        ShardRecord rec = ShardTask.readRecord(dir, 1).orElseThrow();
        assertTrue(rec.is(ShardRecord.Status.INTERRUPTED), rec.toString());

        assertEquals(ShardTask.Outcome.INTERRUPTED, ShardTask.run(dir, 1, null, null, Studies.stopAfter(70),
                log.writer), log.toString());
        assertTrue(log.toString().contains("resuming from t = 0.6"), log.toString());
        assertEquals(ShardTask.Outcome.COMPLETED, ShardTask.run(dir, 1, null, null, Studies.NEVER, log.writer),
                log.toString());
        rec = ShardTask.readRecord(dir, 1).orElseThrow();
        assertTrue(rec.is(ShardRecord.Status.COMPLETED), rec.toString());
        assertEquals(3, rec.attempts());
        ReplicaRecord r0 = RecordedReplica.read(first).orElseThrow();
        assertEquals(List.of(RunStatus.INTERRUPTED.key, RunStatus.INTERRUPTED.key, RunStatus.COMPLETED.key),
                r0.segments().stream().map(ReplicaRecord.Segment::status).toList());
        assertTrue(new CheckpointStore(first).checkpoints().isEmpty(), "a finished replica keeps no checkpoint");

        for (int r = 0; r < 2; r++) {
            Studies.assertSameReplica(simulated(c, 2000, r), loaded(dir, m, c, 2000, r));
        }
        // and the trajectory file is the one an uninterrupted shard writes, byte for byte
        Path other = tmp.resolve("uninterrupted");
        Studies.plan(other, c, 2, null);
        assertEquals(ShardTask.Outcome.COMPLETED, ShardTask.run(other, 1, null, null, Studies.NEVER, log.writer));
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(Files.readAllBytes(RecordedReplica.directory(other, 2000, r)
                            .resolve(RecordedRun.TRAJECTORY_CSV)),
                    Files.readAllBytes(RecordedReplica.directory(dir, 2000, r).resolve(RecordedRun.TRAJECTORY_CSV)),
                    "trajectory.csv of replica " + r);
        }
    }

    @ParameterizedTest(name = "record every {0}: the departure row {1}")
    @CsvSource({"0.01, lies on the record grid", "0.05, lies between record times"})
    void aReplicaThatLeavesTheBalancedStateIsKeptAsTheLocalRunKeepsIt(double every, String where) {
        // eta-finite at n = 1000 leaves the balanced state at t = 1.22 (step 122, h = 0.01): on the grid of
        // every 0.01, between record times of every 0.05, where the departure row is not a row of the replica
        Validation.Config c = Studies.config("eta-finite", new long[]{1000, 2000}, 1, 3.0, every,
                new double[]{1.0, 3.0});
        Path dir = tmp.resolve("eta");
        Manifest m = Studies.plan(dir, c, 1, null);
        Studies.Log log = new Studies.Log();
        assertEquals(ShardTask.Outcome.INTERRUPTED, ShardTask.run(dir, 0, null, null, Studies.stopAfter(40),
                log.writer));
        assertEquals(ShardTask.Outcome.COMPLETED, ShardTask.run(dir, 0, null, null, Studies.NEVER, log.writer),
                log.toString());
        Replica local = simulated(c, 1000, 0);
        assertEquals(RunStatus.LEFT_BALANCED_STATE, local.status(), "the premise: it departs before T");
        Replica shard = loaded(dir, m, c, 1000, 0);
        Studies.assertSameReplica(local, shard);
        assertEquals(2, shard.histograms().size(), "the histograms at t = 1 only");
    }

    @Test
    void aFinishedTaskDoesNothing() throws IOException {
        Validation.Config c = Studies.config("mv-6.1", new long[]{1000, 2000}, 1, 0.5, 0.01, new double[]{0.5});
        Path dir = tmp.resolve("idem");
        Studies.plan(dir, c, 1, null);
        Studies.Log log = new Studies.Log();
        assertEquals(ShardTask.Outcome.COMPLETED, ShardTask.run(dir, 0, null, null, Studies.NEVER, log.writer));
        Map<Path, FileTime> before = times(dir.resolve("replicas"));
        assertEquals(ShardTask.Outcome.ALREADY_COMPLETED, ShardTask.run(dir, 0, null, null, Studies.NEVER,
                log.writer));
        assertTrue(log.toString().contains("already completed"), log.toString());
        assertEquals(before, times(dir.resolve("replicas")), "no file of a finished replica is written again");
    }

    @Test
    void aTaskOfAnotherNumberOrDirectoryIsBadInput() {
        Validation.Config c = Studies.config("mv-6.1", new long[]{1000, 2000}, 1, 0.5, 0.01, new double[]{0.5});
        Path dir = tmp.resolve("bad");
        Studies.plan(dir, c, 1, null);
        Studies.Log log = new Studies.Log();
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.balnet.model.BadInputException.class,
                () -> ShardTask.run(dir, 2, null, null, Studies.NEVER, log.writer));
        assertEquals("--task", e.key());
        assertTrue(e.getMessage().contains("0 to 1"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.balnet.model.BadInputException.class,
                () -> ShardTask.run(tmp.resolve("none"), 0, null, null, Studies.NEVER, log.writer));
        assertEquals("--task", e.key());
    }

    private static Map<Path, FileTime> times(Path dir) throws IOException {
        Map<Path, FileTime> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        return m;
    }
}
