package org.balnet.model;

import java.util.Locale;

/**
 * The kinds of bad input, each with its message template. All user-facing wording for bad input
 * lives here, so it is consistent and tests can assert on the kind.
 */
public enum InputError {
    /** A number outside its allowed range: key, value, what is allowed. */
    OUT_OF_RANGE("%s = %s: must be %s"),
    /** NaN or an infinity. */
    NOT_FINITE("%s = %s: must be a finite number"),
    /** A value that must be a whole number and is not: key, value (WholeNumbers, everywhere). */
    NOT_WHOLE("%s = %s: must be a whole number, written like 1000000, 1_000_000 or 1e6"),
    /** A value of the wrong type: key, value, expected type. */
    WRONG_TYPE("%s = %s: expected %s"),
    /** A choice not among those allowed: key, value, the choices. */
    UNKNOWN_CHOICE("%s = %s: must be one of %s"),
    /** A key balnet does not know: key, the keys allowed there. */
    UNKNOWN_KEY("unknown key '%s': allowed here are %s"),
    /** A required key or section is absent: key, what it is. */
    MISSING_KEY("missing '%s' (%s)"),
    /** The file is not valid TOML: file, parser messages. */
    SYNTAX("%s is not valid TOML: %s"),
    /** The file cannot be read: file, reason. */
    UNREADABLE("cannot read %s: %s"),
    /** Two options or values that cannot be used together: description. */
    CONFLICT("%s"),
    /** A rate function that can reach 0 or go negative: key, description. */
    RATE_NOT_POSITIVE("%s: %s"),
    /** No stable balanced initial point: description. */
    NO_BALANCED_POINT("%s"),
    /** The initial state drawn for this n is already out of balance: description. */
    UNBALANCED_START("%s"),
    /** A run too large for the memory or the backend: description. */
    TOO_LARGE("%s"),
    /** An explicit step above its stability bound: description. */
    UNSTABLE_STEP("%s");

    private final String template;

    InputError(String template) {
        this.template = template;
    }

    public BadInputException exception(String key, Object... args) {
        return new BadInputException(this, key, String.format(Locale.ROOT, template, args));
    }

    /** Shorthand for the common range check message. */
    public static BadInputException outOfRange(String key, Object value, String allowed) {
        return OUT_OF_RANGE.exception(key, key, value, allowed);
    }

    /** {@code x} when it is a finite number above 0; otherwise NOT_FINITE or OUT_OF_RANGE for {@code key}. */
    public static double positive(String key, double x) {
        if (!Double.isFinite(x)) {
            throw NOT_FINITE.exception(key, key, x);
        }
        if (!(x > 0)) {
            throw outOfRange(key, x, "> 0");
        }
        return x;
    }
}
