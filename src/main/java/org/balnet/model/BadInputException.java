package org.balnet.model;

/**
 * A value supplied by the user (scenario file or command line) that balnet refuses. The CLI maps
 * it to exit code 2 and prints only the message. {@link #kind()} lets tests assert on what went
 * wrong without depending on the wording.
 */
public final class BadInputException extends RuntimeException {
    private final InputError kind;
    private final String key;

    public BadInputException(InputError kind, String key, String message) {
        super(message);
        this.kind = kind;
        this.key = key;
    }

    public BadInputException(InputError kind, String key, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.key = key;
    }

    public InputError kind() {
        return kind;
    }

    /** The scenario key or option the problem is about, e.g. {@code "coupling.ei"} or {@code "--t-end"}. */
    public String key() {
        return key;
    }
}
