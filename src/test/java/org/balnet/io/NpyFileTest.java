package org.balnet.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NpyFileTest {
    @TempDir
    Path tmp;

    /** Values that exercise every bit: signs, subnormals, infinities, NaN, the extremes of float. */
    static double[] values(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(i * 0.37) * Math.pow(10, (i % 13) - 6);
        }
        if (n > 6) {
            v[1] = -0.0;
            v[2] = Double.MIN_VALUE;
            v[3] = Double.NEGATIVE_INFINITY;
            v[4] = Double.NaN;
            v[5] = Float.MAX_VALUE;
        }
        return v;
    }

    static NpyFile.Source from(double[] v) {
        return (from, dst, length) -> System.arraycopy(v, (int) from, dst, 0, length);
    }

    @Test
    void theHeaderIsNumpysFormat1WithTheDataAlignedTo64Bytes() {
        for (long n : new long[]{0, 1, 7, 1_000_000_000L, Long.MAX_VALUE / 8}) {
            for (NpyFile.Type type : NpyFile.Type.values()) {
                byte[] p = NpyFile.preamble(type, n);
                assertEquals(0, p.length % NpyFile.ALIGNMENT, "data offset " + p.length);
                assertEquals((byte) 0x93, p[0]);
                assertEquals("NUMPY", new String(p, 1, 5, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(1, p[6], "major version");
                assertEquals(0, p[7], "minor version");
                int headerLength = ByteBuffer.wrap(p, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
                assertEquals(p.length - 10, headerLength);
                String header = new String(p, 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
                assertEquals("{'descr': '" + type.descr + "', 'fortran_order': False, 'shape': (" + n + ",), }",
                        header.stripTrailing());
                assertTrue(header.endsWith("\n") && header.indexOf('\n') == header.length() - 1, header);
                assertEquals(p.length + n * type.bytes, NpyFile.size(type, n));
            }
        }
    }

    @Test
    void valuesReadBackExactlyAcrossBlockBoundaries() throws IOException {
        double[] v = values(1000);
        for (int block : new int[]{1, 7, 999, 1000, 4096}) {
            Path f64 = tmp.resolve("f64-" + block + ".npy");
            try (FileChannel ch = FileChannel.open(f64, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                NpyFile.write(ch, NpyFile.Type.FLOAT64, v.length, from(v), block);
            }
            NpyReader.Array a = NpyReader.read(f64);
            assertEquals("<f8", a.descr());
            for (int i = 0; i < v.length; i++) {
                assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(a.values()[i]), "value " + i);
            }
            Path f32 = tmp.resolve("f32-" + block + ".npy");
            try (FileChannel ch = FileChannel.open(f32, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                NpyFile.write(ch, NpyFile.Type.FLOAT32, v.length, from(v), block);
            }
            NpyReader.Array b = NpyReader.read(f32);
            assertEquals("<f4", b.descr());
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits((float) v[i]), Float.floatToRawIntBits((float) b.values()[i]),
                        "value " + i);
            }
        }
    }

    @Test
    void aFailedWriteLeavesNoFileBehind() {
        Path f = tmp.resolve("broken.npy");
        // The header is written before the first values are read: the temporary file has bytes when it fails.
        RuntimeException e = assertThrows(IllegalStateException.class, () -> NpyFile.write(f, NpyFile.Type.FLOAT64, 100,
                (from, dst, length) -> {
                    throw new IllegalStateException("device lost");
                }));
        assertEquals("device lost", e.getMessage());
        assertFalse(Files.exists(f), "no partial file under the final name");
        assertEquals(0, tmp.toFile().list().length, "and no temporary file");
    }

    /** numpy itself reads the files: dtype, shape and every bit of every value. */
    @Test
    void numpyLoadsTheFiles() throws Exception {
        double[] v = values(1001);
        Path f64 = tmp.resolve("a64.npy");
        Path f32 = tmp.resolve("a32.npy");
        NpyFile.write(f64, NpyFile.Type.FLOAT64, v.length, from(v));
        NpyFile.write(f32, NpyFile.Type.FLOAT32, v.length, from(v));
        String script = String.join("\n",
                "import sys, numpy",
                "for name, dtype in ((sys.argv[1], '<f8'), (sys.argv[2], '<f4')):",
                "    a = numpy.load(name, allow_pickle=False)",
                "    assert a.dtype == numpy.dtype(dtype) and a.shape == (1001,), (name, a.dtype, a.shape)",
                "    open(name + '.raw', 'wb').write(a.astype(dtype).tobytes())",
                "print('numpy', numpy.__version__)");
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script, f64.toString(), f32.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no python3 here: " + e.getMessage());
            return;
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 finished");
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(!out.contains("No module named 'numpy'"), "python3 has no numpy here");
        assertEquals(0, p.exitValue(), out);
        System.out.println("NpyFileTest: loaded with " + out.strip());
        ByteBuffer expected64 = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer expected32 = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            expected64.putDouble(x);
            expected32.putFloat((float) x);
        }
        assertArrayEquals(expected64.array(), Files.readAllBytes(Path.of(f64 + ".raw")), "float64 values");
        assertArrayEquals(expected32.array(), Files.readAllBytes(Path.of(f32 + ".raw")), "float32 values");
    }
}
