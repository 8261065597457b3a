package org.balnet.cli;

/**
 * A failure at run time whose message is complete for the user (no stack trace unless
 * {@code --verbose}), with the exit code to end with: 1 by default, 130/143 for interruption.
 */
public class CommandFailure extends RuntimeException {
    private final int exitCode;

    public CommandFailure(String message) {
        this(message, Main.EXIT_FAILURE, null);
    }

    public CommandFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
