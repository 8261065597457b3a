package org.balnet.cli;

import org.balnet.model.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code balnet} command. Exit codes: 0 success, 1 failure at run time (the cause is printed),
 * 2 bad input (the message names the parameter, its value and what is allowed); 130/143 when
 * interrupted by SIGINT/SIGTERM.
 */
@Command(name = "balnet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
                "Simulates the balanced excitatory/inhibitory network of MacLaurin & Vilanova",
                "(\"The hydrodynamic limit of neural networks with balanced excitation and inhibition\")",
                "and solves its large-n limit.", ""},
        subcommands = {
                LimitCommand.class,
                SimulateCommand.class,
                BenchCommand.class,
                ValidateCommand.class,
                ReproduceCommand.class,
                PlotCommand.class,
                ChaosCommand.class,
                DevicesCommand.class,
                CheckOpenClCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_INPUT = 2;

    /** Shared by every subcommand: print stack traces with errors. */
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with error messages.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        cl.setCaseInsensitiveEnumValuesAllowed(false);
        WholeNumberConverter.register(cl);
        return cl;
    }

    private static boolean verbose(CommandLine cl) {
        CommandLine root = cl;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return ((Main) root.getCommand()).verbose;
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable cause = ex;
        if (cause instanceof BadInputException) {
            err.println("balnet: error: " + cause.getMessage());
            if (verbose(cl)) {
                cause.printStackTrace(err);
            }
            err.flush();
            return EXIT_BAD_INPUT;
        }
        String msg = cause.getMessage();
        if (cause instanceof UncheckedIOException && cause.getCause() != null && msg == null) {
            msg = cause.getCause().getMessage();
        }
        err.println("balnet: failed: " + (msg != null ? msg : cause.getClass().getSimpleName()));
        if (verbose(cl)) {
            cause.printStackTrace(err);
        } else if (!(cause instanceof CommandFailure) && !(cause instanceof UncheckedIOException)) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return cause instanceof CommandFailure ? ((CommandFailure) cause).exitCode() : EXIT_FAILURE;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        BadInputException refused = WholeNumberConverter.refusal(ex);
        err.println("balnet: error: " + (refused != null ? refused.getMessage() : ex.getMessage()));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        err.flush();
        return EXIT_BAD_INPUT;
    }
}
