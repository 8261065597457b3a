package org.balnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code balnet chaos}: what it refuses before anything runs (the study itself: ChaosStudyTest). */
class ChaosCommandTest {
    @TempDir
    Path tmp;

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        record Case(String[] args, String key) {
        }
        List<Case> cases = List.of(
                new Case(new String[]{"--n", "100"}, "--n"),
                new Case(new String[]{"--replicas", "2"}, "--replicas"),
                new Case(new String[]{"--neurons", "1"}, "--neurons"),
                new Case(new String[]{"--neurons", "101"}, "--neurons"),
                new Case(new String[]{"--from", "0.33"}, "--from"),
                new Case(new String[]{"--from", "2"}, "--from"),
                new Case(new String[]{"--alpha", "1"}, "--alpha"));
        for (Case c : cases) {
            Path out = tmp.resolve("out");
            List<String> args = new ArrayList<>(List.of("chaos", "--scenario", "mv-6.2", "--n", "100,200",
                    "--t-end", "2", "--record-every", "0.05", "--out", out.toString()));
            args.addAll(Arrays.asList(c.args()));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().contains(c.key()), r.err());
            assertFalse(Files.exists(out), "nothing written");
            r.assertNoStackTrace();
        }
    }
}
