package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * erf, GELU and the softmax exp against independent double references: erf's Maclaurin series for
 * |x| < 2.5, the Laplace continued fraction for erfc beyond (both good to ~1e-13, far below float's 6e-8).
 */
class ErfTest {
    private static final double SQRT_PI = Math.sqrt(Math.PI);

    static double erfcReference(double x) {
        if (x < 0) return 2 - erfcReference(-x);
        if (x < 2.5) return 1 - erfSeries(x);
        double f = x; // erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
        for (int n = 400; n >= 1; n--) f = x + (n / 2.0) / f;
        return Math.exp(-x * x) / (SQRT_PI * f);
    }

    private static double erfSeries(double x) {
        double term = x, sum = x; // term_n = (-1)^n x^(2n+1) / n!
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / SQRT_PI * sum;
    }

    /** Every 1/4096 over [-10, 10] (erf saturates at |x| > 3.9) plus random floats of every exponent. */
    private static float[] arguments(String test) {
        SplittableRandom rnd = Check.random(test);
        float[] xs = new float[81921 + 20000];
        for (int i = 0; i <= 81920; i++) xs[i] = (i - 40960) / 4096f;
        for (int i = 81921; i < xs.length; i++) {
            xs[i] = (float) ((rnd.nextBoolean() ? 1 : -1) * Math.pow(2, rnd.nextDouble(-30, 4.5)));
        }
        return xs;
    }

    @Test
    void erfIsWithinOneUlp() {
        for (float x : arguments("erf")) {
            double ref = 1 - erfcReference(x);
            assertTrue(Check.ulps(Erf.erf(x), ref) <= 1, () -> "erf(" + x + ") = " + Erf.erf(x) + ", expected " + ref + " (seed " + Check.SEED + ")");
        }
    }

    /** 1e-10: the series reference itself loses ~1e-11 relative near x = 2.5 (terms up to e^(x^2) cancel). */
    @Test
    void erfcKeepsRelativeAccuracyInTheTail() {
        for (double x = 0; x <= 26; x += 1.0 / 64) {
            double ref = erfcReference(x), got = Erf.erfc(x);
            assertTrue(Math.abs(got - ref) <= 1e-10 * ref, "erfc(" + x + ") = " + got + ", expected " + ref);
        }
    }

    @Test
    void geluIsWithinOneUlpIncludingTheNegativeTail() {
        for (float x : arguments("gelu")) {
            double ref = 0.5 * x * erfcReference(-x / Math.sqrt(2));
            float got = Erf.gelu(x);
            if (ref == 0) assertEquals(0f, got, 0f);
            else assertTrue(Check.ulps(got, ref) <= 1, () -> "gelu(" + x + ") = " + got + ", expected " + ref + " (seed " + Check.SEED + ")");
        }
    }

    @Test
    void vectorGeluMatchesScalarBits() {
        float[] xs = arguments("gelu-vector"), vec = xs.clone();
        new VectorKernels().gelu(vec, 0, vec.length);
        for (int i = 0; i < xs.length; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(Erf.gelu(xs[i])), Float.floatToRawIntBits(vec[i]), () -> "gelu(" + xs[at] + ")");
        }
    }

    @Test
    void expIsWithinTwoUlpsAndVectorMatchesScalarBits() {
        int l = FloatVector.SPECIES_PREFERRED.length();
        float[] xs = new float[(1 << 18) / l * l];
        for (int i = 0; i < xs.length; i++) xs[i] = -87f + 175f * i / xs.length;
        float[] vec = xs.clone();
        new VectorKernels().expShifted(vec, 0, vec.length, 0f, 1f); // (x - 0) * 1 is x
        for (int i = 0; i < xs.length; i++) {
            float x = xs[i], got = ScalarKernels.exp(x);
            assertTrue(Check.ulps(got, Math.exp(x)) <= 2, () -> "exp(" + x + ") = " + got + ", expected " + Math.exp(x));
            assertEquals(Float.floatToRawIntBits(got), Float.floatToRawIntBits(vec[i]), () -> "vector exp(" + x + ")");
        }
    }
}
