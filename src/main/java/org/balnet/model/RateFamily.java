package org.balnet.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The sigmoid families a rate function f(x) = amplitude * (g(slope * x) + offset) can take.
 * Each gives the range of g, which fixes the bounds 0 &lt; f &le; C_f of Hypothesis 3.1.
 */
public enum RateFamily {
    /** g = tanh, range (-1, 1). */
    TANH("tanh", -1.0, 1.0),
    /** g = 1/(1 + e^{-x}), range (0, 1). */
    LOGISTIC("logistic", 0.0, 1.0),
    /** g = erf, range (-1, 1); its Gaussian expectations have closed forms. */
    ERF("erf", -1.0, 1.0);

    public final String key;
    /** Infimum of g over the real line (not attained). */
    public final double gInf;
    /** Supremum of g over the real line (not attained). */
    public final double gSup;

    RateFamily(String key, double gInf, double gSup) {
        this.key = key;
        this.gInf = gInf;
        this.gSup = gSup;
    }

    public static RateFamily fromKey(String key, String where) {
        for (RateFamily f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        throw InputError.UNKNOWN_CHOICE.exception(where, where, "\"" + key + "\"", choices());
    }

    public static String choices() {
        return Arrays.stream(values()).map(f -> "\"" + f.key + "\"").collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return key.toLowerCase(Locale.ROOT);
    }
}
