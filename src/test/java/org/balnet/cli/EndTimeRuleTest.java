package org.balnet.cli;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-time rule, the same for simulate, validate and limit: a run ends exactly at its end time
 * and writes its row there, so the end time must be a whole number of record intervals; any other is
 * refused (exit 2) with both values named, before anything is written.
 */
class EndTimeRuleTest {
    @TempDir
    Path tmp;

    @Test
    void simulateRefusesAnEndTimeBetweenTwoRecordsAndWritesNothing() {
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "100", "--t-end", "0.05", "--record-every",
                "0.003", "--backend", "cpu", "--threads", "1", "--out", out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--t-end = 0.05") && r.err().contains("--record-every = 0.003"), r.err());
        r.assertNoStackTrace();
        assertFalse(Files.exists(out), "nothing is written for a refused run");
    }

    @Test
    void simulateEndsExactlyAtTheEndTimeWithARowThere() throws IOException {
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "100", "--t-end", "0.051", "--record-every",
                "0.003", "--backend", "cpu", "--threads", "1", "--out", out.toString());
        assertEquals(Main.EXIT_OK, r.code(), r.toString());
        List<String> rows = Files.readAllLines(out.resolve(org.balnet.sim.run.RecordedRun.TRAJECTORY_CSV));
        assertEquals(1 + 18, rows.size(), "header and t = 0, 0.003, ..., 0.051");
        assertTrue(rows.get(rows.size() - 1).startsWith("0.051,"), rows.get(rows.size() - 1));
    }

    @Test
    void aScenarioFilesOwnEndTimeIsHeldToTheSameRule() throws IOException {
        String text = Files.readString(Path.of("validation/scenarios/mv-6.1.toml"))
                .replace("record_every = 0.01", "record_every = 0.3");
        Path file = Files.writeString(tmp.resolve("odd.toml"), text);
        Cli.Result r = Cli.run("simulate", "--scenario", file.toString(), "--n", "100", "--backend", "cpu", "--out",
                tmp.resolve("run").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("= 5 is not a whole number of record intervals"), r.err());
        // the command line can put it right
        Cli.Result fixed = Cli.run("simulate", "--scenario", file.toString(), "--n", "100", "--t-end", "0.3",
                "--backend", "cpu", "--threads", "1", "--out", tmp.resolve("run2").toString());
        assertEquals(Main.EXIT_OK, fixed.code(), fixed.toString());
    }

    @Test
    void limitAndValidateFollowTheSameRule() {
        Cli.Result limit = Cli.run("limit", "--scenario", "mv-6.2", "--t-end", "5", "--dt-out", "0.3");
        assertEquals(Main.EXIT_BAD_INPUT, limit.code(), limit.toString());
        assertTrue(limit.err().contains("--t-end = 5") && limit.err().contains("--dt-out = 0.3")
                && limit.err().contains("4.8 or 5.1"), limit.err());

        ValidateCommand validate = new ValidateCommand();
        picocli.CommandLine cl = new picocli.CommandLine(validate);
        cl.parseArgs("--scenario", "mv-6.1", "--n", "100,200", "--t-end", "1.5", "--record-every", "0.4", "--out",
                tmp.resolve("v").toString());
        BadInputException e = assertThrows(BadInputException.class, validate::config);
        assertEquals(InputError.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("--t-end = 1.5") && e.getMessage().contains("0.4"), e.getMessage());
    }
}
