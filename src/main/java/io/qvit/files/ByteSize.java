package io.qvit.files;

import java.util.Locale;

/** A byte count for people: decimal (SI) units, as download tools and file managers show sizes. */
public final class ByteSize {
    private static final String[] UNITS = {"kB", "MB", "GB", "TB"};

    private ByteSize() {}

    /** "512 B", "1.5 kB", "22.9 MB", ... (one decimal, whatever the default locale). */
    public static String format(long n) {
        if (n < 1000) return n + " B";
        double v = n;
        int u = -1;
        while (v >= 1000 && u < UNITS.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
