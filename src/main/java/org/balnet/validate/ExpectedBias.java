package org.balnet.validate;

import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

import java.util.Optional;

/**
 * The time step's bias measured for a built-in scenario at reproduce's n, from
 * validation/expected/dt-bias-NAME.toml (shipped in the jar under {@code /expected/}), written from a run of
 * {@code balnet validate --dt-study} ({@link TimeStepStudy}); {@code reproduce} states it at its own step next
 * to the finite-n error it measures.
 *
 * @param scenario scenario name
 * @param n        neurons per population of the measurement
 * @param scheme   the scheme measured
 * @param from     start of the window [from, tEnd] of the supremum
 * @param tEnd     end of the window
 * @param replicas paired replicas per arm
 * @param h        the steps
 * @param bias     B(h): sup over the window of the distance between replica means (norm of (4.5))
 * @param noise    its noise floor N: the bias lies in [B - N, B + N] with 95% confidence
 * @param command  the command that measured it
 */
public record ExpectedBias(String scenario, long n, String scheme, double from, double tEnd, long replicas,
                           double[] h, double[] bias, double[] noise, String command) {
    /** Relative tolerance when looking a step up. */
    private static final double STEP_TOLERANCE = 1e-9;

    /**
     * The measurement for {@code name}, or empty when the build has none.
     *
     * @throws IllegalStateException when the file is malformed (a build problem, not a user's)
     */
    public static Optional<ExpectedBias> load(String name) {
        String res = ExpectedLimit.RESOURCE_PREFIX + "dt-bias-" + name + ".toml";
        String text = ExpectedLimit.resource(res);
        if (text == null) {
            return Optional.empty();
        }
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            throw new IllegalStateException(res + " is not valid TOML: " + toml.errors());
        }
        double[] h = ExpectedLimit.doubles(toml.getArray("h"), res + " h");
        double[] bias = ExpectedLimit.doubles(toml.getArray("bias"), res + " bias");
        double[] noise = ExpectedLimit.doubles(toml.getArray("noise"), res + " noise");
        if (bias.length != h.length || noise.length != h.length) {
            throw new IllegalStateException(res + ": h, bias and noise must have the same length");
        }
        return Optional.of(new ExpectedBias(toml.getString("scenario"), toml.getLong("n"), toml.getString("scheme"),
                toml.getDouble("from"), toml.getDouble("t_end"), toml.getLong("replicas"), h, bias, noise,
                toml.getString("command")));
    }

    /** The index of step {@code step} among the measured ones, or -1. */
    public int indexOf(double step) {
        for (int i = 0; i < h.length; i++) {
            if (Math.abs(h[i] - step) <= STEP_TOLERANCE * step) {
                return i;
            }
        }
        return -1;
    }
}
