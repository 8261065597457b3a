package org.balnet.limit;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;

/**
 * The independent reference values of validation/expected/NAME.toml (on the test classpath under
 * /expected/), written by validation/reference/limit_reference.py without any of balnet's code.
 *
 * @param t    times
 * @param rows [time][v_e, v_i, K_e, K_i, zeta]
 * @param eta  the time of the fold, where the file has one
 */
record LimitReference(double[] t, double[][] rows, OptionalDouble eta) {
    static final String[] COLUMNS = {"v_e", "v_i", "K_e", "K_i", "zeta"};

    static LimitReference load(String scenario) {
        String resource = "/expected/" + scenario + ".toml";
        TomlParseResult toml;
        try (InputStream in = LimitReference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError(resource + " is not on the test classpath");
            }
            toml = Toml.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (toml.hasErrors()) {
            throw new AssertionError(resource + ": " + toml.errors());
        }
        double[] t = doubles(toml.getArray("limit.t"));
        double[][] rows = new double[t.length][COLUMNS.length];
        for (int c = 0; c < COLUMNS.length; c++) {
            double[] column = doubles(toml.getArray("limit." + COLUMNS[c]));
            for (int k = 0; k < t.length; k++) {
                rows[k][c] = column[k];
            }
        }
        Double eta = toml.getDouble("fold.eta");
        return new LimitReference(t, rows, eta == null ? OptionalDouble.empty() : OptionalDouble.of(eta));
    }

    private static double[] doubles(TomlArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getDouble(i);
        }
        return out;
    }
}
