package org.balnet.sim.checkpoint;

import org.balnet.io.CsvWriter;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.rng.CounterRng;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.OpenClTestDevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFileTest {
    static final double H = 0.01;
    static final long SEED = 17;
    @TempDir
    Path tmp;

    static Scenario mv61(long n) {
        return ScenarioLoader.load("mv-6.1").withN(n);
    }

    /**
     * An engine of the named backend. For OpenCL, whether there is a device is decided first
     * ({@link OpenClTestDevice}: skipped where there is none, failed in CI); after that any failure to
     * create the engine is a failure.
     */
    static Engine engine(String backend, Scenario s, Precision p) {
        if (backend.equals("opencl")) {
            OpenClTestDevice.device();
        }
        return Backends.create(backend, s, p, SEED, Backends.defaultSampler(backend), 2, H,
                new PrintWriter(Writer.nullWriter()));
    }

    /** The Java backends, precisions and n the continuation must be exact for (per-synapse is O(n^2): small n). */
    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of("cpu", Precision.FP64, 2500L),
                Arguments.of("cpu", Precision.FP32, 2500L),
                Arguments.of("per-synapse", Precision.FP64, 150L));
    }

    static Stream<Arguments> openClBackends() {
        return Stream.of(
                Arguments.of("opencl", Precision.FP64, 2500L),
                Arguments.of("opencl", Precision.FP32, 2500L));
    }

    @ParameterizedTest(name = "{0} {1} n = {2}")
    @MethodSource("openClBackends")
    @Tag("opencl")
    void continuingOnOpenClFromACheckpointIsTheUninterruptedRunBitForBit(String backend, Precision p, long n)
            throws IOException {
        continuingFromACheckpointIsTheUninterruptedRunBitForBit(backend, p, n);
    }

    static Checkpoint checkpointOf(Simulation sim, long trajectoryLength, long trajectoryChecksum) {
        Engine e = sim.engine();
        Scenario s = sim.scenario();
        return new Checkpoint(new Checkpoint.Identity(s.n(), e.precision(), e.backend(), sim.scheme(), SEED, sim.h(),
                Checkpoint.scenarioHash(s), e.sampler(), CounterRng.LAYOUT_VERSION), 0.5, 10,
                new CsvWriter.Prefix(trajectoryLength, trajectoryChecksum), "test", sim.observables(),
                Checkpoint.Monitored.NONE);
    }

    static void write(Path file, Checkpoint c, Engine engine, int chunk) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CheckpointFile.write(ch, c, engine, chunk);
        }
    }

    static double[] state(Engine e, Population p) {
        double[] x = new double[(int) e.n()];
        e.readState(p, 0, x, x.length);
        return x;
    }

    @ParameterizedTest(name = "{0} {1} n = {2}")
    @MethodSource("backends")
    void continuingFromACheckpointIsTheUninterruptedRunBitForBit(String backend, Precision p, long n)
            throws IOException {
        Scenario s = mv61(n);
        int steps = 12;
        int at = 5;
        double[][] expected = new double[steps + 1][];
        double[][] expectedState = new double[2][];
        try (Simulation a = new Simulation(s, engine(backend, s, p), Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            for (int k = 1; k <= steps; k++) {
                expected[k] = new TrajectoryRow(0, a.step()).values();
            }
            expectedState[0] = state(a.engine(), Population.E);
            expectedState[1] = state(a.engine(), Population.I);
        }
        Path file = tmp.resolve("c.ckpt");
        try (Simulation b = new Simulation(s, engine(backend, s, p), Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            for (int k = 1; k <= at; k++) {
                b.step();
            }
            // Buffers smaller than n, and another size for reading: chunk boundaries must not matter.
            write(file, checkpointOf(b, 123, 456), b.engine(), 1000);
        }
        CheckpointFile.Header header = CheckpointFile.readHeader(file);
        assertEquals(at, header.checkpoint().step());
        assertEquals(123, header.checkpoint().trajectory().length());
        assertEquals(456, header.checkpoint().trajectory().checksum());
        Engine restored = engine(backend, s, p);
        CheckpointFile.restore(file, header, restored, 700);
        try (Simulation c = new Simulation(s, restored, Scheme.SEMI_IMPLICIT, H, header.checkpoint().observables())) {
            for (int k = at + 1; k <= steps; k++) {
                assertArrayEquals(expected[k], new TrajectoryRow(0, c.step()).values(), "step " + k);
            }
            assertArrayEquals(expectedState[0], state(restored, Population.E), "final e states");
            assertArrayEquals(expectedState[1], state(restored, Population.I), "final i states");
        }
    }

    @Test
    void sizeEstimateBoundsTheFileFromAbove() throws IOException {
        Scenario s = mv61(3000);
        for (Precision p : Precision.values()) {
            try (Simulation sim = new Simulation(s, engine("cpu", s, p), Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
                Path f = tmp.resolve("size-" + p.key);
                write(f, checkpointOf(sim, 0, 0), sim.engine(), CheckpointFile.CHUNK_NEURONS);
                long size = Files.size(f);
                assertTrue(size <= CheckpointFile.sizeEstimate(3000, p, Checkpoint.Monitored.NONE), size + " bytes");
                assertTrue(size > 2 * 3000L * p.bytes, "the states are all there: " + size);
            }
        }
    }

    /** A written checkpoint of n = 2000 (fp64), to be damaged by each test case. */
    private Path written() throws IOException {
        Scenario s = mv61(2000);
        Path f = tmp.resolve("damaged.ckpt");
        try (Simulation sim = new Simulation(s, engine("cpu", s, Precision.FP64), Scheme.SEMI_IMPLICIT, H,
                MV61_MEAN)) {
            sim.step();
            write(f, checkpointOf(sim, 0, 0), sim.engine(), 512);
        }
        return f;
    }

    private static void edit(Path f, Consumer<byte[]> change) throws IOException {
        byte[] b = Files.readAllBytes(f);
        change.accept(b);
        Files.write(f, b);
    }

    /** Reads header and states, as a resume does. */
    private static void load(Path f) {
        CheckpointFile.Header h = CheckpointFile.readHeader(f);
        Scenario s = mv61(h.checkpoint().run().n());
        try (Engine e = engine("cpu", s, h.checkpoint().run().precision())) {
            CheckpointFile.restore(f, h, e);
        }
    }

    private void assertDamaged(String what, Path f) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> load(f));
        assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains(what), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    }

    /** An intact checkpoint restores the states it was written from, bit for bit, and its header's step. */
    @Test
    void anIntactCheckpointRestoresItsStates() throws IOException {
        Scenario s = mv61(2000);
        Path f = tmp.resolve("intact.ckpt");
        double[][] before = new double[2][];
        try (Simulation sim = new Simulation(s, engine("cpu", s, Precision.FP64), Scheme.SEMI_IMPLICIT, H,
                MV61_MEAN)) {
            sim.step();
            sim.step();
            before[0] = state(sim.engine(), Population.E);
            before[1] = state(sim.engine(), Population.I);
            write(f, checkpointOf(sim, 0, 0), sim.engine(), 512);
        }
        CheckpointFile.Header h = CheckpointFile.readHeader(f);
        assertEquals(2, h.checkpoint().step());
        assertEquals(2000, h.checkpoint().run().n());
        try (Engine e = engine("cpu", s, Precision.FP64)) {
            CheckpointFile.restore(f, h, e);
            assertArrayEquals(before[0], state(e, Population.E), "restored e states");
            assertArrayEquals(before[1], state(e, Population.I), "restored i states");
        }
    }

    @Test
    void aFlippedBitInTheHeaderIsDamageNotAnotherRun() throws IOException {
        Path f = written();
        // Byte 17 is in n: unchecked, it would read as a checkpoint of another n.
        edit(f, b -> b[17] ^= 0x01);
        assertDamaged("header checksum", f);
    }

    @Test
    void aFlippedBitInTheStatesIsDetected() throws IOException {
        Path f = written();
        edit(f, b -> b[b.length / 2] ^= 0x10);
        assertDamaged("neuron states do not match their checksum", f);
    }

    @Test
    void aDamagedStateChecksumIsDetected() throws IOException {
        Path f = written();
        edit(f, b -> b[b.length - 1] ^= 0x01);
        assertDamaged("checksum", f);
    }

    @Test
    void aTruncatedCheckpointIsDetectedWithItsLength() throws IOException {
        Path f = written();
        long size = Files.size(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(size - 1);
        }
        assertDamaged("truncated: " + (size - 1) + " bytes of " + size, f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(10);
        }
        assertDamaged("truncated", f);
        Files.write(f, new byte[0]);
        assertDamaged("truncated", f);
    }

    @Test
    void extraBytesAfterTheEndAreDetected() throws IOException {
        Path f = written();
        Files.write(f, new byte[]{1, 2, 3}, StandardOpenOption.APPEND);
        assertDamaged("3 more than", f);
    }

    @Test
    void aFileThatIsNoCheckpointIsSaidToBeOne() throws IOException {
        Path f = tmp.resolve("text.ckpt");
        Files.writeString(f, "name = \"mv-6.1\"\n[network]\nn = 5000\n");
        assertDamaged("not a balnet checkpoint", f);
    }

    @Test
    void anotherFormatVersionIsRefusedAsAConflictNotAsDamage() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        ByteBuffer buf = ByteBuffer.wrap(b);
        int future = CheckpointFile.VERSION + 1;
        buf.putInt(8, future);
        int headerLength = buf.getInt(12);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, 16 + headerLength);
        buf.putInt(16 + headerLength, (int) crc.getValue());
        Files.write(f, b);
        BadInputException e = assertThrows(BadInputException.class, () -> CheckpointFile.readHeader(f));
        assertEquals(InputError.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("format version " + future), e.getMessage());
    }

    @Test
    void theScenarioHashIgnoresOnlyTheEndTime() {
        Scenario s = mv61(5000);
        String h = Checkpoint.scenarioHash(s);
        Scenario.RunSettings r = s.run();
        assertEquals(h, Checkpoint.scenarioHash(s.withRun(new Scenario.RunSettings(r.tEnd() * 3, r.dt(),
                r.recordEvery(), r.seed(), r.scheme()))), "--t-end may extend a run");
        assertNotEquals(h, Checkpoint.scenarioHash(s.withRun(new Scenario.RunSettings(r.tEnd(), r.dt(),
                Math.nextUp(r.recordEvery()), r.seed(), r.scheme()))), "one ulp of record_every");
        assertNotEquals(h, Checkpoint.scenarioHash(s.withRun(new Scenario.RunSettings(r.tEnd(),
                OptionalDouble.of(0.01), r.recordEvery(), r.seed(), r.scheme()))), "dt = 0.01 is not dt = auto");
        double[][] c = {s.coupling()[0].clone(), s.coupling()[1].clone()};
        c[0][1] = Math.nextDown(c[0][1]);
        assertNotEquals(h, Checkpoint.scenarioHash(new Scenario(s.name(), s.n(), s.tau(), c, s.rates(), s.initial(),
                s.run())), "one ulp of coupling.ei");
        assertNotEquals(h, Checkpoint.scenarioHash(s.withInitialMeans(-5.03, -1.28)));
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingWhatDiffers() {
        Scenario s = mv61(5000);
        Scenario.RunSettings r = s.run();
        String hash = Checkpoint.scenarioHash(s);
        Checkpoint c = new Checkpoint(new Checkpoint.Identity(5000, Precision.FP64, "cpu", r.scheme(), r.seed(), H, hash,
                Sampler.TABLE, CounterRng.LAYOUT_VERSION), 0.5, 0, new CsvWriter.Prefix(0, 0), "test", null,
                Checkpoint.Monitored.NONE);
        c.requireMatches("f", s, H, null, null, null);
        c.requireMatches("f", s, H, Precision.FP64, "cpu", Sampler.TABLE);
        c.requireMatches("f", s, H, null, "auto", null);

        record Case(String what, Runnable check, String key, String message) {
        }
        Scenario other = s.withInitialMeans(-5.03, -1.28);
        for (Case k : new Case[]{
                new Case("n", () -> c.requireMatches("f", s.withN(6000), H, null, null, null), "--resume",
                        "network.n = 6000"),
                new Case("seed", () -> c.requireMatches("f", s.withRun(new Scenario.RunSettings(r.tEnd(), r.dt(),
                        r.recordEvery(), 99, r.scheme())), H, null, null, null), "--resume", "run.seed = 99"),
                new Case("scheme", () -> c.requireMatches("f", s.withRun(new Scenario.RunSettings(r.tEnd(), r.dt(),
                        r.recordEvery(), r.seed(), Scheme.EXPLICIT)), H, null, null, null), "--resume", "run.scheme = explicit"),
                new Case("scenario", () -> c.requireMatches("f", other, H, null, null, null), "--resume",
                        "another scenario"),
                new Case("h", () -> c.requireMatches("f", s, H / 2, null, null, null), "--resume", "h = 0.005"),
                new Case("precision", () -> c.requireMatches("f", s, H, Precision.FP32, null, null), "--precision",
                        "fp32"),
                new Case("backend", () -> c.requireMatches("f", s, H, null, "per-synapse", null), "--backend",
                        "per-synapse"),
                new Case("sampler", () -> c.requireMatches("f", s, H, null, null, Sampler.PTRS), "--sampler",
                        "sampler table")}) {
            BadInputException e = assertThrows(BadInputException.class, k.check::run, k.what);
            assertEquals(InputError.CONFLICT, e.kind(), k.what);
            assertEquals(k.key, e.key(), k.what);
            assertTrue(e.getMessage().contains(k.message), k.what + ": " + e.getMessage());
        }
    }

    @Test
    void fp32StatesAreStoredAsTheirFloats() throws IOException {
        Scenario s = mv61(1000);
        Path f = tmp.resolve("fp32.ckpt");
        double[] before;
        try (Simulation sim = new Simulation(s, engine("cpu", s, Precision.FP32), Scheme.SEMI_IMPLICIT, H,
                MV61_MEAN)) {
            sim.step();
            before = state(sim.engine(), Population.I);
            write(f, checkpointOf(sim, 0, 0), sim.engine(), 300);
        }
        assertEquals(CheckpointFile.readHeader(f).stateOffset() + 2 * 1000 * 4 + 4, Files.size(f), "4 bytes a neuron");
        try (Engine e = engine("cpu", s, Precision.FP32)) {
            CheckpointFile.restore(f, CheckpointFile.readHeader(f), e);
            double[] after = state(e, Population.I);
            assertArrayEquals(before, after);
            assertTrue(Arrays.stream(after).allMatch(x -> x == (float) x), "still floats");
        }
    }
}
