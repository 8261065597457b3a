package org.balnet.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvWriterTest {
    private static final List<String> HEADER = List.of("t", "x", "y");

    @TempDir
    Path tmp;

    private static long crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return c.getValue();
    }

    @Test
    void lengthAndChecksumDescribeTheFileExactly() throws IOException {
        Path f = tmp.resolve("a.csv");
        try (CsvWriter w = CsvWriter.create(f, HEADER)) {
            w.row(0.0, 1.5, -2.0);
            w.row(0.01, Double.NaN, 1e-300);
            byte[] bytes = Files.readAllBytes(f);
            assertEquals(bytes.length, w.length(), "every row is in the file as soon as it is written");
            assertEquals(crc(bytes), w.checksum());
        }
        assertEquals("t,x,y\n0.0,1.5,-2.0\n0.01,NaN,1.0E-300\n", Files.readString(f));
    }

    /** A channel that accepts {@code budget} bytes, writes part of the buffer that crosses it, then fails. */
    private static final class FullDisk implements SeekableByteChannel {
        private final FileChannel file;
        private long budget;

        FullDisk(FileChannel file, long budget) {
            this.file = file;
            this.budget = budget;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (budget <= 0) {
                throw new IOException("No space left on device");
            }
            int n = (int) Math.min(src.remaining(), budget);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            int w = file.write(part);
            src.position(src.position() + w);
            budget -= w;
            return w;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            file.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    @Test
    void aWriteThatFailsHalfWayLeavesOnlyCompleteRows() throws IOException {
        Path f = tmp.resolve("full.csv");
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        // Room for the header and one row, and 7 bytes of the second row.
        String first = "0.0,1.0,2.0\n";
        CsvWriter w = CsvWriter.startFile(new FullDisk(ch, "t,x,y\n".length() + first.length() + 7), f, HEADER);
        w.row(0.0, 1.0, 2.0);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> w.row(0.01, 123456.0, 7.0));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        w.close();
        assertEquals("t,x,y\n" + first, Files.readString(f), "the partial second row was cut off");
    }

    @Test
    void reopenCutsWhatFollowsTheCheckpointedPrefixAndContinues() throws Exception {
        Path f = tmp.resolve("b.csv");
        long length;
        long checksum;
        try (CsvWriter w = CsvWriter.create(f, HEADER)) {
            w.row(0, 1, 2);
            length = w.length();
            checksum = w.checksum();
            w.row(1, 2, 3);
        }
        // Rows written after the checkpoint, and a partial line from a crash.
        Files.writeString(f, "2.0,3.0,4", StandardOpenOption.APPEND);
        try (CsvWriter w = CsvWriter.reopen(f, HEADER, new CsvWriter.Prefix(length, checksum))) {
            assertEquals(length, w.length());
            w.row(5, 6, 7);
            assertEquals(crc(Files.readAllBytes(f)), w.checksum(), "the checksum continues over the old prefix");
        }
        assertEquals("t,x,y\n0.0,1.0,2.0\n5.0,6.0,7.0\n", Files.readString(f));
    }

    @Test
    void reopenRefusesAChangedOrShortPrefixAndCutsNothing() throws IOException {
        Path f = tmp.resolve("c.csv");
        long length;
        long checksum;
        try (CsvWriter w = CsvWriter.create(f, HEADER)) {
            w.row(0, 1, 2);
            w.row(1, 2, 3);
            length = w.length();
            checksum = w.checksum();
        }
        String original = Files.readString(f);
        String edited = original.replace("1.0,2.0\n1.0", "1.0,2.5\n1.0");
        Files.writeString(f, edited + "9,9,9\n");
        CsvWriter.PrefixMismatch changed = assertThrows(CsvWriter.PrefixMismatch.class,
                () -> CsvWriter.reopen(f, HEADER, new CsvWriter.Prefix(length, checksum)));
        assertTrue(changed.getMessage().contains("have changed"), changed.getMessage());
        assertEquals(edited + "9,9,9\n", Files.readString(f), "nothing cut");

        Files.writeString(f, original.substring(0, original.length() - 3));
        CsvWriter.PrefixMismatch shorter = assertThrows(CsvWriter.PrefixMismatch.class,
                () -> CsvWriter.reopen(f, HEADER, new CsvWriter.Prefix(length, checksum)));
        assertTrue(shorter.getMessage().contains("fewer than"), shorter.getMessage());

        Files.writeString(f, original.replace("t,x,y", "t,x,z"));
        CsvWriter.PrefixMismatch header = assertThrows(CsvWriter.PrefixMismatch.class,
                () -> CsvWriter.reopen(f, HEADER, new CsvWriter.Prefix(length, checksum)));
        assertTrue(header.getMessage().contains("header"), header.getMessage());
        assertEquals(original.replace("t,x,y", "t,x,z"), new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
    }
}
