package io.qvit.quant.reparam;

import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Rotates every head's Q, K and V by a Walsh-Hadamard matrix H of the head's width, folded into the
 * weights once, with nothing left to compute at run time: {@code (QH)(KH)^T = QK^T}, and
 * {@code P(VH) = (PV)H}, whose H the proj weight's columns undo. The quantizers of Q, K and V then
 * see channels whose outliers are spread over the head (QuaRot's rotation of the attention
 * operands, Ashkboos et al. 2024); the fp32 model computes the same function up to rounding.
 */
public final class AttentionRotation {
    private AttentionRotation() {}

    /** The weights with qkv's output rows and bias rotated per head, and proj's input columns to match. */
    public static ModelWeights apply(VitConfig cfg, ModelWeights weights) {
        int d = cfg.embedDim(), head = d / cfg.numHeads();
        if (Integer.bitCount(head) != 1) return weights; // no Hadamard matrix of that order here: left as it is
        Map<String, float[]> replaced = new HashMap<>();
        for (int b = 0; b < cfg.depth(); b++) {
            String prefix = "blocks." + b + ".attn.";
            ModelWeights.Param qkv = weights.get(prefix + "qkv.weight"), proj = weights.get(prefix + "proj.weight");
            int k = qkv.data().length / (3 * d);
            replaced.put(prefix + "qkv.weight", HadamardRotation.rotateColumns(qkv.data(), 3 * d, k, head)); // its output features
            if (weights.has(prefix + "qkv.bias"))
                replaced.put(prefix + "qkv.bias", HadamardRotation.rotateRows(weights.get(prefix + "qkv.bias").data(), 3 * d, head));
            replaced.put(prefix + "proj.weight", HadamardRotation.rotateRows(proj.data(), d, head));
        }
        return weights.withParams(replaced);
    }
}
