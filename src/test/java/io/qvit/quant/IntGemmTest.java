package io.qvit.quant;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntGemmTest {
    private static final int[][] SHAPES = {{1, 1, 1}, {7, 5, 33}, {3, 4, 7}, {197, 192, 192}, {200, 576, 192}};

    /** A quantized operand: its float values, params, codes as ints and packed. */
    private record Operand(float[] x, QuantParams params, int[] codes, PackedCodes packed) {
        static Operand of(String name, float[] x, int rows, int k, QuantFormat f, Granularity g) {
            QuantParams p = QuantParams.minMax(name, x, rows, f, g);
            int[] codes = new UniformQuantizer(p).quantize(name, x);
            return new Operand(x, p, codes, PackedCodes.pack(codes, rows, k, f));
        }

        float[] fakeQuant() {
            return new UniformQuantizer(params).dequantize(codes);
        }
    }

    /**
     * W4A8, W4A4, W8A8, W8A4 and a random pair of widths at every shape, and every pair of widths
     * 2..8 at a small odd-K shape; the case number picks both signednesses and both granularities
     * (per-tensor or per-token activations, per-tensor or per-channel weights), so all 16
     * combinations occur. The int32 sums equal a long-precision reference bit for bit, and the
     * float output agrees with fakeQuant(x) fakeQuant(W)^T + b computed in double to
     * {@code 8 * 2^-24 * (sum_k |a_k w_k| + |b|)}: both sides round the same exact value a few times
     * at fp32 precision (the dequantized operands once each, the epilogue's int-to-float
     * conversion, two multiplies and an add), so the bound leaves a margin of about 2 and hides no
     * quantization error (a 2e-6 relative slip in the epilogue fails it).
     */
    @Test
    void integerPathIsExactAndMatchesFakeQuant() {
        SplittableRandom rnd = TestRandom.random("intgemm");
        int c = 0;
        for (int[] shape : SHAPES) {
            int[][] widths = {{8, 4}, {4, 4}, {8, 8}, {4, 8}, {2 + rnd.nextInt(7), 2 + rnd.nextInt(7)}};
            for (int[] bits : widths) check(rnd, shape[0], shape[1], shape[2], bits[0], bits[1], c++);
        }
        for (int ba = 2; ba <= 8; ba++) {
            for (int bw = 2; bw <= 8; bw++) check(rnd, 7, 5, 33, ba, bw, c++);
        }
    }

    private static void check(SplittableRandom rnd, int m, int n, int k, int bitsA, int bitsW, int c) {
        QuantFormat fa = new QuantFormat(bitsA, (c & 1) != 0), fw = new QuantFormat(bitsW, (c & 2) != 0);
        Granularity ga = (c & 4) != 0 ? Granularity.PER_TOKEN : Granularity.PER_TENSOR;
        Granularity gw = (c & 8) != 0 ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        String what = "M,N,K=" + m + "," + n + "," + k + " a " + fa + " " + ga + ", w " + fw + " " + gw + seedNote();
        float[] xv = TestRandom.uniform(rnd, m * k, 3f);
        if (!fa.symmetric()) for (int i = 0; i < xv.length; i++) xv[i] += 1.5f; // off-centre, so zero points are not trivial
        Operand a = Operand.of("x", xv, m, k, fa, ga);
        Operand w = Operand.of("w", TestRandom.uniform(rnd, n * k, 0.1f), n, k, fw, gw);
        float[] bias = TestRandom.uniform(rnd, n, 0.5f);

        int[] acc = IntGemm.accumulate(a.packed(), a.params(), w.packed(), w.params());
        float[] y = IntGemm.matmul(a.packed(), a.params(), w.packed(), w.params(), bias);
        float[] xa = a.fakeQuant(), xw = w.fakeQuant();
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long exact = 0;
                double ref = bias[j], mag = Math.abs(bias[j]);
                for (int p = 0; p < k; p++) {
                    exact += (long) (a.codes()[i * k + p] - a.params().zeroPointOfRow(i)) * (w.codes()[j * k + p] - w.params().zeroPointOfRow(j));
                    double t = (double) xa[i * k + p] * xw[j * k + p];
                    ref += t;
                    mag += Math.abs(t);
                }
                double tol = 8 * 0x1p-24 * mag;
                int o = i * n + j;
                if ((acc[o] != exact || !(Math.abs(y[o] - ref) <= tol)) && bad++ < 5) {
                    first.append(String.format("%n  [%d,%d] int %d vs %d, float %.9g vs %.9g (tol %.3g)", i, j, acc[o], exact, y[o], ref, tol));
                }
            }
        }
        if (bad > 0) fail(what + ": " + bad + " of " + m * n + " outputs off" + first);
    }

    @Test
    void rejectsMismatchedShapesAndOverflowingK() {
        QuantFormat f = QuantFormat.asymmetric(8);
        QuantParams one = QuantParams.fromRanges(f, Granularity.PER_TENSOR, new Ranges(new float[] {-1}, new float[] {1}));
        PackedCodes k3 = PackedCodes.pack(new int[3], 1, 3, f), k4 = PackedCodes.pack(new int[4], 1, 4, f);
        assertThrows(IllegalArgumentException.class, () -> IntGemm.accumulate(k3, one, k4, one));
        PackedCodes huge = PackedCodes.pack(new int[40000], 1, 40000, f); // 40000 * 255 * 255 > 2^31
        assertThrows(IllegalArgumentException.class, () -> IntGemm.accumulate(huge, one, huge, one));
        QuantParams perToken = new QuantParams(f, Granularity.PER_TOKEN, new float[] {1, 1}, new int[] {0, 0});
        assertThrows(IllegalArgumentException.class, () -> IntGemm.accumulate(k3, perToken, k3, one));
        assertThrows(IllegalArgumentException.class, () -> IntGemm.matmul(k3, one, k3, one, new float[2]));
    }
}
