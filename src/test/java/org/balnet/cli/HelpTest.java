package org.balnet.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code balnet --help} lists every command with a summary that is a whole sentence. */
class HelpTest {
    @Test
    void everyCommandHasAOneSentenceSummaryThatTheListShowsWhole() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.code(), help.toString());
        String listing = help.out().replaceAll("\\s+", " ");
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            String[] header = e.getValue().getCommandSpec().usageMessage().header();
            String summary = header.length > 0 ? String.join(" ", header)
                    : e.getValue().getCommandSpec().usageMessage().description()[0];
            assertTrue(summary.endsWith("."), e.getKey() + ": summary is not a whole sentence: " + summary);
            assertEquals(1, summary.split("\\. ").length, e.getKey() + ": summary is more than a sentence: " + summary);
            assertTrue(listing.contains(e.getKey() + " " + summary), e.getKey() + " not listed with its summary:\n"
                    + help.out());
        }
    }

    @Test
    void descriptionParagraphsAreWholeSoThatOnlyPicocliBreaksLines() {
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            if (e.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own
            }
            for (String paragraph : e.getValue().getCommandSpec().usageMessage().description()) {
                assertTrue(paragraph.isEmpty() || paragraph.endsWith(".") || paragraph.endsWith(")"),
                        e.getKey() + ": a description line ends mid-sentence: " + paragraph);
            }
        }
    }
}
