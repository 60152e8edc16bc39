package io.qvit.quant.model;

import java.util.stream.IntStream;

/**
 * The attention core {@code softmax(Q·K^T · scale) · V} of a batch, with Q, K, V and the
 * probabilities P passed through an {@link ActivationHook} before they are multiplied. Plain
 * scalar float loops, parallel over image × head: the reference for the quantized attention,
 * correctness before speed. Q, K and V are hooked head-major, {@code [batch, heads, tokens, headDim]},
 * which per-tensor quantization does not mind.
 */
final class HookedAttention {
    private final int batch, tokens, heads, dim, headDim;
    private final float scale;

    HookedAttention(int batch, int tokens, int heads, int dim) {
        this.batch = batch;
        this.tokens = tokens;
        this.heads = heads;
        this.dim = dim;
        this.headDim = dim / heads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** qkv {@code [batch * tokens, 3 * dim]} as timm lays it out; returns {@code [batch * tokens, dim]}. */
    float[] run(float[] qkv, ActivationHook hook, int block) {
        float[] q = hook.apply(new ActivationKey(block, Site.Q), split(qkv, 0), headDim);
        float[] k = hook.apply(new ActivationKey(block, Site.K), split(qkv, 1), headDim);
        float[] v = hook.apply(new ActivationKey(block, Site.V), split(qkv, 2), headDim);
        float[] p = new float[batch * heads * tokens * tokens];
        IntStream.range(0, batch * heads).parallel().forEach(bh -> probabilities(q, k, p, bh));
        float[] hooked = hook.apply(new ActivationKey(block, Site.PROBS), p, tokens);
        float[] out = new float[batch * tokens * dim];
        IntStream.range(0, batch * heads).parallel().forEach(bh -> weightedValues(hooked, v, out, bh));
        return out;
    }

    /** Part {@code which} (0 = Q, 1 = K, 2 = V) of qkv, head-major. */
    float[] split(float[] qkv, int which) {
        float[] out = new float[batch * tokens * dim];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < tokens; t++)
                for (int h = 0; h < heads; h++)
                    System.arraycopy(qkv, (b * tokens + t) * 3 * dim + which * dim + h * headDim,
                            out, ((b * heads + h) * tokens + t) * headDim, headDim);
        return out;
    }

    private void probabilities(float[] q, float[] k, float[] p, int bh) {
        int base = bh * tokens * headDim, rowBase = bh * tokens * tokens;
        for (int i = 0; i < tokens; i++) {
            int row = rowBase + i * tokens;
            for (int j = 0; j < tokens; j++) p[row + j] = dot(q, base + i * headDim, k, base + j * headDim) * scale;
            softmaxRow(p, row, tokens);
        }
    }

    /** p[row .. row + n) = softmax of the scores there, minus their max first, summed in double. */
    static void softmaxRow(float[] p, int row, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, p[row + j]);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(p[row + j] - max);
            p[row + j] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < n; j++) p[row + j] *= inv;
    }

    /** out's head bh columns += P · V for every token of that image and head. */
    void weightedValues(float[] p, float[] v, float[] out, int bh) {
        int b = bh / heads, h = bh % heads, vBase = bh * tokens * headDim, rowBase = bh * tokens * tokens;
        for (int i = 0; i < tokens; i++) {
            int o = (b * tokens + i) * dim + h * headDim;
            for (int j = 0; j < tokens; j++) {
                float w = p[rowBase + i * tokens + j];
                if (w == 0f) continue; // the log2 quantizer's top code: many probabilities are exactly 0
                int vj = vBase + j * headDim;
                for (int c = 0; c < headDim; c++) out[o + c] += w * v[vj + c];
            }
        }
    }

    private float dot(float[] a, int ia, float[] b, int ib) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0; // four sums: one would be bound by the add latency
        int c = 0;
        for (; c + 4 <= headDim; c += 4) {
            s0 += a[ia + c] * b[ib + c];
            s1 += a[ia + c + 1] * b[ib + c + 1];
            s2 += a[ia + c + 2] * b[ib + c + 2];
            s3 += a[ia + c + 3] * b[ib + c + 3];
        }
        for (; c < headDim; c++) s0 += a[ia + c] * b[ib + c];
        return (s0 + s1) + (s2 + s3);
    }
}
