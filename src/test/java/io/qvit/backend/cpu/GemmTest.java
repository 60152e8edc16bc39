package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qvit.backend.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code linear} against a double-precision reference, on both kernel paths and several thread counts. */
class GemmTest {
    // Float sums of K products of magnitude <= 1 drift by about sqrt(K) ulps of the partial sums; 1e-6*K is a
    // safe bound that still catches any wrong or missing product (which costs ~0.5).
    private static double atol(int k) {
        return 1e-6 * k;
    }

    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @CsvSource({
        "1, 7, 33", "7, 200, 192", "197, 192, 768", "200, 576, 192", "13, 33, 1536", "6, 32, 257", "31, 1, 3", "64, 384, 384"
    })
    void matchesDoubleReference(int m, int n, int k) {
        SplittableRandom rnd = Check.random("gemm" + m + "," + n + "," + k);
        float[] x = Check.uniform(rnd, m * k, 1), w = Check.uniform(rnd, n * k, 1), bias = Check.uniform(rnd, n, 1);
        double[] ref = reference(x, w, bias, m, n, k);
        float[] first = null;
        for (boolean vector : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 3}) {
                try (CpuBackend be = new CpuBackend(threads, vector)) {
                    float[] got = be.toHost(be.linear(be.fromHost(x, m, k), be.fromHost(w, n, k), be.fromHost(bias, n)));
                    Check.close(be.description() + " M=" + m + " N=" + n + " K=" + k, ref, got, atol(k), 1e-5);
                    // Same fma order on every path and split: the bits agree, not just the values.
                    if (first == null) first = got;
                    else Check.identical(be.description(), first, got);
                }
            }
        }
    }

    @Test
    void biasIsOptionalAndPackingIsReused() {
        int m = 9, n = 40, k = 70;
        SplittableRandom rnd = Check.random("nobias");
        float[] x = Check.uniform(rnd, m * k, 1), w = Check.uniform(rnd, n * k, 1);
        double[] ref = reference(x, w, null, m, n, k);
        try (CpuBackend be = new CpuBackend(2)) {
            Tensor wt = be.fromHost(w, n, k), xt = be.fromHost(x, m, k);
            Check.close("no bias", ref, be.toHost(be.linear(xt, wt, null)), atol(k), 1e-5);
            Check.close("no bias, cached packing", ref, be.toHost(be.linear(xt, wt, null)), atol(k), 1e-5);
            wt.close();
            assertThrows(IllegalStateException.class, () -> be.linear(xt, wt, null));
        }
    }

    @Test
    void kBlocksAreEvenAndBounded() {
        assertEquals(192, Gemm.kBlock(192));
        assertEquals(192, Gemm.kBlock(384));
        assertEquals(192, Gemm.kBlock(768));
        assertEquals(192, Gemm.kBlock(1536));
        assertEquals(129, Gemm.kBlock(257));
    }

    static double[] reference(float[] x, float[] w, float[] bias, int m, int n, int k) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : bias[j];
                for (int q = 0; q < k; q++) s += (double) x[i * k + q] * w[j * k + q];
                y[i * n + j] = s;
            }
        }
        return y;
    }
}
