package org.balnet.model;

/**
 * The two populations. The order (e = 0, i = 1) is the index order of every array in balnet,
 * and pairs are always written target-then-source: {@code x[target][source]}, as in (2.3).
 */
public enum Population {
    E("e", +1),
    I("i", -1);

    /** Lower-case label used in files and column names ({@code v_e}, {@code coupling.ei}). */
    public final String label;
    /** Sign of a spike from this population on its targets: s_e = +1, s_i = -1. */
    public final int sign;

    Population(String label, int sign) {
        this.label = label;
        this.sign = sign;
    }

    public int index() {
        return ordinal();
    }

    /** The pair label, target first: {@code pair(E, I) = "ei"}. */
    public static String pair(Population target, Population source) {
        return target.label + source.label;
    }
}
