package io.qvit.quant;

import java.util.stream.IntStream;

/**
 * CPU reference of the quantized linear layer {@code y[M, N] = x[M, K] W[N, K]^T + b} from codes:
 * {@code y[m,n] = sa[m] * sw[n] * sum_k (qa[m,k] - za[m]) (qw[n,k] - zw[n]) + b[n]}. The sum is
 * taken in int32 as {@code sum_k qa*qw}, then corrected with the row sum of qa, the row sum of qw
 * (a column of W^T) and {@code K*za*zw}; the float epilogue follows {@link QuantRules#epilogue}.
 * Activations are per-tensor or per-token, weights per-tensor or per-channel; any widths of 2 to 8
 * bits and either signedness. Rows of the output are independent, so the result does not depend on
 * the thread count.
 */
public final class IntGemm {
    private static final int ROWS = 4;

    private IntGemm() {}

    /** The zero-point-corrected int32 sums [M, N]: exactly {@code sum_k (qa - za)(qw - zw)}. */
    public static int[] accumulate(PackedCodes a, QuantParams pa, PackedCodes w, QuantParams pw) {
        check(a, pa, w, pw);
        int m = a.rows(), n = w.rows(), k = a.k();
        int[] wq = w.unpack(); // a reference, not a kernel: one int per weight code while it runs
        int[] wSum = new int[n];
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < k; c++) wSum[j] += wq[j * k + c];
        }
        int[] acc = new int[m * n];
        // four activation rows per task share each weight row's loads; int sums are exact in any order
        IntStream.range(0, (m + ROWS - 1) / ROWS).parallel().forEach(block -> {
            int first = block * ROWS, rows = Math.min(ROWS, m - first);
            int[][] qa = new int[ROWS][k];
            int[] aSum = new int[ROWS];
            for (int r = 0; r < rows; r++) {
                a.unpackRow(first + r, qa[r]);
                for (int c = 0; c < k; c++) aSum[r] += qa[r][c];
            }
            int[] dots = new int[ROWS]; // rows past m stay zero and are not stored
            for (int j = 0; j < n; j++) {
                IntDots.BEST.dot4(qa[0], qa[1], qa[2], qa[3], wq, j * k, k, dots);
                int zw = pw.zeroPointOfRow(j);
                for (int r = 0; r < rows; r++) {
                    int za = pa.zeroPointOfRow(first + r);
                    acc[(first + r) * n + j] = dots[r] - za * wSum[j] - zw * aSum[r] + k * za * zw;
                }
            }
        });
        return acc;
    }

    /** The float output [M, N]; bias has N entries, or is null for none. */
    public static float[] matmul(PackedCodes a, QuantParams pa, PackedCodes w, QuantParams pw, float[] bias) {
        return epilogue(accumulate(a, pa, w, pw), a.rows(), pa, pw, bias);
    }

    /**
     * The float output [M, N] of zero-point-corrected sums [M, N] ({@link #accumulate}, or sums equal
     * to them): {@link QuantRules#epilogue} per element; bias has N entries, or is null for none.
     */
    public static float[] epilogue(int[] acc, int m, QuantParams pa, QuantParams pw, float[] bias) {
        int n = acc.length / m;
        if (bias != null && bias.length != n) throw new IllegalArgumentException("bias has " + bias.length + " entries for " + n + " outputs");
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            float sa = pa.scaleOfRow(i);
            for (int j = 0; j < n; j++) {
                y[i * n + j] = QuantRules.epilogue(acc[i * n + j], sa, pw.scaleOfRow(j), bias == null ? 0f : bias[j]);
            }
        }
        return y;
    }

    private static void check(PackedCodes a, QuantParams pa, PackedCodes w, QuantParams pw) {
        if (a.k() != w.k()) throw new IllegalArgumentException("activations have K = " + a.k() + ", weights K = " + w.k());
        if (!a.format().equals(pa.format()) || !w.format().equals(pw.format())) throw new IllegalArgumentException("codes and params have different formats");
        if (pa.granularity() == Granularity.PER_CHANNEL || (pa.groups() != 1 && pa.groups() != a.rows())) {
            throw new IllegalArgumentException("activation params must be per-tensor or per-token over " + a.rows() + " rows");
        }
        if (pw.granularity() == Granularity.PER_TOKEN || (pw.groups() != 1 && pw.groups() != w.rows())) {
            throw new IllegalArgumentException("weight params must be per-tensor or per-channel over " + w.rows() + " rows");
        }
        // |qa - za| <= qmax - qmin and likewise for weights, so this bounds the exact sum: it fits int32.
        long bound = (long) a.k() * (pa.format().qmax() - pa.format().qmin()) * (pw.format().qmax() - pw.format().qmin());
        if (bound > Integer.MAX_VALUE) throw new IllegalArgumentException("K = " + a.k() + " could overflow int32 accumulation at these widths");
    }
}
