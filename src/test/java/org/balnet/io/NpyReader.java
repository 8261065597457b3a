package org.balnet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a one-dimensional {@code .npy} file by the format's documentation (numpy.lib.format), written
 * apart from {@link NpyFile} so that the tests check the writer against the format, not against itself.
 */
public final class NpyReader {
    private static final Pattern DICT = Pattern.compile(
            "\\{'descr': '(<f[48])', 'fortran_order': False, 'shape': \\((\\d+),\\), \\} *\\n");

    /**
     * A file read back.
     *
     * @param version major format version
     * @param descr   the element type, e.g. "<f8"
     * @param values  the values, widened to double
     * @param dataOffset where the values start (a multiple of 64)
     */
    public record Array(int version, String descr, double[] values, int dataOffset) {
    }

    private NpyReader() {
    }

    public static Array read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        b.get(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + ": not an .npy file");
        }
        int major = b.get();
        int minor = b.get();
        if (minor != 0 || (major != 1 && major != 2)) {
            throw new IOException(file + ": format version " + major + "." + minor);
        }
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        byte[] header = new byte[headerLength];
        b.get(header);
        String dict = new String(header, StandardCharsets.US_ASCII);
        Matcher m = DICT.matcher(dict);
        if (!m.matches()) {
            throw new IOException(file + ": unexpected header " + dict);
        }
        int n = Integer.parseInt(m.group(2));
        boolean single = m.group(1).equals("<f4");
        int offset = b.position();
        if (b.remaining() != n * (single ? 4 : 8)) {
            throw new IOException(file + ": " + b.remaining() + " data bytes for " + n + " values");
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = single ? b.getFloat() : b.getDouble();
        }
        return new Array(major, m.group(1), v, offset);
    }
}
