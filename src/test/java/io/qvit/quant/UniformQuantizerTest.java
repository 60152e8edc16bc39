package io.qvit.quant;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.QvitException;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformQuantizerTest {
    private static final Granularity[] GRANULARITIES = Granularity.values();

    @Test
    void roundsHalfToEvenThenClamps() {
        // 4-bit asymmetric over [-1, 2]: s = 3/15 = 0.2f, z = rint(1 / 0.2) = 5; 0.1f/0.2f and 0.3f/0.2f are exact halves.
        QuantParams a = QuantParams.fromRanges(QuantFormat.asymmetric(4), Granularity.PER_TENSOR, new Ranges(new float[] {-1}, new float[] {2}));
        assertEquals(0.2f, a.scales()[0]);
        assertEquals(5, a.zeroPoints()[0]);
        assertArrayEquals(new int[] {5, 7, 0, 15, 5}, new UniformQuantizer(a).quantize("t", new float[] {0.1f, 0.3f, -9f, 9f, 0f}));
        // 4-bit symmetric over [-7, 3]: s = 1, codes [-8, 7].
        QuantParams s = QuantParams.fromRanges(QuantFormat.symmetric(4), Granularity.PER_TENSOR, new Ranges(new float[] {-7}, new float[] {3}));
        assertEquals(1f, s.scales()[0]);
        assertArrayEquals(new int[] {2, 4, -2, -4, -8, 7}, new UniformQuantizer(s).quantize("t", new float[] {2.5f, 3.5f, -2.5f, -3.5f, -100f, 100f}));
        assertArrayEquals(new float[] {2, 4, -2, -4, -8, 7}, new UniformQuantizer(s).dequantize(new int[] {2, 4, -2, -4, -8, 7}));
    }

    /** Every format and granularity on random data: codes in range, zero exact, error at most half a step. */
    @Test
    void minMaxFakeQuantErrorIsAtMostHalfAStep() {
        SplittableRandom rnd = TestRandom.random("uniform");
        for (int bits = 2; bits <= 8; bits++) {
            for (boolean symmetric : new boolean[] {true, false}) {
                for (Granularity g : GRANULARITIES) {
                    QuantFormat f = new QuantFormat(bits, symmetric);
                    int rows = 1 + rnd.nextInt(9), cols = 1 + rnd.nextInt(40);
                    float[] x = TestRandom.uniform(rnd, rows * cols, (float) Math.exp(rnd.nextDouble(-8, 8)));
                    if (rnd.nextBoolean()) for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]) + 0.5f; // one-sided ranges too
                    String what = f + " " + g + " " + rows + "x" + cols + seedNote();
                    QuantParams p = QuantParams.minMax("x", x, rows, f, g);
                    assertEquals(g.groups(rows), p.groups(), what);
                    UniformQuantizer q = new UniformQuantizer(p);
                    int[] codes = q.quantize("x", x);
                    float[] back = q.dequantize(codes);
                    for (int i = 0; i < x.length; i++) {
                        int grp = i / (x.length / p.groups());
                        float s = p.scales()[grp];
                        if (codes[i] < f.qmin() || codes[i] > f.qmax()) fail(what + ": code " + codes[i] + " out of range at " + i);
                        if (back[i] != (float) (codes[i] - p.zeroPoints()[grp]) * s) fail(what + ": dequantize differs at " + i);
                        double tol = s / 2 + 2 * Math.ulp(x[i]) + Math.ulp(s * f.qmax());
                        if (!(Math.abs(back[i] - x[i]) <= tol)) fail(what + ": |" + back[i] + " - " + x[i] + "| > " + tol + " at " + i);
                    }
                    for (int grp = 0; grp < p.groups(); grp++) {
                        assertEquals(0f, QuantRules.dequantize(QuantRules.quantize(0f, p.scales()[grp], p.zeroPoints()[grp], f.qmin(), f.qmax()), p.scales()[grp], p.zeroPoints()[grp]), what + ": zero not exact");
                    }
                }
            }
        }
    }

    @Test
    void allEqualTensorsAreRepresentedToAnUlp() {
        SplittableRandom rnd = TestRandom.random("equal");
        for (int bits = 2; bits <= 8; bits++) {
            for (boolean symmetric : new boolean[] {true, false}) {
                QuantFormat f = new QuantFormat(bits, symmetric);
                float v = (float) ((rnd.nextBoolean() ? 1 : -1) * Math.exp(rnd.nextDouble(-10, 10)));
                float[] x = new float[12];
                java.util.Arrays.fill(x, v);
                float[] back = new UniformQuantizer(QuantParams.minMax("w", x, 3, f, Granularity.PER_CHANNEL)).fakeQuant("w", x);
                for (float b : back) assertTrue(Math.abs(b - v) <= 2 * Math.ulp(v), f + ": " + v + " became " + b + seedNote());
            }
        }
    }

    @Test
    void allZerosAndTinyValuesGiveFiniteScalesAndExactZeros() {
        for (int bits = 2; bits <= 8; bits++) {
            for (boolean symmetric : new boolean[] {true, false}) {
                QuantFormat f = new QuantFormat(bits, symmetric);
                QuantParams p = QuantParams.minMax("z", new float[8], 2, f, Granularity.PER_TOKEN);
                for (float s : p.scales()) assertEquals(QuantRules.MIN_SCALE, s);
                assertArrayEquals(new float[8], new UniformQuantizer(p).fakeQuant("z", new float[8]));
                float[] tiny = {1e-30f, -3e-38f, Float.MIN_VALUE, 0f};
                float[] back = new UniformQuantizer(QuantParams.minMax("t", tiny, 1, f, Granularity.PER_TENSOR)).fakeQuant("t", tiny);
                for (int i = 0; i < tiny.length; i++) assertTrue(Math.abs(back[i] - tiny[i]) <= QuantRules.MIN_SCALE, f + ": " + tiny[i] + " became " + back[i]);
            }
        }
        // The other extreme: a range whose width overflows float has no finite scale.
        assertThrows(IllegalArgumentException.class, () -> QuantRules.scale(QuantFormat.asymmetric(8), -3e38f, 3e38f));
        assertEquals(3e38f / 127, QuantRules.scale(QuantFormat.symmetric(8), -3e38f, 3e38f));
    }

    @Test
    void nanAndInfinityAreErrorsNamingTheTensor() {
        QuantParams p = QuantParams.fromRanges(QuantFormat.symmetric(8), Granularity.PER_TENSOR, new Ranges(new float[] {-1}, new float[] {1}));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] x = {0.5f, bad, 0.25f};
            QvitException e = assertThrows(QvitException.class, () -> new UniformQuantizer(p).quantize("blocks.3.mlp.fc1", x));
            assertTrue(e.getMessage().startsWith("tensor 'blocks.3.mlp.fc1' has NaN/inf values; first at element 1"), e.getMessage());
            assertThrows(QvitException.class, () -> QuantParams.minMax("blocks.3.mlp.fc1", x, 1, p.format(), Granularity.PER_TENSOR));
        }
    }
}
