package org.balnet.cli;

/**
 * A failure at run time whose message is complete for the user (no stack trace unless
 * {@code --verbose}), with the exit code to end with: 1 by default, 130/143 for interruption.
 */
public class RunFailure extends RuntimeException {
    private final int exitCode;

    public RunFailure(String message) {
        this(message, Main.EXIT_FAILURE, null);
    }

    public RunFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
