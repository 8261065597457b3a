package org.balnet.cli;

import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.run.RecordedRun;
import org.balnet.sim.run.RunJson;
import org.balnet.sim.exact.ExactEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --backend exact} through the CLI: what a run writes, and the options it refuses. */
class ExactBackendCliTest {
    @TempDir
    Path tmp;

    @Test
    void simulateWritesTheTrajectoryColumnsAndSaysThereIsNoStep() throws IOException {
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "500", "--t-end", "0.2", "--backend",
                "exact", "--seed", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("in continuous time (no time step), 20 record intervals"), r.out());
        List<String> lines = Files.readAllLines(out.resolve(RecordedRun.TRAJECTORY_CSV));
        assertEquals(String.join(",", TrajectoryRow.COLUMNS), lines.get(0));
        assertEquals(22, lines.size(), "header and t = 0, 0.01, ..., 0.2");
        assertTrue(lines.get(21).startsWith("0.2,"), lines.get(21));
        String json = Files.readString(out.resolve(RunJson.FILE));
        assertTrue(json.contains("\"backend\": \"exact\"") && json.contains("\"scheme\": \"none (event-driven)\"")
                && !json.contains("\"h\":") && json.contains("\"spikes\": "), json);
        r.assertNoStackTrace();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--dt, 0.001", "--scheme, explicit", "--precision, fp32"})
    void anOptionThatMeansNothingWithoutATimeStepIsRefused(String option, String value) {
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "100", "--backend", "exact", option, value,
                "--out", tmp.resolve("x").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(option) && r.err().contains("exact"), r.err());
        assertFalse(Files.exists(tmp.resolve("x").resolve(RunJson.FILE)), "nothing written");
        r.assertNoStackTrace();
    }

    @Test
    void aNetworkTooLargeForEventsIsRefusedWithTheNumbers() {
        long n = ExactEngine.MAX_N + 1;
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", Long.toString(n), "--backend", "exact",
                "--out", tmp.resolve("x").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("n = " + n) && r.err().contains("per unit of time")
                && r.err().contains("--backend cpu"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void aTimeStepStudyWritesItsFilesAndTheFittedOrder() throws IOException {
        Path out = tmp.resolve("study");
        Cli.Result r = Cli.run("validate", "--scenario", "mv-6.1", "--n", "100", "--dt-study", "0.1,0.05", "--scheme",
                "semi-implicit", "--replicas", "6", "--t-end", "0.5", "--from", "0", "--seed", "2", "--threads", "2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        for (String f : new String[]{"dt-study.csv", "dt-runs.csv", "dt-difference.csv", "summary.json", "report.md",
                "dt-bias-n100.png", "dt-bias-n100.svg", "dt-difference-n100.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> study = Files.readAllLines(out.resolve("dt-study.csv"));
        assertEquals(3, study.size(), "header and one row per step");
        assertTrue(study.get(0).startsWith("n,scheme,h,replicas,"), study.get(0));
        List<String> runs = Files.readAllLines(out.resolve("dt-runs.csv"));
        assertEquals(1 + 6 * 3, runs.size(), "6 exact replicas and 6 per step");
        String json = Files.readString(out.resolve("summary.json"));
        assertTrue(json.contains("\"dt_order\"") && json.contains("\"semi-implicit\"") && json.contains("\"paired\""),
                json);
        assertTrue(Files.readString(out.resolve("report.md")).contains("| semi-implicit | 0.1 | 6 |"));
        r.assertNoStackTrace();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "--n 100 --dt-study 0.01,x; --dt-study",
            "--n 100 --dt-study 0.01,0.01; --dt-study",
            "--n 100 --dt-study 0.01 --dt 0.01; --dt",
            "--n 100 --dt-study 0.01 --backend exact; --backend",
            "--n 30000 --dt-study 0.01; --n",
            "--n 100 --dt-study 0.01 --share 0; --share",
            "--n 100 --dt-study 0.01 --replicas 1; --replicas",
            "--n 100 --dt-study 0.003 --record-every 0.01; --record-every",
            "--n 100,200 --share 0.2; --share",
            "--n 100,200 --backend exact --scheme explicit; --scheme"})
    void badStudyOptionsAreRefusedNamingTheOption(String options, String named) {
        List<String> args = new java.util.ArrayList<>(List.of("validate", "--scenario", "mv-6.1",
                "--out", tmp.resolve("x").toString()));
        args.addAll(List.of(options.split(" ")));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(named), r.err());
        r.assertNoStackTrace();
    }
}
