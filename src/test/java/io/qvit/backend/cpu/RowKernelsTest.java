package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantRules;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row quantizer's kernels against their definitions, bit for bit, with the Vector API and the
 * scalar kernels, at ragged lengths: {@link Kernels#range} against Math.min and Math.max folded over the
 * row (NaN, infinities and signed zeros included), and {@link Kernels#quantizeCentred} against
 * {@link QuantRules#quantize} element by element, with quotients from tiny to far past 2^24 so that
 * every clamp is taken; outputs poisoned first.
 */
class RowKernelsTest {
    private static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -Float.MAX_VALUE};

    @ParameterizedTest(name = "{0} elements, vector {1}")
    @CsvSource({"1,true", "15,true", "16,true", "64,true", "197,true", "384,true", "1537,true", "37,false"})
    void rangeIsMathMinAndMaxFolded(int n, boolean vector) {
        SplittableRandom rnd = Check.random("range");
        Kernels k = vector ? new VectorKernels() : new ScalarKernels();
        for (int trial = 0; trial < 60; trial++) {
            float[] x = Check.uniform(rnd, n + 4, 3f);
            if (trial % 3 == 0) for (int i = 0; i < n + 4; i++) x[i] = Math.abs(x[i]); // all positive
            if (trial % 3 == 1) for (int i = 0; i < n + 4; i++) x[i] = -Math.abs(x[i]); // all negative
            if (trial % 2 == 0) x[2 + rnd.nextInt(n)] = SPECIAL[trial / 2 % SPECIAL.length];
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = 2; i < n + 2; i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
            }
            float[] out = {Float.NaN, Float.NaN};
            k.range(x, 2, n, out);
            assertEquals(Float.floatToRawIntBits(lo), Float.floatToRawIntBits(out[0]), "min, trial " + trial + " (seed " + Check.SEED + ")");
            assertEquals(Float.floatToRawIntBits(hi), Float.floatToRawIntBits(out[1]), "max, trial " + trial + " (seed " + Check.SEED + ")");
        }
    }

    @ParameterizedTest(name = "{0} elements, {1} bits, symmetric {2}, vector {3}")
    @CsvSource({"1,8,false,true", "17,8,false,true", "384,8,false,true", "197,4,false,true", "1536,4,false,true",
            "64,8,true,true", "33,4,true,true", "385,6,false,true", "37,8,false,false", "37,4,true,false"})
    void quantizeCentredIsQuantRules(int n, int bits, boolean symmetric, boolean vector) {
        SplittableRandom rnd = Check.random("quantizeCentred");
        Kernels k = vector ? new VectorKernels() : new ScalarKernels();
        QuantFormat f = symmetric ? QuantFormat.symmetric(bits) : QuantFormat.asymmetric(bits);
        for (int trial = 0; trial < 60; trial++) {
            float s = (float) Math.scalb(0.5 + rnd.nextDouble(), -rnd.nextInt(20));
            int z = symmetric ? 0 : rnd.nextInt(f.qmin(), f.qmax() + 1);
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) {
                int kind = rnd.nextInt(6);
                double q = switch (kind) {
                    case 0 -> rnd.nextDouble(-1.5, 1.5) * (f.qmax() - f.qmin());       // inside the codes, some clamped
                    case 1, 5 -> Math.round(rnd.nextDouble(-1100, 1100)) + 0.5;       // ties (up to past 1024), and floats next to them
                    case 2 -> rnd.nextDouble(-1, 1) * Math.scalb(1.0, rnd.nextInt(20, 60)); // past 2^22 and 2^24
                    case 3 -> rnd.nextDouble(-1e-3, 1e-3);
                    default -> rnd.nextDouble(-40, 40);
                };
                x[i] = (float) (q * s);
                if (kind == 5) x[i] = Float.intBitsToFloat(Float.floatToRawIntBits(x[i]) + rnd.nextInt(-8, 9));
            }
            float[] out = new float[n + 6];
            int[] codes = new int[n + 1];
            java.util.Arrays.fill(out, Float.NaN);
            java.util.Arrays.fill(codes, 0x5A5A5A5A);
            int magnitude = k.quantizeCentred(x, 1, n, s, z, f.qmin(), f.qmax(), out, 3, codes);
            int expectedMagnitude = 0;
            for (int i = 0; i < n; i++) {
                int q = QuantRules.quantize(x[1 + i], s, z, f.qmin(), f.qmax());
                expectedMagnitude += Math.abs(q - z);
                assertEquals(q, codes[i], "code " + i + " of trial " + trial + ", x " + x[1 + i] + " s " + s + " z " + z + " (seed " + Check.SEED + ")");
                assertEquals(Float.floatToRawIntBits((float) (q - z)), Float.floatToRawIntBits(out[3 + i]), "centred code " + i + " of trial " + trial);
            }
            assertEquals(0x5A5A5A5A, codes[n], "a code past the row");
            for (int i : new int[] {0, 1, 2, n + 3, n + 4, n + 5}) assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(out[i]), "centred output outside the row, at " + (i - 3));
            assertEquals(expectedMagnitude, magnitude, "sum of magnitudes, trial " + trial);
        }
    }
}
