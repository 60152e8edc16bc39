package io.qvit.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.files.RawFloats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Reading raw float32 fixtures and comparing float arrays element by element. */
public final class Floats {
    private Floats() {}

    /** A little-endian float32 file. */
    public static float[] read(Path file) {
        return RawFloats.read(file);
    }

    /** A little-endian float32 classpath resource. */
    public static float[] resource(String name) {
        try (InputStream in = Floats.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no test resource " + name);
            return RawFloats.decode(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks every element: {@code |actual - expected| <= atol + rtol * |expected|}. Fails listing the
     * first mismatches and the largest error.
     */
    public static void assertClose(float[] expected, float[] actual, double atol, double rtol, String what) {
        if (expected.length != actual.length)
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        StringBuilder first = new StringBuilder();
        int bad = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            worst = Math.max(worst, err);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                if (bad++ < 5) first.append(String.format("%n  [%d] expected %.7g, got %.7g", i, expected[i], actual[i]));
            }
        }
        if (bad > 0) fail(String.format("%s: %d of %d elements off (atol %g, rtol %g; max abs error %.3g)%s", what, bad,
                expected.length, atol, rtol, worst, first));
    }

    /** Bit-exact element by element, except that any NaN matches any NaN. */
    public static void assertSameFloats(float[] expected, float[] actual, String what) {
        if (expected.length != actual.length) fail(what + ": " + actual.length + " elements, expected " + expected.length);
        int mismatches = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(actual[i])
                    : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i]);
            if (!same && mismatches++ < 5) first.append(String.format(" [%d] expected %s got %s;", i, expected[i], actual[i]));
        }
        if (mismatches > 0) fail(what + ": " + mismatches + " of " + expected.length + " elements differ:" + first);
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    public static int argmax(float[] v, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) if (v[offset + i] > v[offset + best]) best = i;
        return best;
    }
}
