package io.qvit.backend.cpu;

/**
 * One row of torch.nn.LayerNorm (biased variance). Mean and variance are summed in double, two passes,
 * with four interleaved partial sums: one running sum is bound by the add latency, not by the data.
 * The normalisation itself is float, as torch's, and C2 vectorises it.
 */
final class LayerNorm {
    private LayerNorm() {}

    /** Normalises {@code x[off, off + d)} into {@code out[outOff, outOff + d)}. */
    static void row(float[] x, int off, int d, float[] gamma, float[] beta, float eps, float[] out, int outOff) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= d; j += 4) {
            s0 += x[off + j];
            s1 += x[off + j + 1];
            s2 += x[off + j + 2];
            s3 += x[off + j + 3];
        }
        for (; j < d; j++) s0 += x[off + j];
        double mean = ((s0 + s1) + (s2 + s3)) / d;
        s0 = s1 = s2 = s3 = 0;
        for (j = 0; j + 4 <= d; j += 4) {
            double c0 = x[off + j] - mean, c1 = x[off + j + 1] - mean, c2 = x[off + j + 2] - mean, c3 = x[off + j + 3] - mean;
            s0 += c0 * c0;
            s1 += c1 * c1;
            s2 += c2 * c2;
            s3 += c3 * c3;
        }
        for (; j < d; j++) {
            double c = x[off + j] - mean;
            s0 += c * c;
        }
        float m = (float) mean, rstd = (float) (1 / Math.sqrt(((s0 + s1) + (s2 + s3)) / d + eps));
        for (j = 0; j < d; j++) out[outOff + j] = (x[off + j] - m) * rstd * gamma[j] + beta[j];
    }
}
