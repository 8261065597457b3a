package org.balnet.cli;

import org.balnet.validate.FigureTestAccess;
import org.balnet.validate.ValidationReport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code balnet validate} through {@code Main.commandLine().execute}: exit codes, streams, files. */
class ValidateCommandTest {
    @TempDir
    Path tmp;

    @Tag("slow")
    @Test
    void endToEndOnASmallConfigurationWritesEverythingAndFindsTheRate() throws Exception {
        // mv-6.1, n = 1e3, 1e4, 1e5, 3 replicas, T = 2, error window [1, 2] (the default --from: before t = 1 the
        // limit's means move fast and a network of n <= 1e5 lags them, see validation/README.md). About 20 s on
        // 2 cores, most of it the three runs at n = 1e5.
        Path out = tmp.resolve("v");
        LimitCommandTest.Run r = LimitCommandTest.run("validate", "--scenario", "mv-6.1", "--n", "1e3,1e4,1e5",
                "--replicas", "3", "--t-end", "2", "--seed", "5", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        r.assertNoStackTrace();
        for (String f : List.of("convergence.csv", "runs.csv", "gaussianity.csv", "summary.json", "report.md",
                "convergence.png", "convergence.svg", "trajectories-n1000.png", "trajectories-n100000.svg",
                "histogram-n100000.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        try (var s = Files.list(out)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "temporary file left in " + out);
        }

        // the slope from convergence.csv itself: OLS of ln(mean error against the limit) on ln n
        List<String> lines = Files.readAllLines(out.resolve("convergence.csv"));
        assertEquals(String.join(",", ValidationReport.CONVERGENCE_COLUMNS), lines.get(0));
        assertEquals(4, lines.size(), "header and 3 sizes");
        int mean = ValidationReport.CONVERGENCE_COLUMNS.indexOf("limit_error_mean");
        int closure = ValidationReport.CONVERGENCE_COLUMNS.indexOf("closure_error_mean");
        double[] x = new double[3];
        double[] y = new double[3];
        for (int i = 0; i < 3; i++) {
            String[] c = lines.get(i + 1).split(",");
            x[i] = Math.log(Double.parseDouble(c[0]));
            y[i] = Math.log(Double.parseDouble(c[mean]));
            assertTrue(Double.parseDouble(c[closure]) < Double.parseDouble(c[mean]), "closure error not below the "
                    + "limit's at n = " + c[0] + ": " + lines.get(i + 1));
        }
        double slope = olsSlope(x, y);
        assertTrue(slope >= -0.75 && slope <= -0.3, String.format(Locale.ROOT,
                "slope of the mean error against the limit over n = 1e3..1e5 is %.3f, expected in [-0.75, -0.3]; %s",
                slope, lines));

        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"slope\": " + slopeText(summary)), summary);
        assertTrue(summary.contains("\"slope_ci\": ["), summary);
        assertTrue(summary.contains("\"closure_slope\""), summary);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("balnet validate --scenario mv-6.1 --n 1e3,1e4,1e5"), "command line in report");
        assertTrue(report.contains("All 5 checks pass"), report);
        assertTrue(report.contains("| threshold |"), report);
        assertTrue(r.out().contains("slope against the limit"), r.out());

        FigureTestAccess.assertPng(out.resolve("convergence.png"));
        FigureTestAccess.assertSvg(out.resolve("convergence.svg"));
        FigureTestAccess.assertPng(out.resolve("trajectories-n10000.png"));
        FigureTestAccess.assertSvg(out.resolve("histogram-n100000.svg"));
    }

    /**
     * eta-finite's limit leaves the manifold at eta = 1.4278774673693844 (summary.json): the report and the
     * note on the console give it to ten significant digits, not to six decimals (1.427877).
     */
    @Tag("slow")
    @Test
    void theReportGivesEtaToTenSignificantDigits() throws Exception {
        Path out = tmp.resolve("eta");
        LimitCommandTest.Run r = LimitCommandTest.run("validate", "--scenario", "eta-finite", "--n", "500,1000",
                "--replicas", "1", "--t-end", "2", "--from", "1", "--gauss-times", "1", "--threads", "1",
                "--out", out.toString());
        r.assertNoStackTrace();
        String summary = Files.readString(out.resolve("summary.json"));
        int i = summary.indexOf("\"eta\": ") + "\"eta\": ".length();
        double eta = Double.parseDouble(summary.substring(i, summary.indexOf(',', i)));
        assertEquals(1.4278774673693844, eta, 1e-6, "eta-finite's eta, as the limit command finds it");
        String printed = String.format(Locale.ROOT, "eta = %.10g <", eta);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("the limit leaves the balanced manifold at " + printed), report);
        assertTrue((r.out() + r.err()).contains("the limit leaves the balanced manifold at " + printed),
                r.out() + r.err());
    }

    static double olsSlope(double[] x, double[] y) {
        double mx = (x[0] + x[1] + x[2]) / 3, my = (y[0] + y[1] + y[2]) / 3;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    /** The number after "slope": in the JSON, as written. */
    static String slopeText(String json) {
        int i = json.indexOf("\"slope\": ") + "\"slope\": ".length();
        int j = json.indexOf(',', i);
        String s = json.substring(i, j);
        Double.parseDouble(s);
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--n 1000,abc             | --n      | abc",
            "--n 1000                 | --n      | 1000",
            "--n 1000,1000            | --n      | 1000,1000",
            "--n 1000,2.5e3.1         | --n      | 2.5e3.1",
            "--n 1000,0               | --n      | 0",
            "--n 1000,1500.5          | --n      | 1500.5",
            "--replicas 0             | --replicas | 0",
            "--t-end 0.5              | --from   | --t-end",
            "--from 3                 | --from   | 3",
            "--from -1                | --from   | -1",
            "--gauss-times 0.005      | --gauss-times | 0.005",
            "--gauss-times 9          | --gauss-times | 9",
            "--alpha 1.5              | --alpha  | 1.5",
            "--backend gpu9           | --backend | gpu9",
            "--threads 0              | --threads | 0",
            "--seed -4                | --seed   | -4",
            "--precision fp16         | --precision | fp16"})
    void badInputExitsWithTwoNamingTheOptionAndValue(String args, String option, String value) {
        List<String> argv = new java.util.ArrayList<>(List.of("validate", "--scenario", "mv-6.1", "--n", "1000,2000",
                "--t-end", "2", "--out", tmp.resolve("bad").toString()));
        String[] extra = args.trim().split(" ");
        int at = argv.indexOf(extra[0]);
        if (at >= 0) {
            argv.set(at + 1, extra[1]);
        } else {
            argv.addAll(List.of(extra));
        }
        LimitCommandTest.Run r = LimitCommandTest.run(argv.toArray(new String[0]));
        assertEquals(2, r.code(), r.out() + r.err());
        r.assertNoStackTrace();
        assertTrue(r.err().contains(option.trim()), "message does not name " + option + ": " + r.err());
        assertTrue(r.err().contains(value.trim()), "message does not show " + value + ": " + r.err());
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing is created for bad input");
    }
}
