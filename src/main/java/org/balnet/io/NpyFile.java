package org.balnet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One-dimensional arrays in NumPy's {@code .npy} format, version 1.0 (numpy.lib.format), which
 * {@code numpy.load} reads without any other package: the magic string {@code \x93NUMPY}, the format
 * version, the header length (little-endian uint16), the header (an ASCII Python
 * dict literal with {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and a
 * newline so that the data starts at a multiple of {@value #ALIGNMENT} bytes), then the values,
 * little-endian.
 *
 * <p>The values are written as they are read, block by block, from a {@link Source}: an array of 10^9
 * values never needs a second copy in memory. The file is written through {@link AtomicFiles}: a reader
 * sees the complete file or none.
 */
public final class NpyFile {
    /** The data starts at a multiple of this (numpy.lib.format.ARRAY_ALIGN). */
    public static final int ALIGNMENT = 64;
    /** Values per block read from the source and written: 8 MiB of doubles. */
    public static final int BLOCK = 1 << 20;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyFile() {
    }

    /** The element types written: IEEE floats, little-endian. */
    public enum Type {
        FLOAT32("<f4", Float.BYTES),
        FLOAT64("<f8", Double.BYTES);

        /** NumPy's type string. */
        public final String descr;
        public final int bytes;

        Type(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }
    }

    /** Where the values come from: fills {@code dst[0 .. length)} with values {@code [from, from + length)}. */
    @FunctionalInterface
    public interface Source {
        void read(long from, double[] dst, int length);
    }

    /** Bytes of the file of {@code length} values of {@code type}. */
    public static long size(Type type, long length) {
        return preamble(type, length).length + length * type.bytes;
    }

    /**
     * Writes {@code length} values read from {@code source} to {@code target}, atomically. FLOAT32 values
     * are narrowed with a cast: exact for values that are floats (the states of an fp32 run).
     *
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public static void write(Path target, Type type, long length, Source source) {
        AtomicFiles.write(target, ch -> write(ch, type, length, source, BLOCK));
    }

    /** {@link #write} to an open channel, with another block size (tests cross block boundaries). */
    static void write(FileChannel ch, Type type, long length, Source source, int block) throws IOException {
        writeFully(ch, ByteBuffer.wrap(preamble(type, length)));
        int chunk = (int) Math.max(1, Math.min(block, length));
        double[] values = new double[chunk];
        ByteBuffer buf = ByteBuffer.allocate(chunk * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (long from = 0; from < length; from += chunk) {
            int len = (int) Math.min(chunk, length - from);
            source.read(from, values, len);
            buf.clear();
            if (type == Type.FLOAT64) {
                for (int i = 0; i < len; i++) {
                    buf.putDouble(values[i]);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    buf.putFloat((float) values[i]);
                }
            }
            buf.flip();
            writeFully(ch, buf);
        }
    }

    /**
     * Magic, version, header length and header of a one-dimensional array. Format 1.0: its header is
     * under 128 bytes, far below the 65535 that make numpy switch to 2.0 (whose only change is a
     * 4-byte length field).
     */
    static byte[] preamble(Type type, long length) {
        String dict = "{'descr': '" + type.descr + "', 'fortran_order': False, 'shape': (" + length + ",), }";
        int fixed = MAGIC.length + 2 + Short.BYTES;
        // Spaces, then the newline that ends the header at a multiple of ALIGNMENT.
        int padding = (ALIGNMENT - (fixed + dict.length() + 1) % ALIGNMENT) % ALIGNMENT;
        int headerLength = dict.length() + padding + 1;
        ByteBuffer b = ByteBuffer.allocate(fixed + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < padding; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
