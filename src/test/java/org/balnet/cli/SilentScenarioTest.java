package org.balnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13's scenario, kept as the test scenario silent-logistic (src/test/resources/scenarios): its
 * only roots of F lie where every rate has vanished. Before, `limit` called such a point stable and
 * either exited 0 or failed with Commons Math's "maximal count exceeded", and `simulate` stopped at
 * t = 0 with exit 1 and "NaN neuron-steps/s". Now every command refuses it before starting, with
 * exit 2 and the same reason.
 */
class SilentScenarioTest {
    private static final String REASON = "balnet: error: no stable balanced point exists at k_e = 0.5, k_i = 0.5: "
            + "the only roots found lie where all rates vanish";

    @TempDir
    Path tmp;

    @Test
    void limitRefusesItWhateverTheEndTime() {
        for (String t : new String[]{"1", "3"}) {
            Cli.Result r = Cli.run("limit", "--scenario", "silent-logistic", "--t-end", t);
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().startsWith(REASON), r.err());
            assertTrue(r.err().contains("the network is silent, not balanced"), r.err());
            assertEquals("", r.out(), "no rows");
            r.assertNoStackTrace();
        }
    }

    @Test
    void simulateAndValidateRefuseItWithTheSameReasonBeforeWritingAnything() {
        String limitReason = Cli.run("limit", "--scenario", "silent-logistic").err();
        Path out = tmp.resolve("run");
        Cli.Result sim = Cli.run("simulate", "--scenario", "silent-logistic", "--backend", "cpu", "--out",
                out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, sim.code(), sim.toString());
        assertEquals(limitReason, sim.err());
        assertFalse(Files.exists(out), "refused before anything is written");

        Cli.Result validate = Cli.run("validate", "--scenario", "silent-logistic", "--n", "100,200", "--out",
                tmp.resolve("v").toString());
        assertEquals(Main.EXIT_BAD_INPUT, validate.code(), validate.toString());
        assertEquals(limitReason, validate.err());
    }

    /**
     * A balanced point that passes every check, and a draw that is out of balance before the first step
     * (forced here by an imbalance limit far below the O(n^-1/2) of any draw): refused, exit 2, naming
     * n; never exit 1 at t = 0.
     */
    @Test
    void aStartOutOfBalanceIsRefusedNotAFailureAtTimeZero() {
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "100", "--t-end", "0.1",
                "--imbalance-limit", "1e-9", "--backend", "cpu", "--threads", "1", "--out",
                tmp.resolve("run").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("at n = 100 the initial state, drawn at the balanced point, is already out of "
                + "balance"), r.err());
        assertFalse(r.out().contains("NaN"), r.out());
        r.assertNoStackTrace();
    }
}
