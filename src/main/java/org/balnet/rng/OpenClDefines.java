package org.balnet.rng;

import java.util.Locale;

/**
 * Writes the constants of a Java class as OpenCL C: {@code #define}s and {@code __constant} tables,
 * each value written so that the kernel reads the same bits (doubles as hexadecimal literals, which
 * C and Java both read exactly). The Java classes that have an OpenCL twin describe their constants
 * with it ({@link CounterRng#openClDefines} and the like); the engine's program puts them all in one
 * generated header before the kernel files, so no number is written twice by hand.
 */
public final class OpenClDefines {
    private static final int TABLE_COLUMNS = 3;
    private final StringBuilder text = new StringBuilder();

    /** @param origin the class the values come from, named in the text's first line */
    public OpenClDefines(String origin) {
        text.append("/* From ").append(origin).append(". */\n");
    }

    /** {@code #define name value} for an integer (a count, an index, a shift). */
    public OpenClDefines define(String name, long value) {
        return raw(name, value < 0 ? "(" + value + ")" : Long.toString(value));
    }

    /** {@code #define name 0x...u}: the 32 bits of {@code value} as an unsigned int. */
    public OpenClDefines defineUint(String name, int value) {
        return raw(name, String.format(Locale.ROOT, "0x%08Xu", value));
    }

    /** {@code #define name (0x1.8p52)}: the double's exact bits, with its decimal value in a comment. */
    public OpenClDefines define(String name, double value) {
        text.append("#define ").append(name).append(' ').append(literal(value))
                .append("  /* ").append(value).append(" */\n");
        return this;
    }

    /** {@code #define name expression}, for what is not a number (a function-like macro, a 64-bit pattern). */
    public OpenClDefines raw(String name, String expression) {
        text.append("#define ").append(name).append(' ').append(expression).append('\n');
        return this;
    }

    /** {@code __constant double name[length] = {...}} with the array's exact bits. */
    public OpenClDefines table(String name, double[] values) {
        text.append("__constant double ").append(name).append('[').append(values.length).append("] = {");
        for (int k = 0; k < values.length; k++) {
            text.append(k % TABLE_COLUMNS == 0 ? "\n    " : " ").append(literal(values[k]))
                    .append(k + 1 < values.length ? "," : "");
        }
        text.append("\n};\n");
        return this;
    }

    /** {@code __constant ulong name[length] = {...}}. */
    public OpenClDefines table(String name, long[] values) {
        text.append("__constant ulong ").append(name).append('[').append(values.length).append("] = {");
        for (int k = 0; k < values.length; k++) {
            text.append(k % TABLE_COLUMNS == 0 ? "\n    " : " ")
                    .append(String.format(Locale.ROOT, "0x%016xUL", values[k])).append(k + 1 < values.length ? "," : "");
        }
        text.append("\n};\n");
        return this;
    }

    /**
     * A double as an exact OpenCL C literal, in parentheses so that a negative one is safe in any
     * expression.
     *
     * @throws IllegalArgumentException for NaN or an infinity, which have no literal
     */
    public static String literal(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value = " + value + ": an OpenCL literal must be finite");
        }
        return "(" + Double.toHexString(value) + ")";
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
