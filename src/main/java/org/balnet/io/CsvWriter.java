package org.balnet.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A CSV table (comma-separated, '.' decimal point, header line, one row per record) that pandas, R
 * and MATLAB read as is: numbers, written with {@link Double#toString}, which reads back to the same
 * double, and in long formats ({@link Rows}) integers and plain words.
 *
 * <p>Each row, or each set of {@link Rows}, goes to the operating system whole, in one write, as soon
 * as it is made, so a reader
 * or a crash of the JVM sees only complete rows. When a write fails part-way (a full disk), the file
 * is cut back to the last complete row before the error is reported, so it never ends in a partial
 * line. A file writer counts the bytes it holds and keeps their CRC32C, so a checkpoint can record
 * exactly which prefix of the file belongs to it, and {@link #reopen} can continue the file from
 * there after checking that the prefix is unchanged. A table that is written whole ({@link #writeTable})
 * goes through {@link AtomicFiles}: a reader never sees it half written.
 */
public final class CsvWriter implements Closeable {
    /** Buffer for reading a prefix back (checksum on resume). */
    private static final int READ_BUFFER = 1 << 20;

    /** The file, or null when writing to a stream. */
    private final SeekableByteChannel channel;
    private final Path file;
    /** The stream, or null when writing to a file. */
    private final Writer stream;
    private final int columns;
    private final CRC32C checksum;
    private final StringBuilder line = new StringBuilder(256);
    /** Bytes of complete rows in the file (header included). */
    private long length;

    private CsvWriter(SeekableByteChannel channel, Path file, Writer stream, int columns, CRC32C checksum,
                      long length) {
        this.channel = channel;
        this.file = file;
        this.stream = stream;
        this.columns = columns;
        this.checksum = checksum;
        this.length = length;
    }

    /** A new file (truncating an existing one), starting with the header line. */
    public static CsvWriter create(Path file, List<String> header) {
        SeekableByteChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + IoMessages.reason(e), e);
        }
        return startFile(ch, file, header);
    }

    /**
     * A new table on an open channel that the caller closes, e.g. one of {@link AtomicFiles#write} for a
     * table written whole.
     */
    public static CsvWriter on(SeekableByteChannel ch, Path file, List<String> header) {
        return startFile(ch, file, header);
    }

    /** A new table on an open channel (tests inject failing channels here). */
    static CsvWriter startFile(SeekableByteChannel ch, Path file, List<String> header) {
        CsvWriter w = new CsvWriter(ch, file, null, header.size(), new CRC32C(), 0);
        try {
            w.writeLine(String.join(",", header));
        } catch (RuntimeException e) {
            w.closeQuietly();
            throw e;
        }
        return w;
    }

    /** Writes to a stream it does not close (e.g. stdout). */
    public static CsvWriter to(Writer stream, List<String> header) {
        CsvWriter w = new CsvWriter(null, null, stream, header.size(), new CRC32C(), 0);
        w.writeLine(String.join(",", header));
        return w;
    }

    /** A whole table, written atomically ({@link AtomicFiles}): the file holds all of it or is as it was. */
    public static Path writeTable(Path file, List<String> header, Iterable<double[]> rows) {
        AtomicFiles.write(file, ch -> {
            // not closed here: AtomicFiles closes the channel after syncing it
            CsvWriter w = startFile(ch, file, header);
            for (double[] row : rows) {
                w.row(row);
            }
        });
        return file;
    }

    /** A whole table to a stream it does not close (e.g. stdout). */
    public static void writeTable(Writer stream, List<String> header, Iterable<double[]> rows) {
        CsvWriter w = to(stream, header);
        for (double[] row : rows) {
            w.row(row);
        }
        w.close();
    }

    /**
     * The first bytes of a table: how many, and their CRC32C. A checkpoint records the prefix of
     * trajectory.csv it belongs to.
     *
     * @param length   bytes of complete rows, header included
     * @param checksum CRC32C of those bytes
     */
    public record Prefix(long length, long checksum) {
    }

    /**
     * Continues an existing table after its prefix: checks that the file's first {@code prefix.length()}
     * bytes start with {@code header} and have the prefix's checksum, then cuts off whatever follows them
     * (rows written after a checkpoint, a partial last line) and appends from there. Nothing is cut when
     * the check fails.
     *
     * @throws PrefixMismatch when the file is shorter than the prefix or its prefix differs
     * @throws UncheckedIOException when the file cannot be read or cut
     */
    public static CsvWriter reopen(Path file, List<String> header, Prefix prefix) throws PrefixMismatch {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + IoMessages.reason(e), e);
        }
        try {
            CRC32C crc = checkPrefix(ch, file, header, prefix);
            long length = prefix.length();
            ch.truncate(length);
            ch.position(length);
            ch.force(true);
            return new CsvWriter(ch, file, null, header.size(), crc, length);
        } catch (PrefixMismatch e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot read " + file + ": " + IoMessages.reason(e), e);
        }
    }

    /**
     * The check of {@link #reopen} without changing anything: the file exists, starts with
     * {@code header} and its first {@code prefix.length()} bytes have the prefix's checksum.
     *
     * @throws PrefixMismatch when it does not (or is missing)
     * @throws UncheckedIOException when it cannot be read
     */
    public static void requirePrefix(Path file, List<String> header, Prefix prefix) throws PrefixMismatch {
        if (!Files.exists(file)) {
            throw new PrefixMismatch(file + " does not exist");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            checkPrefix(ch, file, header, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoMessages.reason(e), e);
        }
    }

    /** The checks of {@link #requirePrefix}; returns the checksum of the prefix, to continue from. */
    private static CRC32C checkPrefix(FileChannel ch, Path file, List<String> header, Prefix prefix)
            throws IOException, PrefixMismatch {
        long length = prefix.length();
        CRC32C crc = new CRC32C();
        long size = ch.size();
        if (size < length) {
            throw new PrefixMismatch(String.format("%s has %d bytes, fewer than the %d it had when the "
                    + "checkpoint was written", file, size, length));
        }
        byte[] first = readPrefix(ch, length, crc);
        String expectedHeader = String.join(",", header) + "\n";
        String actualHeader = new String(first, 0, Math.min(first.length, expectedHeader.length()),
                StandardCharsets.UTF_8);
        if (!actualHeader.equals(expectedHeader)) {
            throw new PrefixMismatch(file + " does not start with the header " + String.join(",", header));
        }
        if (crc.getValue() != prefix.checksum()) {
            throw new PrefixMismatch(String.format("the first %d bytes of %s have changed since the checkpoint "
                    + "was written (CRC32C %08x, expected %08x)", length, file, crc.getValue(), prefix.checksum()));
        }
        return crc;
    }

    /** Reads bytes [0, length) into the checksum; returns the first block (for the header check). */
    private static byte[] readPrefix(FileChannel ch, long length, CRC32C crc) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(READ_BUFFER, Math.max(length, 1)));
        byte[] first = null;
        long pos = 0;
        while (pos < length) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), length - pos));
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new EOFException("end of file at byte " + pos);
            }
            buf.flip();
            if (first == null) {
                first = new byte[buf.remaining()];
                buf.duplicate().get(first);
            }
            crc.update(buf);
            pos += r;
        }
        return first != null ? first : new byte[0];
    }

    /** Writes one row of {@code columns} values. */
    public void row(double... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("row has " + values.length + " values, header has " + columns);
        }
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(format(values[i]));
        }
        writeLine(line.toString());
    }

    /**
     * Rows with text and integer cells besides numbers (long formats such as neurons.csv:
     * {@code t,population,neuron,u}), collected and then written by {@link #write(Rows)} in one write,
     * so that a reader or a crash sees all of them or none.
     */
    public final class Rows {
        private final StringBuilder text = new StringBuilder(1024);
        private int cells;
        private int count;

        private Rows() {
        }

        /** A number, as {@link #format} writes it. */
        public Rows add(double value) {
            return cell(format(value));
        }

        /** An integer, without a decimal point. */
        public Rows add(long value) {
            return cell(Long.toString(value));
        }

        /** A word: letters, digits, '_' and '-' only, so that it needs no quoting in any reader. */
        public Rows add(String word) {
            if (word.isEmpty() || !word.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                throw new IllegalArgumentException("not a plain CSV word: '" + word + "'");
            }
            return cell(word);
        }

        private Rows cell(String s) {
            if (cells == columns) {
                throw new IllegalStateException("row has more than " + columns + " values");
            }
            if (cells > 0) {
                text.append(',');
            }
            text.append(s);
            cells++;
            return this;
        }

        /** Ends the current row; it must have one value per column. */
        public Rows end() {
            if (cells != columns) {
                throw new IllegalArgumentException("row has " + cells + " values, header has " + columns);
            }
            text.append('\n');
            cells = 0;
            count++;
            return this;
        }

        /** Rows ended so far. */
        public int rowCount() {
            return count;
        }

        public boolean isEmpty() {
            return count == 0;
        }
    }

    /** An empty set of rows for this table. */
    public Rows rows() {
        return new Rows();
    }

    /** Writes complete rows in one write (nothing when there are none). */
    public void write(Rows rows) {
        if (rows.cells != 0) {
            throw new IllegalStateException("the last row is not ended");
        }
        if (!rows.isEmpty()) {
            writeText(rows.text.toString());
        }
    }

    /** How one value is written: shortest round-trip decimal, NaN and infinities as R/pandas read them. */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    private void writeLine(String s) {
        writeText(s + "\n");
    }

    /** Writes whole lines (each ending in a newline) in one write. */
    private void writeText(String s) {
        if (stream != null) {
            try {
                stream.write(s);
                stream.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write CSV row: " + IoMessages.reason(e), e);
            }
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            cutToLastRow();
            throw new UncheckedIOException("cannot write " + file + ": " + IoMessages.reason(e)
                    + " (the file keeps its complete rows)", e);
        }
        checksum.update(bytes);
        length += bytes.length;
    }

    /** After a failed write: drop the partial line, so the file still ends with a complete row. */
    private void cutToLastRow() {
        try {
            channel.truncate(length);
            channel.position(length);
        } catch (IOException ignored) {
            // The write error is the one to report; a file we cannot even truncate is cut on resume.
        }
    }

    /** Bytes of complete rows written so far, header included (for a file: its length). */
    public long length() {
        return length;
    }

    /** CRC32C of those bytes. */
    public long checksum() {
        return checksum.getValue();
    }

    /** The rows written so far, as a prefix that {@link #reopen} can continue from. */
    public Prefix prefix() {
        return new Prefix(length, checksum.getValue());
    }

    /**
     * Forces the rows written so far to the storage device (fsync), so that a checkpoint that refers
     * to them never outlives them. No-op for a stream.
     */
    public void sync() {
        if (channel instanceof FileChannel) {
            try {
                ((FileChannel) channel).force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sync " + file + ": " + IoMessages.reason(e), e);
            }
        }
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            } else {
                stream.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + (file != null ? file : "CSV stream") + ": "
                    + IoMessages.reason(e), e);
        }
    }

    private void closeQuietly() {
        closeQuietly(channel);
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing after another error: that error is the one reported
        }
    }

    /** The prefix of a file to be continued is not the one a checkpoint recorded. */
    public static final class PrefixMismatch extends Exception {
        public PrefixMismatch(String message) {
            super(message);
        }
    }
}
