package org.balnet.sim.checkpoint;

import org.balnet.io.CsvWriter;
import org.balnet.io.IoMessages;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scheme;
import org.balnet.rng.CounterRng;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary checkpoint format, version 3. All integers and floating-point numbers big-endian;
 * doubles as their raw IEEE bits, so every value reads back exactly.
 *
 * <pre>
 * offset      size      content
 * 0           8         magic "BALNETCK"
 * 8           4         format version (3)
 * 12          4         header length H
 * 16          H         header: n (i64), precision, backend, scheme (UTF), seed (i64), h (f64),
 *                       scenario hash (UTF), imbalance limit (f64), checkpoint every steps (i64),
 *                       trajectory length (i64), trajectory CRC32C (i64), balnet version (UTF),
 *                       observables: step (i64), time, v[e,i], K[e,i], Q[ee,ei,ie,ii], F[e,i], J[ee,ei,ie,ii] (f64),
 *                       monitors: option count (i32), per option its name (UTF) and value (i32 length, UTF-8),
 *                       file count (i32), per file its name (UTF), length (i64) and CRC32C (i64),
 *                       sampler (UTF), counter layout (i32)
 * 16+H        4         CRC32C of bytes [0, 16+H)
 * 20+H        n*b       states of population e, neuron 0 .. n-1 (b = 4: float, fp32; b = 8: double, fp64)
 * 20+H+n*b    n*b       states of population i
 * 20+H+2n*b   4         CRC32C of the states
 * </pre>
 *
 * The header has its own checksum so that a damaged header is reported as damage, never read as a
 * checkpoint of another run. Version 2 is version 3 without the sampler and the counter layout, version
 * 1 (balnet 0.1.0) version 2 without the monitors: their runs drew counter layout 1's numbers, which this
 * balnet does not draw, so such a checkpoint is refused (exit 2) naming the balnet version that wrote
 * it, never continued with other numbers; so is a version-3 checkpoint of another counter layout.
 * Later format versions keep the preamble (magic, version, header length),
 * the header and its checksum, so that any version can be recognised and refused by name. The states are streamed through a buffer of {@link #CHUNK_NEURONS}
 * neurons in both directions: a checkpoint of 10^9 neurons never needs a second copy of the state.
 * The format uses only {@link Engine#readState} and {@link Engine#writeState}, so it is the same for
 * every backend.
 */
public final class CheckpointFile {
    /** Format version written and read. */
    public static final int VERSION = 3;
    /** {@link #VERSION} without the sampler and the counter layout (layout 1): read only to say who wrote it. */
    static final int VERSION_WITHOUT_LAYOUT = 2;
    /** The format of balnet 0.1.0: {@link #VERSION_WITHOUT_LAYOUT} without the monitors. */
    static final int VERSION_WITHOUT_MONITORS = 1;
    /** Neurons per read/write buffer: 8 MiB of doubles plus 8 MiB of bytes at fp64. */
    public static final int CHUNK_NEURONS = 1 << 20;

    private static final byte[] MAGIC = "BALNETCK".getBytes(StandardCharsets.US_ASCII);
    private static final int PREAMBLE = MAGIC.length + 4 + 4;
    private static final int CRC_BYTES = 4;
    /**
     * Headers are a few hundred bytes, plus the monitors' options (a --record-neurons list can be long);
     * a larger length field is damage.
     */
    private static final int MAX_HEADER = 1 << 24;
    /** Upper bound on the header's size without the monitors' options, for disk-space estimates. */
    private static final int HEADER_ESTIMATE = 2048;

    private CheckpointFile() {
    }

    /** A checkpoint's metadata, verified against its checksum, and where its states start. */
    public record Header(Checkpoint checkpoint, long stateOffset, long fileLength) {
    }

    /** Bytes of a checkpoint of n neurons per population (header estimated from above). */
    public static long sizeEstimate(long n, Precision precision, Checkpoint.Monitored monitors) {
        long options = 0;
        for (Map.Entry<String, String> e : monitors.options().entrySet()) {
            options += 6 + 3L * (e.getKey().length() + e.getValue().length());
        }
        return PREAMBLE + HEADER_ESTIMATE + options + 2 * CRC_BYTES + 2 * n * precision.bytes;
    }

    /**
     * Writes a checkpoint of the engine's current state to {@code out} (positioned at 0).
     *
     * @throws IOException as the channel throws it (a full disk, ...)
     */
    static void write(WritableByteChannel out, Checkpoint c, Engine engine) throws IOException {
        write(out, c, engine, CHUNK_NEURONS);
    }

    /** {@link #write} with another buffer size (tests cross buffer boundaries with small n). */
    static void write(WritableByteChannel out, Checkpoint c, Engine engine, int chunkNeurons) throws IOException {
        requireEngine(c.run(), engine);
        byte[] header = header(c);
        ByteBuffer pre = ByteBuffer.allocate(PREAMBLE + header.length + CRC_BYTES);
        pre.put(MAGIC).putInt(VERSION).putInt(header.length).put(header);
        CRC32C crc = new CRC32C();
        crc.update(pre.array(), 0, pre.position());
        pre.putInt((int) crc.getValue());
        pre.flip();
        writeFully(out, pre);

        int b = c.run().precision().bytes;
        long n = c.run().n();
        int chunk = (int) Math.min(chunkNeurons, n);
        double[] values = new double[chunk];
        ByteBuffer buf = ByteBuffer.allocate(chunk * b);
        CRC32C stateCrc = new CRC32C();
        for (Population p : Population.values()) {
            for (long from = 0; from < n; from += chunk) {
                int len = (int) Math.min(chunk, n - from);
                engine.readState(p, from, values, len);
                buf.clear();
                if (b == Double.BYTES) {
                    for (int i = 0; i < len; i++) {
                        buf.putLong(Double.doubleToRawLongBits(values[i]));
                    }
                } else {
                    // fp32 states read back as doubles are exact floats: the cast is exact.
                    for (int i = 0; i < len; i++) {
                        buf.putInt(Float.floatToRawIntBits((float) values[i]));
                    }
                }
                buf.flip();
                stateCrc.update(buf.duplicate());
                writeFully(out, buf);
            }
        }
        ByteBuffer tail = ByteBuffer.allocate(CRC_BYTES).putInt((int) stateCrc.getValue());
        tail.flip();
        writeFully(out, tail);
    }

    private static void requireEngine(Checkpoint.Identity run, Engine engine) {
        if (engine.n() != run.n() || engine.precision() != run.precision()) {
            throw new IllegalArgumentException("checkpoint for n = " + run.n() + " " + run.precision()
                    + ", engine has n = " + engine.n() + " " + engine.precision());
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    private static byte[] header(Checkpoint c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            Checkpoint.Identity run = c.run();
            d.writeLong(run.n());
            d.writeUTF(run.precision().key);
            d.writeUTF(run.backend());
            d.writeUTF(run.scheme().key);
            d.writeLong(run.seed());
            writeDouble(d, run.h());
            d.writeUTF(run.scenarioHash());
            writeDouble(d, c.imbalanceLimit());
            d.writeLong(c.checkpointEverySteps());
            d.writeLong(c.trajectory().length());
            d.writeLong(c.trajectory().checksum());
            d.writeUTF(c.balnetVersion());
            Observables o = c.observables();
            d.writeLong(o.step());
            writeDouble(d, o.time());
            for (double[] row : new double[][]{o.mean(), o.variance(), o.q()[0], o.q()[1], o.imbalance(),
                    o.jacobian()[0], o.jacobian()[1]}) {
                writeDouble(d, row[0]);
                writeDouble(d, row[1]);
            }
            Checkpoint.Monitored m = c.monitors();
            d.writeInt(m.options().size());
            for (Map.Entry<String, String> e : m.options().entrySet()) {
                d.writeUTF(e.getKey());
                byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
                d.writeInt(value.length);
                d.write(value);
            }
            d.writeInt(m.files().size());
            for (Map.Entry<String, CsvWriter.Prefix> e : m.files().entrySet()) {
                d.writeUTF(e.getKey());
                d.writeLong(e.getValue().length());
                d.writeLong(e.getValue().checksum());
            }
            d.writeUTF(run.sampler().key);
            d.writeInt(run.counterLayout());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream", e);
        }
        return bytes.toByteArray();
    }

    /** Raw bits: DataOutput.writeDouble would fold every NaN into one. */
    private static void writeDouble(DataOutputStream d, double x) throws IOException {
        d.writeLong(Double.doubleToRawLongBits(x));
    }

    private static double readDouble(DataInputStream d) throws IOException {
        return Double.longBitsToDouble(d.readLong());
    }

    /**
     * Reads and verifies the header; does not read the states.
     *
     * @throws CheckpointException when the file is missing, truncated, not a checkpoint, or its header
     *                             checksum or length is wrong
     * @throws BadInputException   (CONFLICT) when it is a checkpoint of another format version
     */
    public static Header readHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(PREAMBLE);
            readFully(ch, pre, 0, file, size);
            byte[] magic = new byte[MAGIC.length];
            pre.flip();
            pre.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw damaged(file, "it is not a balnet checkpoint (wrong magic bytes)");
            }
            int version = pre.getInt();
            int length = pre.getInt();
            if (length < 0 || length > MAX_HEADER) {
                throw damaged(file, "its header length " + length + " is impossible");
            }
            ByteBuffer rest = ByteBuffer.allocate(length + CRC_BYTES);
            readFully(ch, rest, PREAMBLE, file, size);
            rest.flip();
            CRC32C crc = new CRC32C();
            crc.update(pre.array(), 0, PREAMBLE);
            crc.update(rest.array(), 0, length);
            int stored = rest.getInt(length);
            // The checksum first: a damaged version field is damage, not a checkpoint of another version.
            // (Every format version keeps this preamble, header and header checksum.)
            if (stored != (int) crc.getValue()) {
                throw damaged(file, String.format(Locale.ROOT, "its header checksum does not match "
                        + "(CRC32C %08x, stored %08x)", (int) crc.getValue(), stored));
            }
            if (version < VERSION_WITHOUT_MONITORS || version > VERSION) {
                throw InputError.CONFLICT.exception("--resume", String.format(Locale.ROOT,
                        "--resume: the checkpoint %s has format version %d; this balnet reads version %d only "
                                + "(resume with the balnet version that wrote it)", file, version, VERSION));
            }
            Checkpoint c = parseHeader(file, rest.array(), length, version);
            Checkpoint.Identity run = c.run();
            if (run.counterLayout() != CounterRng.LAYOUT_VERSION) {
                throw InputError.CONFLICT.exception("--resume", String.format(Locale.ROOT,
                        "--resume: the checkpoint %s was written by balnet %s, whose random numbers follow counter "
                                + "layout %d (sampler %s); this balnet draws counter layout %d, so it would continue the "
                                + "run with other numbers: finish the run with balnet %s, or start it again",
                        file, c.balnetVersion(), run.counterLayout(), run.sampler().key, CounterRng.LAYOUT_VERSION,
                        c.balnetVersion()));
            }
            long stateOffset = PREAMBLE + length + CRC_BYTES;
            long n = c.run().n();
            Precision precision = c.run().precision();
            long expected = stateOffset + 2 * n * precision.bytes + CRC_BYTES;
            if (size < expected) {
                throw damaged(file, String.format(Locale.ROOT, "it is truncated: %d bytes of %d", size, expected));
            }
            if (size > expected) {
                throw damaged(file, String.format(Locale.ROOT, "it has %d bytes, %d more than a checkpoint of "
                        + "n = %d (%s) has", size, size - expected, n, precision.key));
            }
            return new Header(c, stateOffset, size);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + " has disappeared", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + IoMessages.reason(e), e);
        }
    }

    /**
     * The header of format {@code version}: 2 has no sampler and counter layout (PTRS, layout 1), 1 no
     * monitors either.
     */
    private static Checkpoint parseHeader(Path file, byte[] bytes, int length, int version) {
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes, 0, length))) {
            long n = d.readLong();
            Precision precision = Precision.fromKey(d.readUTF(), "checkpoint precision");
            String backend = d.readUTF();
            Scheme scheme = Scheme.fromKey(d.readUTF(), "checkpoint scheme");
            long seed = d.readLong();
            double h = readDouble(d);
            String hash = d.readUTF();
            double imbalanceLimit = readDouble(d);
            long every = d.readLong();
            long trajectoryLength = d.readLong();
            long trajectoryChecksum = d.readLong();
            String balnetVersion = d.readUTF();
            long step = d.readLong();
            double time = readDouble(d);
            double[][] pairs = new double[7][2];
            for (double[] p : pairs) {
                p[0] = readDouble(d);
                p[1] = readDouble(d);
            }
            Checkpoint.Monitored monitors = version == VERSION_WITHOUT_MONITORS ? Checkpoint.Monitored.NONE
                    : readMonitors(file, d);
            Sampler sampler = Sampler.PTRS;
            int layout = 1;
            if (version >= VERSION) {
                sampler = Sampler.fromRecordedKey(d.readUTF(), "checkpoint sampler");
                layout = d.readInt();
            }
            if (d.available() != 0) {
                throw damaged(file, d.available() + " unexpected bytes at the end of its header");
            }
            if (n < 1 || step < 0 || trajectoryLength < 0 || every < 0) {
                throw damaged(file, "its header holds impossible values (n = " + n + ", step = " + step + ")");
            }
            Observables o = new Observables(step, time, pairs[0], pairs[1], new double[][]{pairs[2], pairs[3]},
                    pairs[4], new double[][]{pairs[5], pairs[6]});
            return new Checkpoint(new Checkpoint.Identity(n, precision, backend, scheme, seed, h, hash, sampler, layout),
                    imbalanceLimit, every, new CsvWriter.Prefix(trajectoryLength, trajectoryChecksum), balnetVersion, o,
                    monitors);
        } catch (EOFException e) {
            throw damaged(file, "its header ends early");
        } catch (BadInputException e) {
            // A header that passed its checksum but names no known precision, scheme or sampler.
            throw damaged(file, "its header names an unknown value (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw damaged(file, "its header cannot be decoded (" + IoMessages.reason(e) + ")");
        }
    }

    private static Checkpoint.Monitored readMonitors(Path file, DataInputStream d) throws IOException {
        int count = d.readInt();
        if (count < 0 || count > d.available()) {
            throw damaged(file, "its header holds an impossible number of monitor options (" + count + ")");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            String key = d.readUTF();
            int length = d.readInt();
            if (length < 0 || length > d.available()) {
                throw damaged(file, "its header holds an impossible length of a monitor option (" + length + ")");
            }
            options.put(key, new String(d.readNBytes(length), StandardCharsets.UTF_8));
        }
        int files = d.readInt();
        if (files < 0 || files > d.available()) {
            throw damaged(file, "its header holds an impossible number of monitor files (" + files + ")");
        }
        Map<String, CsvWriter.Prefix> prefixes = new LinkedHashMap<>();
        for (int k = 0; k < files; k++) {
            String name = d.readUTF();
            long length = d.readLong();
            long crc = d.readLong();
            if (length < 0) {
                throw damaged(file, "its header gives " + name + " a negative length");
            }
            prefixes.put(name, new CsvWriter.Prefix(length, crc));
        }
        return new Checkpoint.Monitored(options, prefixes);
    }

    /**
     * Streams the states into {@code engine} and verifies their checksum. When it fails, the engine
     * holds a partial state and must be restored again from another checkpoint (or discarded).
     *
     * @throws CheckpointException when the states are damaged or cannot be read
     */
    public static void restore(Path file, Header header, Engine engine) {
        restore(file, header, engine, CHUNK_NEURONS);
    }

    /** {@link #restore} with another buffer size. */
    static void restore(Path file, Header header, Engine engine, int chunkNeurons) {
        Checkpoint c = header.checkpoint();
        requireEngine(c.run(), engine);
        int b = c.run().precision().bytes;
        long n = c.run().n();
        int chunk = (int) Math.min(chunkNeurons, n);
        double[] values = new double[chunk];
        ByteBuffer buf = ByteBuffer.allocate(chunk * b);
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != header.fileLength()) {
                throw damaged(file, "its length changed while it was read (" + size + " bytes, was "
                        + header.fileLength() + ")");
            }
            long pos = header.stateOffset();
            for (Population p : Population.values()) {
                for (long from = 0; from < n; from += chunk) {
                    int len = (int) Math.min(chunk, n - from);
                    buf.clear();
                    buf.limit(len * b);
                    readFully(ch, buf, pos, file, size);
                    pos += (long) len * b;
                    buf.flip();
                    crc.update(buf.duplicate());
                    if (b == Double.BYTES) {
                        for (int i = 0; i < len; i++) {
                            values[i] = Double.longBitsToDouble(buf.getLong());
                        }
                    } else {
                        for (int i = 0; i < len; i++) {
                            values[i] = Float.intBitsToFloat(buf.getInt());
                        }
                    }
                    engine.writeState(p, from, values, len);
                }
            }
            ByteBuffer tail = ByteBuffer.allocate(CRC_BYTES);
            readFully(ch, tail, pos, file, size);
            int stored = tail.getInt(0);
            if (stored != (int) crc.getValue()) {
                throw damaged(file, String.format(Locale.ROOT, "its neuron states do not match their checksum "
                        + "(CRC32C %08x, stored %08x)", (int) crc.getValue(), stored));
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + IoMessages.reason(e), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file, long size)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw damaged(file, String.format(Locale.ROOT, "it is truncated: it ends at byte %d", size));
            }
            pos += r;
        }
    }

    private static CheckpointException damaged(Path file, String what) {
        return new CheckpointException("checkpoint " + file + " is damaged: " + what);
    }
}
