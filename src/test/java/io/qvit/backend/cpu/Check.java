package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;

/**
 * Test helpers in the manner of llm.c's validate_result: fresh random inputs per run from
 * {@link TestRandom} and an element-wise check {@code |got - ref| <= atol + rtol*|ref|}
 * that prints the first mismatches.
 */
final class Check {
    private Check() {}

    static final long SEED = TestRandom.SEED;

    static SplittableRandom random(String test) {
        return TestRandom.random(test);
    }

    static float[] uniform(SplittableRandom rnd, int n, float scale) {
        return TestRandom.uniform(rnd, n, scale);
    }

    static void close(String what, double[] ref, float[] got, double atol, double rtol) {
        if (ref.length != got.length) fail(what + ": length " + got.length + ", expected " + ref.length + " (seed " + SEED + ")");
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(got[i] - ref[i]);
            double tol = atol + rtol * Math.abs(ref[i]);
            if (!(err <= tol) && count++ < 5) {
                bad.append(String.format("%n  [%d] got %.9g, expected %.9g (error %.3g > %.3g)", i, got[i], ref[i], err, tol));
            }
        }
        if (count > 0) fail(what + ": " + count + " of " + ref.length + " elements off (seed " + SEED + ", -Dqvit.test.seed to repeat)" + bad);
    }

    static void identical(String what, float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                fail(what + ": differs at " + i + ": " + a[i] + " vs " + b[i] + " (seed " + SEED + ")");
            }
        }
        if (a.length != b.length) fail(what + ": lengths " + a.length + " and " + b.length);
    }

    /** Distance in units in the last place of {@code ref} rounded to float. */
    static double ulps(float got, double ref) {
        float r = (float) ref;
        return Math.abs(got - ref) / Math.ulp(r);
    }
}
