package io.qvit.quant;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.QvitException;
import io.qvit.quant.Log2Quantizer.Base;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Log2QuantizerTest {
    /** Codes against rint(-steps * log2(p / s)) in double, skipping quotients whose log lies within 1e-9 of a rounding boundary. */
    @Test
    void codesMatchTheLogarithmDefinition() {
        SplittableRandom rnd = TestRandom.random("log2");
        for (int bits = 2; bits <= 8; bits++) {
            for (Base base : Base.values()) {
                float s = (float) rnd.nextDouble(0.25, 1.0);
                Log2Quantizer q = new Log2Quantizer(bits, base, s);
                int steps = base == Base.TWO ? 1 : 2;
                float[] p = new float[4000];
                for (int i = 0; i < p.length; i++) p[i] = (float) Math.pow(2, -rnd.nextDouble(0, 140)); // down into subnormals
                int[] codes = q.quantize("attn.probs", p);
                for (int i = 0; i < p.length; i++) {
                    double t = -steps * Math.log((double) (p[i] / s)) / Math.log(2);
                    if (Math.abs(t - Math.floor(t) - 0.5) < 1e-9) continue;
                    long expected = Math.min(Math.max(Math.round(t), 0), q.qmax());
                    if (codes[i] != expected) fail(bits + " bits " + base + " s=" + s + ": p=" + p[i] + " code " + codes[i] + ", expected " + expected + seedNote());
                }
            }
        }
    }

    @Test
    void codeFlipsExactlyAtTheIrrationalThresholds() {
        // With s = 1, p just below 2^-0.5 is code 1 and just above it code 0 (base 2); base sqrt(2) flips at 2^-0.25 and 2^-0.75.
        Log2Quantizer two = new Log2Quantizer(4, Base.TWO, 1f);
        float t = (float) Math.pow(2, -0.5);
        float below = t < Math.pow(2, -0.5) ? t : Math.nextDown(t), above = Math.nextUp(below);
        assertEquals(1, two.quantize("p", new float[] {below})[0]);
        assertEquals(0, two.quantize("p", new float[] {above})[0]);
        Log2Quantizer root = new Log2Quantizer(4, Base.SQRT_TWO, 1f);
        for (double e : new double[] {0.25, 0.75}) {
            float u = (float) Math.pow(2, -e);
            float lo = u < Math.pow(2, -e) ? u : Math.nextDown(u);
            int hiCode = root.quantize("p", new float[] {Math.nextUp(lo)})[0], loCode = root.quantize("p", new float[] {lo})[0];
            assertEquals(hiCode + 1, loCode, "threshold 2^-" + e);
        }
    }

    @Test
    void zeroIsTheTopCodeAndValuesAreScaledPowers() {
        for (Base base : Base.values()) {
            Log2Quantizer q = new Log2Quantizer(3, base, 0.5f);
            int[] codes = q.quantize("p", new float[] {0f, 1f, 0.5f, 1e-30f});
            assertEquals(7, codes[0]);
            assertEquals(0, codes[1]);
            assertEquals(0, codes[2]);
            assertEquals(7, codes[3]);
            float[] values = q.dequantize(new int[] {0, 1, 2, 3, 6, 7});
            double b = base == Base.TWO ? 2 : Math.sqrt(2);
            for (int c = 0; c < 5; c++) {
                int code = new int[] {0, 1, 2, 3, 6}[c];
                double exact = 0.5 * Math.pow(b, -code);
                assertTrue(Math.abs(values[c] - exact) <= Math.ulp((float) exact), base + " code " + code + ": " + values[c] + " vs " + exact);
            }
            assertEquals(0f, values[5]);
        }
    }

    @Test
    void fakeQuantIsWithinHalfAStepInLogSpace() {
        SplittableRandom rnd = TestRandom.random("log2-fq");
        for (Base base : Base.values()) {
            Log2Quantizer q = new Log2Quantizer(8, base, 1f);
            double half = base == Base.TWO ? Math.sqrt(2) : Math.pow(2, 0.25);
            float[] p = new float[2000];
            for (int i = 0; i < p.length; i++) p[i] = (float) rnd.nextDouble(1e-6, 1.0);
            float[] back = q.fakeQuant("p", p);
            for (int i = 0; i < p.length; i++) {
                double ratio = back[i] / (double) p[i];
                if (!(ratio <= half * 1.000001 && ratio >= 1 / half / 1.000001)) fail(base + ": " + p[i] + " became " + back[i] + seedNote());
            }
        }
    }

    @Test
    void negativeNanAndInfiniteProbabilitiesAreErrors() {
        Log2Quantizer q = new Log2Quantizer(4, Base.SQRT_TWO, 1f);
        QvitException neg = assertThrows(QvitException.class, () -> q.quantize("blocks.0.attn.softmax", new float[] {0.5f, -0.1f}));
        assertTrue(neg.getMessage().contains("'blocks.0.attn.softmax'"), neg.getMessage());
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            QvitException e = assertThrows(QvitException.class, () -> q.quantize("blocks.0.attn.softmax", new float[] {bad}));
            assertTrue(e.getMessage().startsWith("tensor 'blocks.0.attn.softmax' has NaN/inf values"), e.getMessage());
        }
        assertEquals(q.qmax(), q.quantize("p", new float[] {-0f})[0]);
    }

    /**
     * Per-row scales on fresh random softmax rows: each row equals the one-scale quantizer at that
     * row's maximum, the maximum survives exactly (code 0), a row of zeros stays zeros, and NaN is
     * an error naming the tensor.
     */
    @Test
    void rowsAreQuantizedAtTheirOwnMaximum() {
        SplittableRandom rnd = TestRandom.random("log2 rows");
        int rows = 40, cols = 197;
        float[] p = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double sharpness = rnd.nextDouble(0, 12); // from nearly uniform rows to nearly one-hot ones
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += p[r * cols + c] = (float) Math.exp(sharpness * rnd.nextDouble());
            for (int c = 0; c < cols; c++) p[r * cols + c] /= (float) sum;
        }
        java.util.Arrays.fill(p, 3 * cols, 4 * cols, 0f);
        for (Base base : Base.values()) {
            float[] q = Log2Quantizer.fakeQuantRows("blocks.0.probs", p, cols, 4, base);
            for (int r = 0; r < rows; r++) {
                float[] row = java.util.Arrays.copyOfRange(p, r * cols, (r + 1) * cols);
                float scale = Log2Quantizer.rowScale(row);
                float[] want = new Log2Quantizer(4, base, scale).fakeQuant("row", row);
                for (int c = 0; c < cols; c++)
                    if (Float.floatToIntBits(want[c]) != Float.floatToIntBits(q[r * cols + c]))
                        fail(base + " row " + r + " column " + c + ": " + q[r * cols + c] + ", want " + want[c] + seedNote());
                if (r == 3) assertEquals(QuantRules.MIN_SCALE, scale);
                else {
                    float max = 0;
                    for (float v : row) max = Math.max(max, v);
                    assertEquals(max, scale, seedNote());
                }
            }
        }
        float[] bad = p.clone();
        bad[5 * cols + 7] = Float.NaN;
        QvitException e = assertThrows(QvitException.class, () -> Log2Quantizer.fakeQuantRows("blocks.0.probs", bad, cols, 4, Base.SQRT_TWO));
        assertTrue(e.getMessage().startsWith("tensor 'blocks.0.probs' has NaN/inf values"), e.getMessage());
    }
}
