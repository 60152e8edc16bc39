package io.qvit.quant.model;

import io.qvit.quant.Log2Quantizer;
import io.qvit.quant.QuantParams;
import io.qvit.quant.QuantRules;
import io.qvit.quant.UniformQuantizer;
import java.util.stream.IntStream;

/**
 * The attention core of the integer path. With Q, K and V quantized: scores are int32 dot products
 * of zero-point-corrected Q and K codes (per row: each image, head and token has its own range),
 * scaled by the two rows' {@code sq·sk} then by {@code 1/sqrt(d)} in fp32;
 * the softmax is fp32; the probabilities become log-sqrt(2) codes at their row's maximum s, whose values
 * ({@link QuantRules#log2Value}: a power of two times s or s/sqrt(2)) weight the
 * zero-point-corrected V codes in an fp32 sum that is scaled by sv once per output. With attention
 * left in float (attention bits 32) the operands are the float Q, K, V, as in the simulation.
 * Same layout and float steps as {@link HookedAttention}.
 */
final class IntegerAttention {
    private final HookedAttention layout;
    private final int batch, tokens, heads, headDim;
    private final float scale;

    IntegerAttention(int batch, int tokens, int heads, int dim) {
        layout = new HookedAttention(batch, tokens, heads, dim);
        this.batch = batch;
        this.tokens = tokens;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    float[] run(float[] qkv, QuantizedModel model, int block) {
        ActivationKey qKey = new ActivationKey(block, Site.Q), kKey = new ActivationKey(block, Site.K),
                vKey = new ActivationKey(block, Site.V), pKey = new ActivationKey(block, Site.PROBS);
        QuantParams pv = model.activationParams().get(vKey);
        float[] q = layout.split(qkv, 0), k = layout.split(qkv, 1), v = layout.split(qkv, 2);
        float[] p = new float[batch * heads * tokens * tokens];
        if (!QuantConfig.isFloat(model.quant().attentionBits())) {
            // Q and K per row (image, head, token), each row with its own range (Site.dynamic)
            QuantParams pq = qKey.site().rowParams(qKey.toString(), q, headDim, model.quant()),
                    pk = kKey.site().rowParams(kKey.toString(), k, headDim, model.quant());
            int[] cq = centred(qKey, pq, q), ck = centred(kKey, pk, k);
            IntStream.range(0, batch * heads).parallel().forEach(bh -> integerScores(cq, pq, ck, pk, p, bh));
        } else {
            IntStream.range(0, batch * heads).parallel().forEach(bh -> floatScores(q, k, p, bh));
        }
        int bits = model.quant().softmaxBits();
        float[] probs = QuantConfig.isFloat(bits) ? p
                : RowChunks.map(p, tokens, part -> Log2Quantizer.fakeQuantRows(pKey.toString(), part, tokens, bits, Log2Quantizer.Base.SQRT_TWO));
        float[] values = v;
        if (pv != null) {
            int[] cv = centred(vKey, pv, v);
            values = new float[cv.length];
            for (int i = 0; i < cv.length; i++) values[i] = cv[i]; // small integers, exact in fp32
        }
        float[] out = new float[batch * tokens * heads * headDim];
        float[] weighted = values;
        IntStream.range(0, batch * heads).parallel().forEach(bh -> layout.weightedValues(probs, weighted, out, bh));
        if (pv != null) {
            float sv = pv.scaleOfRow(0);
            for (int i = 0; i < out.length; i++) out[i] *= sv;
        }
        return out;
    }

    /** Codes minus their row's zero point (one row per group of params, or one for all). */
    private static int[] centred(ActivationKey key, QuantParams params, float[] x) {
        int[] c = new UniformQuantizer(params).quantize(key.toString(), x);
        int size = c.length / params.groups();
        for (int i = 0; i < c.length; i++) c[i] -= params.zeroPoints()[i / size];
        return c;
    }

    private void integerScores(int[] q, QuantParams pq, int[] k, QuantParams pk, float[] p, int bh) {
        int base = bh * tokens * headDim, rowBase = bh * tokens * tokens, firstRow = bh * tokens;
        for (int i = 0; i < tokens; i++) {
            int row = rowBase + i * tokens, qi = base + i * headDim;
            float sq = pq.scaleOfRow(firstRow + i);
            for (int j = 0; j < tokens; j++) {
                int kj = base + j * headDim, acc = 0;
                for (int c = 0; c < headDim; c++) acc += q[qi + c] * k[kj + c];
                p[row + j] = (float) acc * (sq * pk.scaleOfRow(firstRow + j)) * scale;
            }
            HookedAttention.softmaxRow(p, row, tokens);
        }
    }

    private void floatScores(float[] q, float[] k, float[] p, int bh) {
        int base = bh * tokens * headDim, rowBase = bh * tokens * tokens;
        for (int i = 0; i < tokens; i++) {
            int row = rowBase + i * tokens, qi = base + i * headDim;
            for (int j = 0; j < tokens; j++) {
                int kj = base + j * headDim;
                float s = 0;
                for (int c = 0; c < headDim; c++) s += q[qi + c] * k[kj + c];
                p[row + j] = s * scale;
            }
            HookedAttention.softmaxRow(p, row, tokens);
        }
    }
}
