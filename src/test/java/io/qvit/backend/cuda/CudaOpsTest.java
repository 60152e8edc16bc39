package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.quant.Granularity;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every op of the CUDA backend, run on the PTX emulator (memcheck, initcheck, racecheck on), against
 * its CPU twin on fresh random inputs of ragged shapes (rows not a multiple of any tile, 197 and 65
 * tokens, the widths of ViT-Tiny and the demo model), every output element checked, outputs poisoned
 * (0xff) before each launch so that an unwritten element shows. Every op that the integer forward
 * uses must be bit-identical (LayerNorm and GELU compute the CPU's double formulas in its order); the
 * fp32-only GEMM and attention within the tolerance written beside each check.
 */
class CudaOpsTest {
    private static CpuBackend cpu;
    private static CudaBackend gpu;
    private final Random rnd = new Random();

    @BeforeAll
    static void open() {
        cpu = new CpuBackend(2);
        gpu = new CudaBackend(new EmuDriver(2), true);
    }

    @AfterAll
    static void close() {
        gpu.close();
        cpu.close();
    }

    private float[] uniform(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        return a;
    }

    /** The pair of tensors holding the same data on each backend. */
    private record Pair(Tensor c, Tensor g) {}

    private static Pair both(float[] data, int... shape) {
        return new Pair(cpu.fromHost(data, shape), gpu.fromHost(data, shape));
    }

    private static void assertBitIdentical(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++)
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i]))
                throw new AssertionError(what + "[" + i + "]: " + actual[i] + ", the CPU gives " + expected[i]);
    }

    /** |actual - expected| <= bound[i] for every element (NaN, an unwritten poisoned element, fails). */
    private static void assertWithin(String what, float[] expected, float[] actual, double[] bound) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++)
            if (!(Math.abs((double) actual[i] - expected[i]) <= bound[i]))
                throw new AssertionError(what + "[" + i + "]: " + actual[i] + ", the CPU gives " + expected[i] + " (tolerance " + bound[i] + ")");
    }

    private static double[] constant(int n, double v) {
        double[] b = new double[n];
        java.util.Arrays.fill(b, v);
        return b;
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"197,192,576", "65,128,130", "3,768,7"})
    void linear(int m, int k, int n) {
        float[] x = uniform(m * k, 2f), w = uniform(n * k, 0.2f), b = uniform(n, 1f);
        Pair xt = both(x, m, k), wt = both(w, n, k), bt = both(b, n);
        float[] expected = cpu.toHost(cpu.linear(xt.c, wt.c, bt.c)), actual = gpu.toHost(gpu.linear(xt.g, wt.g, bt.g));
        // Two fp32 dot products of K terms in different orders differ by at most 2 K u sum|x w| (u = 2^-24; Higham's gamma_K).
        double[] bound = new double[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++) {
                double s = Math.abs(b[j]);
                for (int c = 0; c < k; c++) s += Math.abs((double) x[r * k + c] * w[j * k + c]);
                bound[r * n + j] = 2.0 * (k + 1) * 0x1p-24 * s;
            }
        assertWithin("linear", expected, actual, bound);
    }

    @Test
    void layerNormGeluResidualSelect() {
        int m = 197, d = 192;
        float[] x = uniform(m * d, 3f), g = uniform(d, 1.5f), b = uniform(d, 0.5f), y = uniform(m * d, 1f);
        Pair xt = both(x, m, d), gt = both(g, d), bt = both(b, d), yt = both(y, m, d);
        assertBitIdentical("layerNorm", cpu.toHost(cpu.layerNorm(xt.c, gt.c, bt.c, 1e-6f)), gpu.toHost(gpu.layerNorm(xt.g, gt.g, bt.g, 1e-6f)));
        Pair odd = both(uniform(9 * 195, 5f), 9, 195), og = both(uniform(195, 1f), 195), ob = both(uniform(195, 1f), 195); // a width past a multiple of 4
        assertBitIdentical("layerNorm, D = 195", cpu.toHost(cpu.layerNorm(odd.c, og.c, ob.c, 1e-5f)), gpu.toHost(gpu.layerNorm(odd.g, og.g, ob.g, 1e-5f)));
        y[0] = -12f; // erfc's asymptotic branch
        y[1] = 7f;
        yt = both(y, m, d);
        cpu.geluInPlace(yt.c);
        gpu.geluInPlace(yt.g);
        assertBitIdentical("gelu", cpu.toHost(yt.c), gpu.toHost(yt.g));
        cpu.addInPlace(xt.c, yt.c, gt.c);
        gpu.addInPlace(xt.g, yt.g, gt.g);
        assertBitIdentical("addInPlace", cpu.toHost(xt.c), gpu.toHost(xt.g));
        Pair plain = both(x, m, d), other = both(y, m, d);
        cpu.addInPlace(plain.c, other.c, null);
        gpu.addInPlace(plain.g, other.g, null);
        assertBitIdentical("addInPlace without LayerScale", cpu.toHost(plain.c), gpu.toHost(plain.g));
        assertBitIdentical("selectToken", cpu.toHost(cpu.selectToken(plain.c, 1, m, 5)), gpu.toHost(gpu.selectToken(plain.g, 1, m, 5)));
    }



    @ParameterizedTest(name = "patch {0}, prefix {1}, pos covers prefix {2}")
    @CsvSource({"8,1,true", "16,2,true", "8,1,false"})
    void patchRowsAndTokens(int patch, int prefix, boolean posCoversPrefix) {
        int b = 3, c = 3, s = 32, d = 64, p = (s / patch) * (s / patch);
        float[] img = uniform(b * c * s * s, 2f);
        Pair it = both(img, b, c, s, s);
        Tensor rowsC = cpu.patchRows(it.c, patch), rowsG = gpu.patchRows(it.g, patch);
        assertBitIdentical("patchRows", cpu.toHost(rowsC), gpu.toHost(rowsG));
        float[] patches = uniform(b * p * d, 1f), pos = uniform((p + (posCoversPrefix ? prefix : 0)) * d, 1f);
        Pair pt = both(patches, b * p, d), post = both(pos, 1, p + (posCoversPrefix ? prefix : 0), d);
        Pair cls = both(uniform(d, 1f), 1, 1, d), dist = both(uniform(d, 1f), 1, 1, d);
        List<Tensor> pc = prefix == 1 ? List.of(cls.c) : List.of(cls.c, dist.c), pg = prefix == 1 ? List.of(cls.g) : List.of(cls.g, dist.g);
        assertBitIdentical("assembleTokens", cpu.toHost(cpu.assembleTokens(pt.c, b, pc, post.c, posCoversPrefix)),
                gpu.toHost(gpu.assembleTokens(pt.g, b, pg, post.g, posCoversPrefix)));
    }

    @ParameterizedTest(name = "batch {0}, tokens {1}, heads {2}, dim {3}")
    @CsvSource({"2,65,4,128", "1,197,3,192"})
    void attention(int batch, int tokens, int heads, int dim) {
        float[] qkv = uniform(batch * tokens * 3 * dim, 2f);
        Pair t = both(qkv, batch * tokens, 3 * dim);
        float scale = (float) (1 / Math.sqrt(dim / heads));
        // outputs are convex combinations of V (|v| <= 2); scores, exp and sums in other orders and exp through ex2.approx: 2e-5 absolute
        assertWithin("attention", cpu.toHost(cpu.attention(t.c, batch, tokens, heads, scale)), gpu.toHost(gpu.attention(t.g, batch, tokens, heads, scale)),
                constant(batch * tokens * dim, 2e-5));
    }

    @ParameterizedTest(name = "{0}x{1} at {2} bits, divisors {3}, rotate {4}, per row {5}")
    @CsvSource({"197,192,4,true,true,true", "65,128,8,false,false,true", "37,768,4,false,true,true", "11,96,8,true,false,false", "197,64,6,false,false,true"})
    void quantizeRowsIsBitIdentical(int m, int k, int bits, boolean divide, boolean rotate, boolean perRow) {
        float[] x = uniform(m * k, 4f);
        x[rnd.nextInt(x.length)] = 60f; // an outlier, as ViT tokens have
        float[] divisors = new float[k];
        for (int i = 0; i < k; i++) divisors[i] = 0.25f + rnd.nextFloat() * 4;
        QuantFormat f = QuantFormat.asymmetric(bits);
        Pair xt = both(x, m, k), dt = both(divisors, k);
        RowQuantization rc = new RowQuantization(f, divide ? dt.c : null, rotate, perRow, 0.07f, 5),
                rg = new RowQuantization(f, divide ? dt.g : null, rotate, perRow, 0.07f, 5);
        try (QuantizedRows qc = cpu.quantizeRows(xt.c, rc); QuantizedRows qg = gpu.quantizeRows(xt.g, rg)) {
            assertEquals(qc.codes().type(), qg.codes().type());
            assertArrayEquals(cpu.toHostInts(qc.codes()), gpu.toHostInts(qg.codes()), "codes");
            assertBitIdentical("scales", cpu.toHost(qc.scales()), gpu.toHost(qg.scales()));
            assertArrayEquals(cpu.toHostInts(qc.zeroPoints()), gpu.toHostInts(qg.zeroPoints()), "zero points");
        }
    }

    /**
     * LayerNorm fused with the row quantization: the CPU twin gives the unfused pair's bits (layerNorm,
     * then quantizeRows), and the kernel the twin's; widths past a multiple of 4 (the partial sums' tail)
     * and 2 (odd K at 8 bits), fixed and per-row ranges.
     */
    @ParameterizedTest(name = "{0}x{1} at {2} bits, divisors {3}, rotate {4}, per row {5}")
    @CsvSource({"197,192,4,true,true,true", "65,128,8,false,false,true", "37,195,8,true,false,false", "11,768,4,false,true,true", "3,198,6,false,true,false"})
    void layerNormQuantizeRowsIsBitIdentical(int m, int k, int bits, boolean divide, boolean rotate, boolean perRow) {
        float[] x = uniform(m * k, 4f), g = uniform(k, 1.5f), b = uniform(k, 0.5f), divisors = new float[k];
        x[rnd.nextInt(x.length)] = 60f;
        for (int i = 0; i < k; i++) divisors[i] = 0.25f + rnd.nextFloat() * 4;
        QuantFormat f = QuantFormat.asymmetric(bits);
        Pair xt = both(x, m, k), gt = both(g, k), bt = both(b, k), dt = both(divisors, k);
        RowQuantization rc = new RowQuantization(f, divide ? dt.c : null, rotate, perRow, 0.07f, 5),
                rg = new RowQuantization(f, divide ? dt.g : null, rotate, perRow, 0.07f, 5);
        try (Tensor normed = cpu.layerNorm(xt.c, gt.c, bt.c, 1e-6f); QuantizedRows pair = cpu.quantizeRows(normed, rc);
             QuantizedRows qc = cpu.layerNormQuantizeRows(xt.c, gt.c, bt.c, 1e-6f, rc);
             QuantizedRows qg = gpu.layerNormQuantizeRows(xt.g, gt.g, bt.g, 1e-6f, rg)) {
            int[] codes = cpu.toHostInts(pair.codes());
            assertArrayEquals(codes, cpu.toHostInts(qc.codes()), "the twin's codes against layerNorm then quantizeRows");
            assertBitIdentical("the twin's scales", cpu.toHost(pair.scales()), cpu.toHost(qc.scales()));
            assertArrayEquals(cpu.toHostInts(pair.zeroPoints()), cpu.toHostInts(qc.zeroPoints()), "the twin's zero points");
            assertEquals(qc.codes().type(), qg.codes().type());
            assertArrayEquals(codes, gpu.toHostInts(qg.codes()), "codes");
            assertBitIdentical("scales", cpu.toHost(qc.scales()), gpu.toHost(qg.scales()));
            assertArrayEquals(cpu.toHostInts(qc.zeroPoints()), gpu.toHostInts(qg.zeroPoints()), "zero points");
        }
    }

    @Test
    void layerNormQuantizeRowsReportsInfinity() {
        float[] x = uniform(4 * 32, 1f);
        x[70] = Float.POSITIVE_INFINITY;
        Tensor g = gpu.fromHost(uniform(32, 1f), 32), b = gpu.fromHost(uniform(32, 1f), 32);
        try (Tensor t = gpu.fromHost(x, 4, 32);
             QuantizedRows q = gpu.layerNormQuantizeRows(t, g, b, 1e-6f, RowQuantization.perRow(QuantFormat.asymmetric(8), null, false))) {
            QvitException e = assertThrows(QvitException.class, () -> gpu.toHost(q.scales()));
            assertTrue(e.getMessage().contains("NaN or infinite"), e.getMessage());
        }
    }

    @Test
    void quantizeRowsReportsNaN() {
        float[] x = uniform(4 * 32, 1f);
        x[70] = Float.NaN;
        try (Tensor t = gpu.fromHost(x, 4, 32); QuantizedRows q = gpu.quantizeRows(t, RowQuantization.perRow(QuantFormat.asymmetric(8), null, false))) {
            QvitException e = assertThrows(QvitException.class, () -> gpu.toHost(q.scales()));
            assertTrue(e.getMessage().contains("NaN or infinite"), e.getMessage());
            gpu.toHost(q.scales()); // reported once, then cleared
        }
    }

    /** Every width pair and epilogue: the sums are exact and the epilogue's fp32 steps are the CPU's, so outputs are bit-identical. */
    @ParameterizedTest(name = "{0}x{1}x{2}, a{3} w{4}, gelu {5}, residual {6}")
    @CsvSource({"197,130,192,4,4,false,false", "65,128,384,8,8,false,true", "70,50,64,8,4,false,false", "33,96,96,4,8,true,false",
            "197,192,768,4,4,false,true", "5,1000,192,8,8,false,false"})
    void integerLinearIsBitIdentical(int m, int n, int k, int bitsA, int bitsW, boolean gelu, boolean residual) {
        float[] x = uniform(m * k, 3f), wv = uniform(n * k, 0.1f), bias = uniform(n, 1f), gamma = uniform(n, 1f), res = uniform(m * n, 2f);
        QuantFormat fa = QuantFormat.asymmetric(bitsA), fw = QuantFormat.symmetric(bitsW);
        QuantParams pw = QuantParams.minMax("w", wv, n, fw, Granularity.PER_CHANNEL);
        PackedCodes wCodes = PackedCodes.pack(new UniformQuantizer(pw).quantize("w", wv), n, k, fw);
        Pair xt = both(x, m, k), bt = both(bias, n), gt = both(gamma, n), rt = both(res, m, n);
        try (QuantizedWeights wc = cpu.uploadWeights(wCodes, pw); QuantizedWeights wg = gpu.uploadWeights(wCodes, pw);
             QuantizedRows ac = cpu.quantizeRows(xt.c, RowQuantization.perRow(fa, null, false));
             QuantizedRows ag = gpu.quantizeRows(xt.g, RowQuantization.perRow(fa, null, false))) {
            Tensor yc = cpu.integerLinear(ac, wc, new Backend.Epilogue(bt.c, gelu, residual ? rt.c : null, residual ? gt.c : null));
            Tensor yg = gpu.integerLinear(ag, wg, new Backend.Epilogue(bt.g, gelu, residual ? rt.g : null, residual ? gt.g : null));
            if (residual) {
                assertNull(yg);
                assertBitIdentical("residual", cpu.toHost(rt.c), gpu.toHost(rt.g));
            } else {
                assertBitIdentical("integerLinear" + (gelu ? " + GELU" : ""), cpu.toHost(yc), gpu.toHost(yg));
            }
        }
    }

    /**
     * Quantized attention at 4 and 8 bits: Q and K codes, int32 scores and every fp32 step are the CPU's;
     * only exp is a different double implementation (CUDA's against Java's, both within an ulp of
     * double), which could move a float probability, and with it a code, at a rounding boundary. So:
     * outputs bit-identical in every element here; a GPU run measures how often they are not.
     */
    @ParameterizedTest(name = "batch {0}, tokens {1}, heads {2}, dim {3}, {4} bits")
    @CsvSource({"2,65,4,128,4", "1,197,3,192,8", "2,17,2,64,4", "1,33,2,96,8", "1,40,1,128,4"}) // head dims 32, 64, 32, 48 (half an mma k-step), 128
    void quantizedAttentionIsBitIdentical(int batch, int tokens, int heads, int dim, int bits) {
        float[] qkv = uniform(batch * tokens * 3 * dim, 2f);
        Pair t = both(qkv, batch * tokens, 3 * dim);
        QuantFormat f = QuantFormat.asymmetric(bits);
        AttentionQuantization q = new AttentionQuantization(f, f, 4f / ((1 << bits) - 1), (1 << bits) / 2, bits);
        assertBitIdentical("quantizedAttention", cpu.toHost(cpu.quantizedAttention(t.c, batch, tokens, heads, q)),
                gpu.toHost(gpu.quantizedAttention(t.g, batch, tokens, heads, q)));
    }
}
