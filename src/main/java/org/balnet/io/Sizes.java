package org.balnet.io;

import java.util.Locale;

/** Byte counts for messages (memory and disk refusals), in binary units. */
public final class Sizes {
    private Sizes() {
    }

    /** b bytes as KiB, MiB, GiB or TiB, whichever reads best; Long.MAX_VALUE as "more than 8 EiB". */
    public static String bytes(long b) {
        if (b == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        if (b >= 1L << 40) {
            return String.format(Locale.ROOT, "%.2f TiB", b / (double) (1L << 40));
        }
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
}
