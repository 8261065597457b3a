package org.balnet.cli;

import org.balnet.limit.LimitRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code balnet limit} through {@code Main.commandLine().execute}: exit codes, streams, files. */
class LimitCommandTest {
    private static final String MV61 = "validation/scenarios/mv-6.1.toml";
    private static final String HEADER_START = "t,v_e,v_i,K_e,K_i,zeta";

    @TempDir
    Path tmp;

    /** One run: exit code, stdout, stderr. */
    record Run(int code, String out, String err) {
        void assertNoStackTrace() {
            for (String s : List.of(out, err)) {
                assertFalse(s.contains("at org."), "stack trace in output:\n" + s);
                assertFalse(s.contains("Exception"), "exception name in output:\n" + s);
            }
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void withoutOutTheCsvGoesToStdoutAndTheSentencesToStderr() {
        Run r = run("limit", "--scenario", MV61, "--t-end", "5", "--dt-out", "1");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith(HEADER_START), lines[0]);
        assertEquals(String.join(",", LimitRow.COLUMNS), lines[0]);
        assertEquals(7, lines.length, "header and rows t = 0..5");
        String[] t1 = lines[2].split(",");
        assertEquals(1.0, Double.parseDouble(t1[0]), 0);
        assertEquals(-2.644400, Double.parseDouble(t1[1]), 1e-6);
        assertEquals(0.257631, Double.parseDouble(t1[4]), 1e-6);
        assertTrue(r.err().contains("m_e = -5.030678, m_i = -1.282345"), r.err());
        assertTrue(r.err().contains("stable"), r.err());
        assertTrue(r.err().contains("Balanced until T = 5"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void defaultsComeFromTheScenarioRunSection() {
        Run r = run("limit", "--scenario", MV61);
        assertEquals(0, r.code(), r.err());
        // run.t_end = 5, run.record_every = 0.01: rows t = 0, 0.01, ..., 5
        String[] lines = r.out().split("\n");
        assertEquals(502, lines.length);
        assertTrue(lines[501].startsWith("5.0,"), lines[501]);
        assertTrue(lines[31].startsWith("0.3,"), "t printed as the decimal multiple: " + lines[31]);
    }

    @Test
    void withOutItWritesLimitCsvAndRunJsonAndSaysWhatItDid() throws IOException {
        Path dir = tmp.resolve("out");
        Run r = run("limit", "--scenario", MV61, "--t-end", "2", "--dt-out", "0.5", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(dir.resolve("limit.csv"));
        assertTrue(csv.get(0).startsWith(HEADER_START));
        assertEquals(6, csv.size());
        String json = Files.readString(dir.resolve("run.json"));
        assertTrue(json.contains("\"status\": \"completed\""), json);
        assertTrue(json.contains("\"eta\": \"balanced until T\""), json);
        assertTrue(json.contains("\"m_e\": -5.03067"), json);
        assertTrue(json.contains("\"eigenvalues\""), json);
        assertTrue(json.contains("\"versions\""), json);
        assertTrue(json.contains("\"wall_time_s\""), json);
        assertTrue(json.contains("\"t_end\": 2"), "resolved scenario carries the override: " + json);
        assertTrue(r.out().contains("m_e = -5.030678"), r.out());
        assertTrue(r.out().contains("so the point is stable"), r.out());
        assertTrue(r.out().contains("Balanced until T = 2"), r.out());
        assertTrue(r.out().contains("limit.csv"), r.out());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("limit.csv", "run.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left behind");
        }
        r.assertNoStackTrace();
    }

    @Test
    void etaFiniteScenarioSaysWhereTheLimitLeavesTheManifold() throws IOException {
        Path dir = tmp.resolve("eta");
        Run r = run("limit", "--scenario", "validation/scenarios/eta-finite.toml", "--dt-out", "0.1", "--out",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("left the balanced manifold at eta = 1.42"), r.out());
        String json = Files.readString(dir.resolve("run.json"));
        assertTrue(json.contains("\"eta\": 1.42"), json);
        assertEquals(16, Files.readAllLines(dir.resolve("limit.csv")).size(), "header and t = 0 .. 1.4");
    }

    @Test
    void finiteNWritesTheClosureWithTheSameColumns() throws IOException {
        Path dir = tmp.resolve("closure");
        Run r = run("limit", "--scenario", MV61, "--t-end", "1", "--dt-out", "0.5", "--finite-n", "1e5", "--out",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(dir.resolve("closure.csv"));
        assertEquals(String.join(",", LimitRow.COLUMNS), csv.get(0));
        assertEquals(-2.670, Double.parseDouble(csv.get(3).split(",")[1]), 5e-4);
        String json = Files.readString(dir.resolve("run.json"));
        assertTrue(json.contains("\"model\": \"gaussian-closure\""), json);
        assertTrue(json.contains("\"n\": 100000"), json);
        r.assertNoStackTrace();
    }

    @ParameterizedTest
    @CsvSource({
            "--t-end, -1",
            "--t-end, abc",
            "--t-end, NaN",
            "--t-end, Infinity",
            "--dt-out, 0",
            "--dt-out, -0.1",
            "--dt-out, NaN",
            "--finite-n, 0",
            "--finite-n, 1.5",
            "--finite-n, -3",
    })
    void badOptionValuesExitWith2AndNameTheOption(String option, String value) {
        Run r = run("limit", "--scenario", MV61, option, value);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(option), r.err());
        assertTrue(r.out().isEmpty(), r.out());
        r.assertNoStackTrace();
    }

    @Test
    void tooManyRowsAreRefused() {
        Run r = run("limit", "--scenario", MV61, "--t-end", "5", "--dt-out", "1e-9");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dt-out"), r.err());
    }

    @Test
    void missingScenarioFileExitsWith2() {
        Run r = run("limit", "--scenario", tmp.resolve("nope.toml").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.toml"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void noStableBalancedPointExitsWith2AndSaysWhy() throws IOException {
        // the paper's literal Section 6 labels: f_ei = 0.5 (tanh + 2), f_ie = tanh + 1
        String toml = Files.readString(Path.of(MV61))
                .replace("[rates.ei]\nfamily = \"tanh\"\namplitude = 1.0\noffset = 1.0",
                        "[rates.ei]\nfamily = \"tanh\"\namplitude = 0.5\noffset = 2.0")
                .replace("[rates.ie]\nfamily = \"tanh\"\namplitude = 0.5\noffset = 2.0",
                        "[rates.ie]\nfamily = \"tanh\"\namplitude = 1.0\noffset = 1.0");
        Path f = tmp.resolve("literal.toml");
        Files.writeString(f, toml);
        Run r = run("limit", "--scenario", f.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("no stable balanced point exists"), r.err());
        assertTrue(r.err().contains("smallest |F| found"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void givenMeansOffBalanceExitWith2() throws IOException {
        String toml = Files.readString(Path.of(MV61)).replace("k_i = 1.0\n", "k_i = 1.0\nm_e = -4.0\nm_i = -1.0\n");
        Path f = tmp.resolve("given.toml");
        Files.writeString(f, toml);
        Run r = run("limit", "--scenario", f.toString(), "--t-end", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is not a balanced point"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void givenBalancedMeansAreUsed() throws IOException {
        String toml = Files.readString(Path.of(MV61))
                .replace("k_i = 1.0\n", "k_i = 1.0\nm_e = -5.030678\nm_i = -1.282345\n");
        Path f = tmp.resolve("given.toml");
        Files.writeString(f, toml);
        Run r = run("limit", "--scenario", f.toString(), "--t-end", "1", "--dt-out", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("given in the scenario"), r.err());
    }

    @Test
    void aNonEmptyOutIsRefusedUnlessForced() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(dir.resolve("keep.txt"), "x");
        Run refused = run("limit", "--scenario", MV61, "--t-end", "1", "--out", dir.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("--out") && refused.err().contains("--force"), refused.err());
        assertFalse(Files.exists(dir.resolve("limit.csv")));
        Run forced = run("limit", "--scenario", MV61, "--t-end", "1", "--out", dir.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertTrue(Files.exists(dir.resolve("limit.csv")));
    }

    @Test
    void outThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Run r = run("limit", "--scenario", MV61, "--out", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not a directory"), r.err());
    }
}
