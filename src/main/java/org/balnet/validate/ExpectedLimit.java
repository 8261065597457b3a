package org.balnet.validate;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reference values of the limit for a built-in scenario, from validation/expected/NAME.toml (shipped in
 * the jar under {@code /expected/}): v_e, v_i, K_e, K_i at a few times, computed independently of
 * balnet's code by validation/reference/limit_reference.py and checked by {@code reproduce} to a
 * stated tolerance.
 *
 * @param scenario  scenario name
 * @param tolerance largest accepted absolute difference
 * @param t         times
 * @param values    [time][v_e, v_i, K_e, K_i]
 */
public record ExpectedLimit(String scenario, double tolerance, double[] t, double[][] values) {
    /** Where the files live in the jar. */
    public static final String RESOURCE_PREFIX = "/expected/";
    static final String[] COLUMNS = {"v_e", "v_i", "K_e", "K_i"};

    /**
     * @throws IllegalStateException when the jar has no expected values for {@code name} or they are malformed
     *                               (a build problem, not a user's)
     */
    public static ExpectedLimit load(String name) {
        String res = RESOURCE_PREFIX + name + ".toml";
        String text = resource(res);
        if (text == null) {
            throw new IllegalStateException("no expected values " + res + " in the build");
        }
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            throw new IllegalStateException(res + " is not valid TOML: " + toml.errors());
        }
        double tol = toml.getDouble("limit.tolerance");
        double[] t = doubles(toml.getArray("limit.t"), res + " limit.t");
        double[][] v = new double[t.length][COLUMNS.length];
        for (int c = 0; c < COLUMNS.length; c++) {
            double[] col = doubles(toml.getArray("limit." + COLUMNS[c]), res + " limit." + COLUMNS[c]);
            if (col.length != t.length) {
                throw new IllegalStateException(res + ": limit." + COLUMNS[c] + " has " + col.length
                        + " values for " + t.length + " times");
            }
            for (int k = 0; k < t.length; k++) {
                v[k][c] = col[k];
            }
        }
        return new ExpectedLimit(name, tol, t, v);
    }

    /** The text of a resource of the jar, or null when it has none. */
    static String resource(String res) {
        try (InputStream in = ExpectedLimit.class.getResourceAsStream(res)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + res + ": " + e.getMessage(), e);
        }
    }

    static double[] doubles(TomlArray a, String where) {
        if (a == null) {
            throw new IllegalStateException("missing " + where);
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = a.getDouble(i);
        }
        return out;
    }
}
