package io.qvit.backend.cpu;

import java.util.Arrays;

/**
 * Softmax attention for one (image, head), on the GEMM: scores {@code S = Q K^T} with K packed
 * straight out of qkv, a row softmax, then {@code P V} with V packed as the weight {@code V^T}.
 * Softmax subtracts the row maximum, takes exp in float and sums in double.
 */
final class Attention {
    private final Gemm gemm;
    private final Kernels kernels;
    // Fresh arrays of this size cost more in page faults than the packing itself (measured: K and V
    // packing 4x slower, the score allocation alone 7 ms per ViT-Tiny layer), so each thread keeps its own.
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] keys = new float[0], values = new float[0], scores = new float[0];
    }

    Attention(Gemm gemm, Kernels kernels) {
        this.gemm = gemm;
        this.kernels = kernels;
    }

    /**
     * Writes head {@code h} of image {@code b} into {@code out[B*T, D]} (which must hold zeros there)
     * from {@code qkv[B*T, 3D]}, laid out as timm's {@code reshape(B, T, 3, heads, D/heads)}.
     */
    void head(float[] qkv, float[] out, int b, int h, int tokens, int dim, int heads, float scale) {
        int hd = dim / heads;
        int ld = 3 * dim;
        int base = b * tokens * ld + h * hd;
        int nr = gemm.nr();
        Scratch sc = scratch.get();
        sc.keys = atLeast(sc.keys, PackedWeights.size(tokens, hd, nr));
        sc.values = atLeast(sc.values, PackedWeights.size(hd, tokens, nr));
        sc.scores = atLeast(sc.scores, tokens * tokens);
        float[] s = sc.scores;
        Arrays.fill(s, 0, tokens * tokens, 0f);
        PackedWeights k = PackedWeights.packInto(sc.keys, qkv, base + dim, ld, 1, tokens, hd, nr);
        gemm.multiplyAdd(qkv, base, ld, tokens, k, s, 0, tokens);
        for (int i = 0; i < tokens; i++) softmaxRow(s, i * tokens, tokens, scale);
        PackedWeights v = PackedWeights.packInto(sc.values, qkv, base + 2 * dim, 1, ld, hd, tokens, nr);
        gemm.multiplyAdd(s, 0, tokens, tokens, v, out, b * tokens * dim + h * hd, dim);
    }

    private void softmaxRow(float[] s, int off, int n, float scale) {
        // scale > 0, so the maximum of the scaled scores is the scaled maximum.
        kernels.expShifted(s, off, n, kernels.max(s, off, n), scale);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0; // four running sums: one is bound by the add latency
        int j = off, end = off + n;
        for (; j + 4 <= end; j += 4) {
            s0 += s[j];
            s1 += s[j + 1];
            s2 += s[j + 2];
            s3 += s[j + 3];
        }
        for (; j < end; j++) s0 += s[j];
        float inv = (float) (1 / ((s0 + s1) + (s2 + s3)));
        for (j = off; j < end; j++) s[j] *= inv;
    }

    private static float[] atLeast(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
