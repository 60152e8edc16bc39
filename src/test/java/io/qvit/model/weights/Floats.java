package io.qvit.model.weights;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise float comparison for tests: bit-exact, except that any NaN matches any NaN. */
final class Floats {
    private Floats() {}

    static void assertSameFloats(float[] expected, float[] actual, String what) {
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
}
