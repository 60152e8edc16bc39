package io.qvit.quant.reparam;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.testsupport.Floats;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast transform against the rotation matrix built by Sylvester's construction and applied in
 * double, on fresh random rows; it is its own inverse; and an input transform (divisors, rotation)
 * with its weight leaves {@code x W^T} unchanged to fp32 rounding.
 */
class HadamardRotationTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 12, 192, 768, 1536})
    void fastTransformIsTheBlockDiagonalHadamardMatrix(int k) {
        SplittableRandom rnd = TestRandom.random("HadamardRotation");
        int rows = 3, b = HadamardRotation.block(k);
        assertEquals(0, k % b);
        assertEquals(1, Integer.bitCount(b));
        float[] x = TestRandom.uniform(rnd, rows * k, 5f);
        double[][] h = sylvester(b);
        float[] expected = new float[x.length];
        for (int r = 0; r < rows; r++)
            for (int from = 0; from < k; from += b)
                for (int j = 0; j < b; j++) {
                    double s = 0;
                    for (int i = 0; i < b; i++) s += x[r * k + from + i] * h[i][j];
                    expected[r * k + from + j] = (float) (s / Math.sqrt(b));
                }
        float[] y = HadamardRotation.rotateRows(x, k);
        Floats.assertClose(expected, y, 1e-5, 1e-5, "K=" + k + seedNote());
        Floats.assertClose(x, HadamardRotation.rotateRows(y, k), 1e-5, 1e-5, "twice, K=" + k + seedNote());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void transformWithItsWeightKeepsTheProduct(boolean withDivisors) {
        SplittableRandom rnd = TestRandom.random("InputTransform");
        int rows = 5, k = 96, outputs = 7;
        float[] x = TestRandom.uniform(rnd, rows * k, 3f), w = TestRandom.uniform(rnd, outputs * k, 0.2f), s = new float[k];
        for (int c = 0; c < k; c++) s[c] = 0.25f + (float) rnd.nextDouble() * 4;
        InputTransform t = new InputTransform(withDivisors ? s : null, true, k);
        float[] expected = product(x, w, rows, outputs, k), actual = product(t.apply(x), t.applyToWeight(w, outputs), rows, outputs, k);
        Floats.assertClose(expected, actual, 1e-4, 1e-4, "x W^T" + seedNote());
    }

    private static double[][] sylvester(int b) {
        double[][] h = {{1}};
        while (h.length < b) {
            int n = h.length;
            double[][] g = new double[2 * n][2 * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    g[i][j] = g[i][j + n] = g[i + n][j] = h[i][j];
                    g[i + n][j + n] = -h[i][j];
                }
            h = g;
        }
        return h;
    }

    private static float[] product(float[] x, float[] w, int rows, int outputs, int k) {
        float[] y = new float[rows * outputs];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outputs; o++) {
                double s = 0;
                for (int c = 0; c < k; c++) s += (double) x[r * k + c] * w[o * k + c];
                y[r * outputs + o] = (float) s;
            }
        return y;
    }
}
