package io.qvit.backend.cpu;

import io.qvit.backend.QuantizedRows;
import io.qvit.quant.QuantRules;

/**
 * CPU twin of {@link io.qvit.backend.Backend#integerLinear}: the zero-point-corrected sums taken by
 * the float GEMM on codes held as floats: the weights' centred and packed into panels at upload,
 * the inputs' centred by {@link RowQuantizer} ({@link CentredRows}). The
 * codes are small integers, and an fp32 sum of integers is exact while every partial sum stays
 * within 2^24 in magnitude, which {@code sum_k |qa - za| * max |qw - zw|} bounds in any summation
 * order. A row past that bound (possible with 8-bit inputs and weights and a wide K) is summed again
 * in double, also exact. So the sums equal {@link io.qvit.quant.IntGemm}'s int32 sums bit for bit.
 */
final class IntegerLinear {
    private static final double EXACT = 0x1p24;

    /** One call's operands, checked by the backend. */
    record Operands(int m, int n, int k, CentredRows a, float[] sa,
                    PackedWeights panels, float maxAbsW, float[] sw,
                    float[] bias, boolean gelu, float[] residual, float[] gamma) {}

    private final Gemm gemm;
    private final Kernels kernels;
    /** Each thread's outputs: fresh arrays of this size cost page faults on every call. */
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[1][0]);

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
        float[][] sc = scratch.get();
        if (sc[0].length < rows * n) sc[0] = new float[rows * n];
        float[] a = op.a().values(), v = sc[0];
        java.util.Arrays.fill(v, 0, rows * n, 0f);
        gemm.multiplyAdd(a, from * k, k, rows, op.panels(), v, 0, n);
        float[] sw = op.sw(), bias = op.bias() == null ? zeros(n) : op.bias();
        for (int r = 0; r < rows; r++) {
            float sa = op.sa()[from + r];
            int o = r * n;
            if ((double) op.a().magnitudes()[from + r] * op.maxAbsW() >= EXACT) {
                for (int j = 0; j < n; j++) v[o + j] = QuantRules.epilogue(doubleSum(a, (from + r) * k, op.panels(), j), sa, sw[j], bias[j]);
            } else { // v holds the exact integer sums: (float) acc is v itself; the epilogue's steps in its order
                kernels.epilogueRow(v, o, n, sa, sw, bias);
            }
        }
        if (op.gelu()) kernels.gelu(v, 0, rows * n);
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

    private static float[] zeros(int n) {
        return new float[n];
    }

    /** Row a's sum with weight row j, read from its GEMM panels: products below 2^16, sums far below 2^53, exact in double. */
    private static int doubleSum(float[] a, int aOff, PackedWeights w, int j) {
        int panel = j / w.nr, col = j % w.nr;
        double s = 0;
        for (int c = 0; c < w.k; c++) s += (double) a[aOff + c] * w.data[w.offset(panel, c) + col];
        return (int) s;
    }
}
