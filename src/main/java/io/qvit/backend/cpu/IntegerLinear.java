package io.qvit.backend.cpu;

import io.qvit.backend.ElementType;
import io.qvit.backend.QuantizedRows;
import io.qvit.quant.QuantRules;

/**
 * CPU twin of {@link io.qvit.backend.Backend#integerLinear}: the zero-point-corrected sums taken by
 * the float GEMM on codes held as floats (the weights' were centred and packed at upload). The
 * codes are small integers, and an fp32 sum of integers is exact while every partial sum stays
 * within 2^24 in magnitude, which {@code sum_k |qa - za| * max |qw - zw|} bounds in any summation
 * order. A row past that bound (possible with 8-bit inputs and weights and a wide K) is summed again
 * in double, also exact. So the sums equal {@link io.qvit.quant.IntGemm}'s int32 sums bit for bit.
 */
final class IntegerLinear {
    private static final double EXACT = 0x1p24;

    /** One call's operands, checked by the backend. */
    record Operands(int m, int n, int k, byte[] a, ElementType aType, float[] sa, int[] za,
                    byte[] w, ElementType wType, PackedWeights panels, float maxAbsW, float[] sw, int[] zw,
                    float[] bias, boolean gelu, float[] residual, float[] gamma) {}

    private final Gemm gemm;
    private final Kernels kernels;

    IntegerLinear(Gemm gemm, Kernels kernels) {
        this.gemm = gemm;
        this.kernels = kernels;
    }

    /**
     * Output rows {@code [from, to)}: into {@code y [m, n]}, or added into the residual, or quantized
     * by {@code requantize} into {@code out}.
     */
    void rows(Operands op, int from, int to, float[] y, RowQuantizer requantize, QuantizedRows out) {
        int rows = to - from, n = op.n(), k = op.k();
        float[] a = new float[rows * k];
        boolean[] inexact = new boolean[rows];
        boolean anyInexact = false;
        for (int r = 0; r < rows; r++) {
            double abs = Codes.centredRow(op.a(), op.aType(), from + r, k, op.za()[from + r], a, r * k);
            inexact[r] = abs * op.maxAbsW() >= EXACT;
            anyInexact |= inexact[r];
        }
        float[] v = new float[rows * n];
        gemm.multiplyAdd(a, 0, k, rows, op.panels(), v, 0, n);
        float[] weights = anyInexact ? centredWeights(op) : null;
        for (int r = 0; r < rows; r++) {
            float sa = op.sa()[from + r];
            for (int j = 0; j < n; j++) {
                int acc = inexact[r] ? doubleSum(a, r * k, weights, j * k, k) : (int) v[r * n + j];
                v[r * n + j] = QuantRules.epilogue(acc, sa, op.sw()[j], op.bias() == null ? 0f : op.bias()[j]);
            }
        }
        if (op.gelu()) kernels.gelu(v, 0, v.length);
        if (requantize != null) {
            requantize.rows(v, from, to, 0, out);
        } else if (op.residual() != null) {
            float[] dst = op.residual(), g = op.gamma();
            for (int r = 0; r < rows; r++) {
                int o = (from + r) * n;
                if (g == null) for (int j = 0; j < n; j++) dst[o + j] += v[r * n + j];
                else for (int j = 0; j < n; j++) dst[o + j] += g[j] * v[r * n + j];
            }
        } else {
            System.arraycopy(v, 0, y, from * n, rows * n);
        }
    }

    /** Products below 2^16, sums far below 2^53: exact in double. */
    private static int doubleSum(float[] a, int aOff, float[] w, int wOff, int k) {
        double s = 0;
        for (int c = 0; c < k; c++) s += (double) a[aOff + c] * w[wOff + c];
        return (int) s;
    }

    private static float[] centredWeights(Operands op) {
        int n = op.n(), k = op.k();
        float[] w = new float[n * k];
        for (int j = 0; j < n; j++) Codes.centredRow(op.w(), op.wType(), j, k, op.zw()[j], w, j * k);
        return w;
    }
}
