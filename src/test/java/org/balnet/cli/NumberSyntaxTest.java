package org.balnet.cli;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.ScenarioLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One syntax for whole numbers on every command, in lists and in scenario files: 1000, 1_000 and 1e3
 * are the same number everywhere, and 1.5 is refused everywhere with the same message.
 */
class NumberSyntaxTest {
    private static final List<String> SAME_NUMBER = List.of("1000", "1_000", "1e3", "1.0e3", "1E3");

    /** Every long or int option of every command, with the arguments that make its command line parse. */
    private record IntegralOption(String command, String name, List<String> required) {
    }

    private static List<IntegralOption> integralOptions() {
        List<IntegralOption> found = new ArrayList<>();
        for (CommandLine sub : Main.commandLine().getSubcommands().values()) {
            String command = sub.getCommandName();
            List<String> required = new ArrayList<>();
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (o.required()) {
                    required.add(o.longestName());
                    required.add(isIntegral(o) ? "1" : "x");
                }
            }
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (isIntegral(o)) {
                    found.add(new IntegralOption(command, o.longestName(), required));
                }
            }
        }
        return found;
    }

    private static boolean isIntegral(OptionSpec o) {
        Class<?> t = o.type();
        return t == long.class || t == Long.class || t == int.class || t == Integer.class;
    }

    private static String[] args(IntegralOption o, String value) {
        List<String> a = new ArrayList<>(List.of(o.command(), o.name(), value));
        for (int i = 0; i < o.required().size(); i += 2) {
            if (!o.required().get(i).equals(o.name())) {
                a.addAll(o.required().subList(i, i + 2));
            }
        }
        return a.toArray(new String[0]);
    }

    @Test
    void everyIntegralOptionOfEveryCommandReadsEveryFormOfTheSameNumber() {
        List<IntegralOption> options = integralOptions();
        // --n, --seed, --threads, --steps, --replicas, --repeats, --warmup, --lockstep-steps, --finite-n at least
        assertTrue(options.size() >= 15, "integral options found: " + options);
        CommandLine cl = Main.commandLine();
        for (IntegralOption o : options) {
            for (String text : SAME_NUMBER) {
                CommandLine.ParseResult parsed = cl.parseArgs(args(o, text)).subcommand();
                Number value = parsed.matchedOptionValue(o.name(), null);
                assertEquals(1000L, value.longValue(), o.command() + " " + o.name() + " " + text);
            }
        }
    }

    @Test
    void aFractionIsRefusedWithTheSameMessageByEveryOptionListAndScenarioKey() throws IOException {
        for (IntegralOption o : integralOptions()) {
            Cli.Result r = Cli.run(args(o, "1.5"));
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), o + "\n" + r);
            assertTrue(r.err().startsWith("balnet: error: " + notWhole(o.name(), "1.5") + "\n"), o + "\n" + r);
            r.assertNoStackTrace();
        }
        BadInputException list = assertThrows(BadInputException.class,
                () -> ValidateCommand.parseSizes("--n", "1e3,1.5"));
        assertEquals(notWhole("--n", "1.5"), list.getMessage());

        String mv61 = Files.readString(Path.of("validation/scenarios/mv-6.1.toml"));
        BadInputException file = assertThrows(BadInputException.class,
                () -> ScenarioLoader.parse(mv61.replace("n = 5000", "n = 1.5"), "t", "t"));
        assertEquals(notWhole("network.n", "1.5"), file.getMessage());
    }

    @Test
    void listsAndScenarioFilesTakeTheSameForms() throws IOException {
        assertArrayEquals(new long[]{1000, 2000, 30000}, ValidateCommand.parseSizes("--n", "1e3,2_000,30000"));
        String mv61 = Files.readString(Path.of("validation/scenarios/mv-6.1.toml"));
        for (String text : List.of("1_000", "1e3", "1000")) {
            assertEquals(1000, ScenarioLoader.parse(mv61.replace("n = 5000", "n = " + text), "t", "t").n(), text);
            assertEquals(1000, ScenarioLoader.parse(mv61.replace("seed = 1", "seed = " + text), "t", "t").run().seed(),
                    text);
        }
    }

    @Test
    void simulateTakesNOfABillionWrittenAsAnExponent() {
        // the case: refused as "'1e9' is not a long" before; now it reaches the memory check
        Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "1e9", "--backend", "per-synapse", "--out",
                "unused");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--n") && !r.err().contains("not a long"), r.toString());
    }

    private static String notWhole(String key, String value) {
        return InputError.NOT_WHOLE.exception(key, key, value).getMessage();
    }
}
