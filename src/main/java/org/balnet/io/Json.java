package org.balnet.io;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON writer for run.json, summary.json and bench lines: maps (written in their
 * iteration order, so use LinkedHashMap), collections, arrays of double, strings, numbers,
 * booleans and null. Non-finite doubles become null, since JSON has no NaN.
 */
public final class Json {
    private Json() {
    }

    /** Pretty-printed, two-space indent. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, true);
        return sb.append('\n').toString();
    }

    /** On one line, e.g. for {@code bench}. */
    public static String writeLine(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, false);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int depth, boolean pretty) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            string(sb, (String) v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? number(d) : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, depth + 1, pretty);
                string(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), depth + 1, pretty);
            }
            if (!m.isEmpty()) {
                newline(sb, depth, pretty);
            }
            sb.append('}');
        } else if (v instanceof Collection) {
            sb.append('[');
            boolean first = true;
            for (Object o : (Collection<?>) v) {
                if (!first) {
                    sb.append(pretty ? ", " : ",");
                }
                first = false;
                write(sb, o, depth + 1, pretty);
            }
            sb.append(']');
        } else if (v instanceof double[]) {
            double[] a = (double[]) v;
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                if (i > 0) {
                    sb.append(pretty ? ", " : ",");
                }
                write(sb, a[i], depth + 1, pretty);
            }
            sb.append(']');
        } else if (v instanceof Object[]) {
            write(sb, java.util.Arrays.asList((Object[]) v), depth, pretty);
        } else {
            string(sb, v.toString());
        }
    }

    /** Shortest representation that reads back to the same double. */
    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d).toLowerCase(Locale.ROOT).replace("e", "e");
    }

    private static void newline(StringBuilder sb, int depth, boolean pretty) {
        if (pretty) {
            sb.append('\n');
            sb.append("  ".repeat(depth));
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
