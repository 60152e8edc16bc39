package io.qvit.quant.model;

import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cpu.CpuTensor;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;
import java.util.HashMap;
import java.util.Map;

/**
 * The integer path's sums taken by the CPU backend's vectorised float GEMM on codes held as floats:
 * the fake-quant simulation's products (quantize; multiply the codes minus their zero points;
 * dequantize in the epilogue). Those codes are small integers, and an fp32 sum of integers is exact
 * while every partial sum stays within 2^24 in magnitude, which {@code sum_k |qa - za| * max |qw - zw|}
 * bounds in any summation order. A row past that bound (possible with 8-bit inputs and weights and a
 * wide K) is summed again in double, also exact. So the sums equal {@link io.qvit.quant.IntGemm}'s bit
 * for bit, at the float GEMM's speed.
 */
final class FloatCodeProducts implements CodeProducts, AutoCloseable {
    private static final double EXACT = 0x1p24;

    /** A weight's codes minus its zero points, [N, K] as floats, and their largest magnitude. */
    private record FloatCodes(Tensor tensor, float[] values, int n, float maxAbs) {}

    private final CpuBackend backend;
    private final Map<String, FloatCodes> weights = new HashMap<>();

    /** packed: a model's packed weights by timm name ({@link QuantizedModel#packed}). */
    FloatCodeProducts(Map<String, QuantizedModel.PackedWeight> packed, CpuBackend backend) {
        this.backend = backend;
        packed.forEach((name, w) -> {
            PackedCodes c = w.codes();
            int[] q = c.unpack();
            float[] f = new float[q.length];
            float max = 0;
            for (int i = 0; i < q.length; i++) {
                f[i] = q[i] - w.params().zeroPointOfRow(i / c.k());
                max = Math.max(max, Math.abs(f[i]));
            }
            weights.put(name, new FloatCodes(backend.fromHost(f, c.rows(), c.k()), f, c.rows(), max));
        });
    }

    @Override
    public int[] sums(String weight, int[] codes, int rows, int k, QuantParams pa) {
        FloatCodes w = weights.get(weight);
        float[] a = new float[codes.length];
        boolean[] inexact = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            int za = pa.zeroPointOfRow(r);
            double abs = 0;
            for (int c = r * k; c < (r + 1) * k; c++) {
                a[c] = codes[c] - za;
                abs += Math.abs(a[c]);
            }
            inexact[r] = abs * w.maxAbs() >= EXACT;
        }
        float[] y;
        try (Tensor x = backend.fromHost(a, rows, k); Tensor out = backend.linear(x, w.tensor(), null)) {
            y = ((CpuTensor) out).data();
        }
        int n = w.n();
        int[] acc = new int[y.length];
        for (int i = 0; i < y.length; i++) acc[i] = (int) y[i];
        for (int r = 0; r < rows; r++) {
            if (!inexact[r]) continue;
            for (int j = 0; j < n; j++) {
                double s = 0; // products below 2^16, sums far below 2^53: exact
                for (int c = 0; c < k; c++) s += (double) a[r * k + c] * w.values()[j * k + c];
                acc[r * n + j] = (int) s;
            }
        }
        return acc;
    }

    @Override
    public void close() {
        weights.values().forEach(w -> w.tensor().close());
    }
}
