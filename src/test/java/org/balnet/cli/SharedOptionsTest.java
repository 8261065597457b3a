package org.balnet.cli;

import org.balnet.sim.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Options that several commands share have one default: --precision follows the host profile in each. */
class SharedOptionsTest {
    @TempDir
    Path tmp;

    /** A host profile whose default precision is fp32 (the built-in ones all say fp64). */
    Path fp32Host() throws IOException {
        String pocl = Files.readString(Path.of("hosts/pocl-cpu.toml"));
        return Files.writeString(tmp.resolve("fp32.toml"), pocl.replace("precision = \"fp64\"", "precision = \"fp32\""));
    }

    @Test
    void simulateAndValidateTakeTheHostProfilesPrecisionWhenNoneIsGiven() throws IOException {
        String host = fp32Host().toString();
        CommandLine simulate = new CommandLine(new SimulateCommand());
        simulate.parseArgs("--scenario", "mv-6.1", "--n", "1000", "--host", host, "--out", tmp.resolve("s").toString());
        assertEquals(Precision.FP32, ((SimulateCommand) simulate.getCommand()).options.resolve().precision());

        CommandLine validate = new CommandLine(new ValidateCommand());
        validate.parseArgs("--scenario", "mv-6.1", "--n", "1000,2000", "--t-end", "1.5", "--host", host, "--out",
                tmp.resolve("v").toString());
        assertEquals(Precision.FP32, ((ValidateCommand) validate.getCommand()).config().precision());

        validate.parseArgs("--scenario", "mv-6.1", "--n", "1000,2000", "--t-end", "1.5", "--out",
                tmp.resolve("v").toString());
        assertEquals(Precision.FP64, ((ValidateCommand) validate.getCommand()).config().precision(),
                "the built-in profile's");
    }
}
