package org.balnet.cli;

import org.balnet.validate.FigureTestAccess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code balnet reproduce} through {@code execute}: the Section 6 figures and a report whose checks pass. */
class ReproduceCommandTest {
    @TempDir
    Path tmp;

    @Tag("slow")
    @Test
    void writesBothScenariosFiguresAndAPassingReport() throws Exception {
        // 3 replicas instead of 8 to keep the test short (about 6 s); the checks must pass all the same
        Path out = tmp.resolve("r");
        LimitCommandTest.Run r = LimitCommandTest.run("reproduce", "--out", out.toString(), "--replicas", "3",
                "--threads", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        r.assertNoStackTrace();
        for (String name : List.of("mv-6.1", "mv-6.2")) {
            FigureTestAccess.assertPng(out.resolve(name + ".png"));
            FigureTestAccess.assertSvg(out.resolve(name + ".svg"));
            FigureTestAccess.assertPng(out.resolve(name + "-error.png"));
            FigureTestAccess.assertPng(out.resolve(name + "-histogram.png"));
            List<String> sim = Files.readAllLines(out.resolve(name + "-simulation.csv"));
            assertEquals("t,v_e,v_i,K_e,K_i", sim.get(0));
            assertEquals(502, sim.size(), "header and t = 0, 0.01, ..., 5");
            assertTrue(Files.readAllLines(out.resolve(name + "-limit.csv")).get(0).startsWith("t,v_e,v_i,K_e,K_i,zeta"));
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## The time step's bias") && report.contains("| mv-6.1 | 0.01 | 5000 | [0.5, 1] |")
                && report.contains("| mv-6.2 | 0.01 | 5000 | [0.5, 1] |"), "the bias at h = 0.01, measured at n = 5000: "
                + report);
        assertTrue(report.contains("All 10 checks pass"), report);
        assertTrue(report.contains("balnet reproduce --out"), report);
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"passed\": true"));
    }

    @Test
    void badInputExitsWithTwo() {
        LimitCommandTest.Run r = LimitCommandTest.run("reproduce", "--out", tmp.resolve("x").toString(), "--replicas",
                "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--replicas"), r.err());
        r = LimitCommandTest.run("reproduce", "--out", tmp.resolve("x").toString(), "--n", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--n"), r.err());
    }
}
