package org.balnet.sim.checkpoint;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.balnet.sim.checkpoint.CheckpointFileTest.checkpointOf;
import static org.balnet.sim.checkpoint.CheckpointFileTest.engine;
import static org.balnet.sim.checkpoint.CheckpointFileTest.mv61;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoreTest {
    @TempDir
    Path run;

    private final CheckpointStore.ChannelOpener normal = CheckpointStore.opener;

    @AfterEach
    void restoreOpener() {
        CheckpointStore.opener = normal;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(run.resolve(CheckpointStore.DIRECTORY))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A full disk: the channel takes {@code budget} bytes, then fails as the kernel does (ENOSPC), after
     * having written part of the buffer it was given.
     */
    static CheckpointStore.ChannelOpener fullDiskAfter(long budget) {
        return file -> {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return new SeekableByteChannel() {
                long left = budget;

                @Override
                public int write(ByteBuffer src) throws IOException {
                    if (left <= 0) {
                        throw new IOException("No space left on device");
                    }
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + (int) Math.min(src.remaining(), left));
                    int w = ch.write(part);
                    src.position(src.position() + w);
                    left -= w;
                    return w;
                }

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    return ch.read(dst);
                }

                @Override
                public long position() throws IOException {
                    return ch.position();
                }

                @Override
                public SeekableByteChannel position(long p) throws IOException {
                    ch.position(p);
                    return this;
                }

                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public SeekableByteChannel truncate(long size) throws IOException {
                    ch.truncate(size);
                    return this;
                }

                @Override
                public boolean isOpen() {
                    return ch.isOpen();
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        };
    }

    @Test
    void keepsTheTwoNewestCheckpointsAndNoTemporaryFiles() throws IOException {
        Scenario s = mv61(1000);
        CheckpointStore store = new CheckpointStore(run);
        try (Simulation sim = new Simulation(s, engine("cpu", s, Precision.FP64), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            for (int k = 1; k <= 3; k++) {
                sim.step();
                Path f = store.write(checkpointOf(sim, 0, 0), sim.engine());
                assertEquals(CheckpointStore.fileName(k), f.getFileName().toString());
            }
        }
        assertEquals(List.of("checkpoint-0000000002.ckpt", "checkpoint-0000000003.ckpt"), names());
        assertEquals(List.of(3L, 2L), store.checkpoints().stream().map(CheckpointStore::stepOf).toList(),
                "newest first");
        for (Path f : store.checkpoints()) {
            CheckpointFile.readHeader(f);
        }
    }

    @Test
    void aFailedWriteLeavesTheNewestCheckpointValidAndNoTemporaryFile() throws IOException {
        Scenario s = mv61(1000);
        CheckpointStore store = new CheckpointStore(run);
        try (Simulation sim = new Simulation(s, engine("cpu", s, Precision.FP64), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            sim.step();
            store.write(checkpointOf(sim, 0, 0), sim.engine());
            sim.step();
            store.write(checkpointOf(sim, 0, 0), sim.engine());
            sim.step();
            CheckpointStore.opener = fullDiskAfter(5000);
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> store.write(checkpointOf(sim, 0, 0), sim.engine()));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertTrue(e.getMessage().contains(CheckpointStore.fileName(3)), e.getMessage());
        }
        // The oldest made room for the new one; the newest complete one survives whole.
        assertEquals(List.of("checkpoint-0000000002.ckpt"), names());
        Path newest = store.checkpoints().get(0);
        CheckpointFile.Header h = CheckpointFile.readHeader(newest);
        assertEquals(2, h.checkpoint().step());
        try (var e = engine("cpu", s, Precision.FP64)) {
            CheckpointFile.restore(newest, h, e);
        }
    }

    @Test
    void clearRemovesAnEarlierRunsCheckpointsAndScenario() throws IOException {
        Scenario s = mv61(500);
        CheckpointStore store = new CheckpointStore(run);
        store.saveScenario(s);
        try (Simulation sim = new Simulation(s, engine("cpu", s, Precision.FP64), Scheme.SEMI_IMPLICIT, 0.01,
                MV61_MEAN)) {
            store.write(checkpointOf(sim, 0, 0), sim.engine());
        }
        Files.writeString(store.directory().resolve(".checkpoint-0000000009.ckpt.tmp"), "left by a kill");
        store.clear();
        assertEquals(List.of(), names());
        assertTrue(store.checkpoints().isEmpty());
    }

    @Test
    void theSavedScenarioIsTheRunsScenario() {
        Scenario s = mv61(4321).withInitialMeans(-5.03, -1.28);
        CheckpointStore store = new CheckpointStore(run);
        store.saveScenario(s);
        assertEquals(Checkpoint.scenarioHash(s), Checkpoint.scenarioHash(store.loadScenario()));
    }

    @Test
    void aMissingOrEditedScenarioIsBadInputNamingTheFile() throws IOException {
        BadInputException none = assertThrows(BadInputException.class,
                () -> new CheckpointStore(run.resolve("nowhere")).loadScenario());
        assertEquals("--resume", none.key());
        BadInputException empty = assertThrows(BadInputException.class, () -> new CheckpointStore(run).loadScenario());
        assertTrue(empty.getMessage().contains("no checkpoint to resume from"), empty.getMessage());

        CheckpointStore store = new CheckpointStore(run);
        store.saveScenario(mv61(1000));
        Files.writeString(store.scenarioFile(), Files.readString(store.scenarioFile()).replace("ei = 1.5", "ei = -1.5"));
        BadInputException edited = assertThrows(BadInputException.class, store::loadScenario);
        assertEquals(InputError.OUT_OF_RANGE, edited.kind());
        assertTrue(edited.getMessage().contains(store.scenarioFile().toString())
                && edited.getMessage().contains("coupling.ei"), edited.getMessage());
    }
}
