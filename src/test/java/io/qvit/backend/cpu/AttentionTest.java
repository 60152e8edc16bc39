package io.qvit.backend.cpu;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Attention against a double-precision softmax(q k^T * scale) v on timm's qkv layout. */
class AttentionTest {
    @ParameterizedTest(name = "B={0} T={1} heads={2} D={3}")
    @CsvSource({"2, 197, 3, 192", "1, 1, 2, 64", "3, 7, 2, 66", "1, 50, 6, 384", "2, 33, 1, 17"})
    void matchesDoubleReference(int b, int t, int heads, int d) {
        SplittableRandom rnd = Check.random("attention" + b + "," + t + "," + heads + "," + d);
        // Scores of order 10 after scaling make the softmax peaked, exercising the max subtraction.
        float[] qkv = Check.uniform(rnd, b * t * 3 * d, 3);
        float scale = (float) (1 / Math.sqrt(d / heads));
        double[] ref = reference(qkv, b, t, heads, d, scale);
        float[] first = null;
        for (boolean vector : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 4}) {
                try (CpuBackend be = new CpuBackend(threads, vector)) {
                    float[] got = be.toHost(be.attention(be.fromHost(qkv, b * t, 3 * d), b, t, heads, scale));
                    // Outputs are convex combinations of v (|v| <= 3); errors come from float scores (~1e-6 relative).
                    Check.close(be.description(), ref, got, 2e-5, 1e-4);
                    if (first == null) first = got;
                    else Check.identical(be.description(), first, got);
                }
            }
        }
    }

    static double[] reference(float[] qkv, int b, int t, int heads, int d, double scale) {
        int hd = d / heads, ld = 3 * d;
        double[] out = new double[b * t * d];
        double[] p = new double[t];
        for (int img = 0; img < b; img++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double s = 0;
                        for (int c = 0; c < hd; c++) {
                            s += (double) qkv[(img * t + i) * ld + h * hd + c] * qkv[(img * t + j) * ld + d + h * hd + c];
                        }
                        p[j] = s * scale;
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) sum += p[j] = Math.exp(p[j] - max);
                    for (int c = 0; c < hd; c++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) acc += p[j] * qkv[(img * t + j) * ld + 2 * d + h * hd + c];
                        out[(img * t + i) * d + h * hd + c] = acc / sum;
                    }
                }
            }
        }
        return out;
    }
}
