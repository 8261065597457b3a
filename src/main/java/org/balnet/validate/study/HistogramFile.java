package org.balnet.validate.study;

import org.balnet.io.AtomicFiles;
import org.balnet.io.IoMessages;
import org.balnet.model.Population;
import org.balnet.validate.StateHistogram;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One {@link StateHistogram} of a study's replica in a file of its own, written when it is taken
 * (before the checkpoint of its step), so that a replica resumed from a later checkpoint still has it.
 * Binary and exact: the doubles' bits and the counts, gzip-compressed (most of the up to 4M counts are
 * small numbers), whose CRC-32 and length trailer catch a damaged file.
 *
 * <p>Layout (big-endian): the magic {@code BNHIST}, format version (int), population index (int), time,
 * lo, hi, sample mean, sample variance (doubles), the number of counts (int), the counts (longs).
 */
final class HistogramFile {
    private static final byte[] MAGIC = {'B', 'N', 'H', 'I', 'S', 'T'};
    private static final int VERSION = 1;
    private static final int BUFFER = 1 << 16;

    private HistogramFile() {
    }

    /** The file of the histogram of population {@code p} at record index {@code k}: histogram-k-e.bin. */
    static String name(long k, Population p) {
        return "histogram-" + k + "-" + p.label + ".bin";
    }

    static void write(Path file, StateHistogram h) {
        AtomicFiles.write(file, ch -> {
            // not closed: AtomicFiles syncs and closes the channel; finish() writes gzip's trailer
            GZIPOutputStream gz = new GZIPOutputStream(Channels.newOutputStream(ch), BUFFER);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(gz, BUFFER));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(h.population().index());
            out.writeDouble(h.time());
            out.writeDouble(h.lo());
            out.writeDouble(h.hi());
            out.writeDouble(h.sampleMean());
            out.writeDouble(h.sampleVariance());
            out.writeInt(h.counts().length);
            for (long c : h.counts()) {
                out.writeLong(c);
            }
            out.flush();
            gz.finish();
        });
    }

    /**
     * @throws UncheckedIOException when the file cannot be read or is not a whole histogram file
     */
    static StateHistogram read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, BUFFER),
                     BUFFER))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a balnet histogram file");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("histogram format " + version + ", this balnet reads " + VERSION);
            }
            int population = in.readInt();
            if (population < 0 || population >= Population.values().length) {
                throw new IOException("population index " + population);
            }
            double time = in.readDouble();
            double lo = in.readDouble();
            double hi = in.readDouble();
            double mean = in.readDouble();
            double variance = in.readDouble();
            int length = in.readInt();
            if (length < 3 || length > StateHistogram.MAX_BINS + 2) {
                throw new IOException("bin count " + length);
            }
            long[] counts = new long[length];
            for (int i = 0; i < length; i++) {
                counts[i] = in.readLong();
            }
            // the end of the stream, where gzip checks its CRC-32 and length
            if (in.read() != -1) {
                throw new IOException("data after the counts");
            }
            return new StateHistogram(Population.values()[population], time, lo, hi, counts, mean, variance);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read histogram " + file + ": " + IoMessages.reason(e), e);
        }
    }
}
