package org.balnet.io;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A numeric CSV table (comma-separated, '.' decimal point, header line, one row per record) that
 * pandas, R and MATLAB read as is. Numbers are written with {@link Double#toString}, which reads
 * back to the same double. Each row is written whole and flushed, so the file never ends in a
 * partial line after a crash of the JVM's caller.
 */
public final class CsvWriter implements Closeable {
    private final Writer out;
    private final int columns;
    private final boolean ownsStream;
    private final StringBuilder line = new StringBuilder(256);

    private CsvWriter(Writer out, List<String> header, boolean ownsStream) {
        this.out = out;
        this.columns = header.size();
        this.ownsStream = ownsStream;
        writeLine(String.join(",", header));
    }

    /** A new file (truncating an existing one). */
    public static CsvWriter create(Path file, List<String> header) {
        try {
            return new CsvWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), header, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes to a stream it does not close (e.g. stdout). */
    public static CsvWriter to(OutputStream stream, List<String> header) {
        return new CsvWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)), header,
                false);
    }

    /** Writes one row of {@code columns} values and flushes it. */
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
        try {
            out.write(s);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write CSV row: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (ownsStream) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
