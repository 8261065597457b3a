package org.balnet.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the stiff common mode of the population means is advanced (docs/design.md, section 3). */
public enum Scheme {
    /** Implicit tau-leaping of the two common-mode unknowns; stable for any step. The default. */
    SEMI_IMPLICIT("semi-implicit"),
    /** Explicit shift; stable only while h * sqrt(n) * |eig J| stays small. */
    EXPLICIT("explicit");

    public final String key;

    Scheme(String key) {
        this.key = key;
    }

    public static Scheme fromKey(String key, String where) {
        for (Scheme s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw InputError.UNKNOWN_CHOICE.exception(where, where, "\"" + key + "\"",
                Arrays.stream(values()).map(s -> "\"" + s.key + "\"").collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return key;
    }
}
