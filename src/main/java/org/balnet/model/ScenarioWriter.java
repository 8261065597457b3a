package org.balnet.model;

import java.util.Map;

/**
 * Writes a {@link Scenario} as a scenario file (TOML) that {@link ScenarioLoader} reads back to the
 * same scenario, bit for bit: numbers are written with {@link Double#toString}, the shortest decimal
 * that reads back to the same double. Used to keep the resolved scenario of a run (overrides
 * applied) beside its checkpoints, so that {@code simulate --resume} continues exactly that run.
 */
public final class ScenarioWriter {
    private ScenarioWriter() {
    }

    /** The scenario file text, sections in the order of {@link Scenario#toMap()}. */
    public static String write(Scenario scenario, String comment) {
        return write(scenario.toMap(), comment);
    }

    /**
     * The scenario file text of a scenario given as {@link Scenario#toMap()} gives it (or as run.json's
     * {@code "scenario"} reads back: integral numbers may come back as integers, which the loader takes
     * for numbers).
     */
    public static String write(Map<String, ?> m, String comment) {
        StringBuilder sb = new StringBuilder();
        for (String line : comment.split("\n")) {
            sb.append("# ").append(line).append('\n');
        }
        // Top-level values must come before the first [section] in TOML.
        for (Map.Entry<String, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                sb.append(e.getKey()).append(" = ").append(value(e.getValue())).append('\n');
            }
        }
        for (Map.Entry<String, ?> e : m.entrySet()) {
            if (e.getValue() instanceof Map) {
                section(sb, e.getKey(), (Map<?, ?>) e.getValue());
            }
        }
        return sb.toString();
    }

    private static void section(StringBuilder sb, String path, Map<?, ?> table) {
        boolean hasScalars = table.values().stream().anyMatch(v -> !(v instanceof Map));
        if (hasScalars) {
            sb.append('\n').append('[').append(path).append("]\n");
            for (Map.Entry<?, ?> e : table.entrySet()) {
                if (!(e.getValue() instanceof Map)) {
                    sb.append(e.getKey()).append(" = ").append(value(e.getValue())).append('\n');
                }
            }
        }
        for (Map.Entry<?, ?> e : table.entrySet()) {
            if (e.getValue() instanceof Map) {
                section(sb, path + "." + e.getKey(), (Map<?, ?>) e.getValue());
            }
        }
    }

    private static String value(Object v) {
        if (v instanceof String) {
            return quote((String) v);
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (!Double.isFinite(d)) {
                // A validated scenario has none; refuse rather than write a file that cannot be read back.
                throw new IllegalArgumentException("non-finite value " + d + " in a scenario");
            }
            return Double.toString(d);
        }
        if (v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        throw new IllegalArgumentException("cannot write " + v.getClass().getSimpleName() + " to a scenario file");
    }

    /** A TOML basic string. */
    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
