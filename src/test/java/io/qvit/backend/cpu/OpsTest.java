package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.backend.ElementType;
import io.qvit.backend.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The element-wise and layout ops against double references, and each op's output bit-identical on
 * 1 and 3 threads and on both kernel paths.
 */
class OpsTest {
    /** Runs {@code op} on every backend variant, checks against {@code ref} and that all variants agree bit for bit. */
    private static void onAllBackends(String what, double[] ref, double atol, double rtol, Function<CpuBackend, float[]> op) {
        float[] first = null;
        for (boolean vector : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 3}) {
                try (CpuBackend be = new CpuBackend(threads, vector)) {
                    float[] got = op.apply(be);
                    Check.close(what + " on " + be.description(), ref, got, atol, rtol);
                    if (first == null) first = got;
                    else Check.identical(what + " on " + be.description(), first, got);
                }
            }
        }
    }

    @ParameterizedTest(name = "B={0} C={1} {2}x{3} patch {4} D={5}")
    @CsvSource({"2, 3, 32, 32, 16, 192", "1, 3, 24, 40, 8, 33", "3, 1, 7, 14, 7, 5"})
    void patchEmbedIsAStridedConvolution(int b, int c, int h, int w, int p, int d) {
        SplittableRandom rnd = Check.random("patch" + b + c + h + w + p + d);
        float[] img = Check.uniform(rnd, b * c * h * w, 1), wt = Check.uniform(rnd, d * c * p * p, 1), bias = Check.uniform(rnd, d, 1);
        int gy = h / p, gx = w / p;
        double[] ref = new double[b * gy * gx * d];
        for (int n = 0; n < b; n++) {
            for (int y = 0; y < gy; y++) {
                for (int x = 0; x < gx; x++) {
                    for (int o = 0; o < d; o++) {
                        double s = bias[o];
                        for (int ch = 0; ch < c; ch++) {
                            for (int ky = 0; ky < p; ky++) {
                                for (int kx = 0; kx < p; kx++) {
                                    s += (double) img[((n * c + ch) * h + y * p + ky) * w + x * p + kx] * wt[((o * c + ch) * p + ky) * p + kx];
                                }
                            }
                        }
                        ref[((n * gy + y) * gx + x) * d + o] = s;
                    }
                }
            }
        }
        onAllBackends("patchEmbed", ref, 1e-6 * c * p * p, 1e-5, be -> be.toHost(
                be.linear(be.patchRows(be.fromHost(img, b, c, h, w), p), be.fromHost(wt, d, c * p * p), be.fromHost(bias, d))));
    }

    @ParameterizedTest(name = "prefix {0}, posCoversPrefix {1}")
    @CsvSource({"1, true", "2, true", "1, false", "0, true"})
    void assembleTokensPlacesPrefixThenPatchesAndAddsPositions(int nx, boolean covers) {
        int b = 3, np = 5, d = 7, t = nx + np;
        SplittableRandom rnd = Check.random("assemble" + nx + covers);
        float[] patches = Check.uniform(rnd, b * np * d, 1), pos = Check.uniform(rnd, (covers ? t : np) * d, 1);
        float[][] prefix = new float[nx][];
        for (int i = 0; i < nx; i++) prefix[i] = Check.uniform(rnd, d, 1);
        double[] ref = new double[b * t * d];
        for (int n = 0; n < b; n++) {
            for (int tok = 0; tok < t; tok++) {
                for (int j = 0; j < d; j++) {
                    double v = tok < nx ? prefix[tok][j] : patches[(n * np + tok - nx) * d + j];
                    int posRow = covers ? tok : tok - nx;
                    ref[(n * t + tok) * d + j] = posRow >= 0 ? (float) (v + pos[posRow * d + j]) : v;
                }
            }
        }
        onAllBackends("assembleTokens", ref, 0, 0, be -> {
            List<Tensor> pre = new java.util.ArrayList<>();
            for (float[] p : prefix) pre.add(be.fromHost(p, 1, 1, d));
            Tensor out = be.assembleTokens(be.fromHost(patches, b * np, d), b, pre, be.fromHost(pos, 1, covers ? t : np, d), covers);
            assertArrayEquals(new int[] {b * t, d}, out.shape());
            return be.toHost(out);
        });
    }

    @ParameterizedTest(name = "rows {0}, D {1}")
    @CsvSource({"1, 192", "7, 33", "200, 384"})
    void layerNormUsesBiasedVariance(int m, int d) {
        SplittableRandom rnd = Check.random("ln" + m + d);
        float[] x = Check.uniform(rnd, m * d, 4), g = Check.uniform(rnd, d, 1), bt = Check.uniform(rnd, d, 1);
        for (int i = 0; i < m * d; i++) x[i] += 10; // an offset mean: catches one-pass variance cancellation
        float eps = 1e-6f;
        double[] ref = new double[m * d];
        for (int r = 0; r < m; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += x[r * d + j];
            mean /= d;
            for (int j = 0; j < d; j++) var += (x[r * d + j] - mean) * (x[r * d + j] - mean);
            var /= d;
            for (int j = 0; j < d; j++) ref[r * d + j] = (x[r * d + j] - mean) / Math.sqrt(var + eps) * g[j] + bt[j];
        }
        onAllBackends("layerNorm", ref, 1e-6, 1e-6, be -> be.toHost(
                be.layerNorm(be.fromHost(x, m, d), be.fromHost(g, d), be.fromHost(bt, d), eps)));
    }

    @Test
    void geluInPlaceIsExactErfGelu() {
        int m = 301, d = 333; // more elements than one parallel chunk
        float[] x = Check.uniform(Check.random("gelu-op"), m * d, 8);
        double[] ref = new double[x.length];
        for (int i = 0; i < x.length; i++) ref[i] = 0.5 * x[i] * ErfTest.erfcReference(-x[i] / Math.sqrt(2));
        // 1 ulp relative; the tail near -8 is ~1e-15 and still held to 1 ulp, so atol is negligible.
        onAllBackends("gelu", ref, 1e-30, 1.2e-7, be -> {
            Tensor t = be.fromHost(x.clone(), m, d);
            be.geluInPlace(t);
            return be.toHost(t);
        });
    }

    @ParameterizedTest(name = "LayerScale {0}")
    @CsvSource({"true", "false"})
    void addInPlaceScalesByGammaPerColumn(boolean layerScale) {
        int m = 131, d = 19;
        SplittableRandom rnd = Check.random("add" + layerScale);
        float[] x = Check.uniform(rnd, m * d, 1), y = Check.uniform(rnd, m * d, 1), g = Check.uniform(rnd, d, 1);
        double[] ref = new double[m * d];
        // torch rounds gamma*y to float, then the sum; with the same two roundings every element is exact.
        for (int i = 0; i < m * d; i++) ref[i] = x[i] + (layerScale ? g[i % d] * y[i] : y[i]);
        onAllBackends("addInPlace", ref, 0, 0, be -> {
            Tensor t = be.fromHost(x.clone(), m, d);
            be.addInPlace(t, be.fromHost(y, m, d), layerScale ? be.fromHost(g, d) : null);
            return be.toHost(t);
        });
    }

    @Test
    void selectTokenTakesOneRowPerImage() {
        int b = 4, t = 6, d = 5, index = 2;
        float[] x = Check.uniform(Check.random("select"), b * t * d, 1);
        double[] ref = new double[b * d];
        for (int n = 0; n < b; n++) for (int j = 0; j < d; j++) ref[n * d + j] = x[(n * t + index) * d + j];
        onAllBackends("selectToken", ref, 0, 0, be -> be.toHost(be.selectToken(be.fromHost(x, b * t, d), b, t, index)));
    }

    @Test
    void fromHostAndToHostCopy() {
        try (CpuBackend be = new CpuBackend(1)) {
            float[] a = {1, 2, 3, 4, 5, 6};
            Tensor t = be.fromHost(a, 2, 3);
            a[1] = 7;
            assertEquals(2f, be.toHost(t)[1], "the tensor holds a copy");
            assertArrayEquals(new int[] {2, 3}, t.shape());
            assertEquals(ElementType.F32, t.type());
            float[] copy = be.toHost(t);
            copy[0] = 9;
            assertEquals(1f, be.toHost(t)[0]);
            assertThrows(QvitException.class, () -> be.fromHost(a, 4, 2));
        }
    }

    @Test
    void closedTensorsAndBackendsRefuseUse() {
        CpuBackend be = new CpuBackend(2);
        Tensor x = be.fromHost(new float[] {1, 2}, 1, 2);
        Tensor w = be.fromHost(new float[] {1, 2, 3, 4}, 2, 2);
        x.close();
        x.close(); // closing twice is harmless
        assertThrows(IllegalStateException.class, () -> be.toHost(x));
        assertThrows(IllegalStateException.class, () -> be.geluInPlace(x));
        assertThrows(IllegalStateException.class, () -> be.linear(x, w, null));
        be.close();
        assertThrows(IllegalStateException.class, () -> be.toHost(w));
    }

    @Test
    void mismatchedShapesAreUserErrors() {
        try (CpuBackend be = new CpuBackend(1)) {
            Tensor x = be.fromHost(new float[6], 2, 3);
            assertThrows(QvitException.class, () -> be.linear(x, be.fromHost(new float[8], 2, 4), null));
            assertThrows(QvitException.class, () -> be.linear(x, be.fromHost(new float[6], 2, 3), be.fromHost(new float[3], 3)));
            assertThrows(QvitException.class, () -> be.addInPlace(x, be.fromHost(new float[6], 3, 2), null));
            assertThrows(QvitException.class, () -> be.attention(be.fromHost(new float[18], 2, 9), 1, 2, 2, 1f));
            assertThrows(QvitException.class, () -> be.selectToken(x, 1, 2, 2));
            assertThrows(QvitException.class, () -> new CpuBackend(0));
        }
    }

    @Test
    void describesItself() {
        try (CpuBackend vec = new CpuBackend(2, true); CpuBackend scalar = new CpuBackend(1, false)) {
            assertEquals("cpu", vec.name());
            assertEquals(2, vec.threads());
            assertTrue(vec.description().startsWith("cpu, 2 threads, Vector API "), vec.description());
            assertEquals("cpu, 1 thread, scalar fallback", scalar.description());
        }
    }
}
