package org.balnet.model;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The one syntax for integral values (n, seeds, steps, replicas, threads), on every command and in
 * scenario files: {@code 1000000000}, {@code 1_000_000_000} and {@code 1e9} all mean the same number;
 * a decimal point is allowed when the value is whole ({@code 2.5e3}). A value that is not whole, or
 * not a number, is refused with the same {@link InputError#NOT_WHOLE} message wherever it is written.
 */
public final class WholeNumbers {
    /**
     * Digits with single underscores between them (as in TOML and Java), an optional fraction and an
     * optional exponent. Underscores only between digits: "1__0", "_1" and "1_" are typos, not numbers.
     */
    private static final Pattern SYNTAX =
            Pattern.compile("[+-]?[0-9](_?[0-9])*(\\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?");
    /** Digits of Long.MAX_VALUE: a value with more before the point is refused without expanding it (1e999999999). */
    private static final int LONG_DIGITS = 19;
    private static final String LONG_RANGE = "a whole number between -2^63 and 2^63 - 1";

    private WholeNumbers() {
    }

    /**
     * The whole number written in {@code text}.
     *
     * @param key the option or scenario key, for the message
     * @throws BadInputException NOT_WHOLE if it is not a whole number, OUT_OF_RANGE beyond a long
     */
    public static long parse(String text, String key) {
        String t = text == null ? "" : text.strip();
        if (!SYNTAX.matcher(t).matches()) {
            throw notWhole(key, text);
        }
        BigDecimal x;
        try {
            x = new BigDecimal(t.replace("_", ""));
        } catch (NumberFormatException e) {
            throw notWhole(key, text);
        }
        if (x.signum() != 0 && x.stripTrailingZeros().scale() > 0) {
            throw notWhole(key, text);
        }
        if (x.precision() - x.scale() > LONG_DIGITS) {
            throw InputError.outOfRange(key, t, LONG_RANGE);
        }
        try {
            return x.longValueExact();
        } catch (ArithmeticException e) {
            throw InputError.outOfRange(key, t, LONG_RANGE);
        }
    }

    /**
     * A number that must be whole, as a TOML parser returns it (a {@code double} for {@code 1e6}).
     *
     * @throws BadInputException NOT_WHOLE for a fraction, an infinity or NaN; OUT_OF_RANGE beyond a long
     */
    public static long of(double x, String key) {
        if (Double.isFinite(x) && x == Math.rint(x) && Math.abs(x) < 0x1p63) {
            return (long) x;
        }
        return parse(Double.isFinite(x) ? BigDecimal.valueOf(x).toPlainString() : String.valueOf(x), key);
    }

    /**
     * {@link #parse} for a value that must fit an int.
     *
     * @throws BadInputException NOT_WHOLE, or OUT_OF_RANGE beyond 2^31 - 1
     */
    public static int parseInt(String text, String key) {
        long x = parse(text, key);
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw InputError.outOfRange(key, text.strip(), "at most " + Integer.MAX_VALUE);
        }
        return (int) x;
    }

    private static BadInputException notWhole(String key, Object value) {
        return InputError.NOT_WHOLE.exception(key, key, value);
    }
}
