package org.balnet.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A CSV table that balnet wrote ({@link CsvWriter}), read back: a header line, then rows of plain cells
 * (numbers, words) separated by commas, none quoted. For the commands that work on a run's files
 * ({@code balnet plot}).
 *
 * @param file   where it was read from, for messages
 * @param header the column names
 * @param rows   the cells of each row, as written
 */
public record CsvTable(Path file, List<String> header, List<String[]> rows) {

    /**
     * Reads a table whose header starts with {@code columns} (later columns are allowed: files gain
     * columns at the end), keeping the rows {@code keep} accepts. A last line without its newline (a run
     * still writing) is left out.
     *
     * @throws IllegalArgumentException when the header or a row does not fit, with the file and line
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static CsvTable read(Path file, List<String> columns, Predicate<String[]> keep) {
        List<String[]> rows = new ArrayList<>();
        List<String> header;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            boolean partialLast = endsWithoutNewline(file);
            String first = in.readLine();
            if (first == null) {
                throw new IllegalArgumentException(file + " is empty: expected the header " + String.join(",", columns));
            }
            header = List.of(first.split(",", -1));
            if (header.size() < columns.size() || !header.subList(0, columns.size()).equals(columns)) {
                throw new IllegalArgumentException(file + " does not start with the header " + String.join(",", columns)
                        + " (it has " + first + ")");
            }
            int line = 1;
            String s = in.readLine();
            while (s != null) {
                String next = in.readLine();
                line++;
                if (next == null && partialLast) {
                    break;
                }
                String[] cells = s.split(",", -1);
                if (cells.length != header.size()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "%s, line %d: %d values for %d "
                            + "columns", file, line, cells.length, header.size()));
                }
                if (keep.test(cells)) {
                    rows.add(cells);
                }
                s = next;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoMessages.reason(e), e);
        }
        return new CsvTable(file, header, rows);
    }

    private static boolean endsWithoutNewline(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /** The index of a column. */
    public int column(String name) {
        int k = header.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException(file + " has no column " + name);
        }
        return k;
    }

    /** A cell as a number, as {@link CsvWriter#format} wrote it (NaN, Inf and -Inf included). */
    public static double number(String cell) {
        switch (cell) {
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(cell);
        }
    }
}
