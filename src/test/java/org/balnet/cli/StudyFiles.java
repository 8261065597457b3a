package org.balnet.cli;

import org.balnet.validate.ValidationReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the files of two validate runs: every file a local {@code validate} writes, byte for byte,
 * but for the wall times, which are the only fields that differ between runs of the same study: the
 * column wall_s of runs.csv, "wall_seconds" in summary.json and "wall time N s" in report.md. Those
 * are masked, and everything else must be equal.
 */
final class StudyFiles {
    private static final Pattern REPORT_WALL_TIME = Pattern.compile("wall time [0-9.]+ s");
    private static final Pattern SUMMARY_WALL_TIME = Pattern.compile("^(\\s*\"wall_seconds\": ).*$");

    private StudyFiles() {
    }

    /** The files a local validate wrote into {@code dir}: regular files at its top (figures included). */
    static List<String> validateFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Every file of the local run {@code expected} is in {@code actual} with the same bytes but for the
     * wall times; {@code actual} may hold more (a study's manifest, shards, replicas).
     */
    static void assertSameExceptWallTimes(Path expected, Path actual) throws IOException {
        List<String> files = validateFiles(expected);
        assertTrue(files.containsAll(List.of(ValidationReport.CONVERGENCE_CSV, ValidationReport.RUNS_CSV,
                ValidationReport.GAUSSIANITY_CSV, ValidationReport.SUMMARY_JSON, ValidationReport.REPORT_MD,
                "convergence.png", "convergence.svg")), "the local run's files: " + files);
        TreeSet<String> missing = new TreeSet<>(files);
        missing.removeAll(validateFiles(actual));
        assertTrue(missing.isEmpty(), "not written into " + actual + ": " + missing);
        for (String f : files) {
            Path a = expected.resolve(f);
            Path b = actual.resolve(f);
            switch (f) {
                case ValidationReport.RUNS_CSV -> assertEquals(withoutWallTimeColumn(a), withoutWallTimeColumn(b), f);
                case ValidationReport.SUMMARY_JSON -> assertEquals(masked(a, SUMMARY_WALL_TIME, "$1<wall time>"),
                        masked(b, SUMMARY_WALL_TIME, "$1<wall time>"), f);
                case ValidationReport.REPORT_MD -> assertEquals(masked(a, REPORT_WALL_TIME, "wall time <t> s"),
                        masked(b, REPORT_WALL_TIME, "wall time <t> s"), f);
                default -> assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), f + " differs");
            }
        }
    }

    private static List<String> withoutWallTimeColumn(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int column = ValidationReport.RUN_COLUMNS.indexOf("wall_s");
        assertEquals(String.join(",", ValidationReport.RUN_COLUMNS), lines.get(0), csv + ": header");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(column);
            out.add(String.join(",", cells));
        }
        return out;
    }

    private static List<String> masked(Path file, Pattern time, String replacement) throws IOException {
        List<String> out = new ArrayList<>();
        int masks = 0;
        for (String line : Files.readAllLines(file)) {
            String m = time.matcher(line).replaceAll(replacement);
            masks += m.equals(line) ? 0 : 1;
            out.add(m);
        }
        assertEquals(1, masks, file + ": one wall time expected");
        assertFalse(out.isEmpty());
        return out;
    }
}
