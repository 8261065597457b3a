package org.balnet.cli;

import picocli.CommandLine.Command;

/** Placeholder wiring; replaced by the limit solver's command. */
@Command(name = "limit", mixinStandardHelpOptions = true, description = "Solve the hydrodynamic limit (Lemma 4.2).")
public final class LimitCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new RunFailure("not built yet");
    }
}
