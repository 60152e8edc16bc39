package io.qvit.model;

import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;

/**
 * A block's attention core, {@code softmax(Q K^T / sqrt(d)) V} of {@code qkv [B*T, 3D]} (timm's
 * layout) to {@code [B*T, D]}, with its precision inside. qkv stays open: it is the caller's.
 */
@FunctionalInterface
public interface AttentionLayer {
    Tensor apply(Tensor qkv, int batch, int tokens, int heads);

    /** The fp32 model's attention ({@link Backend#attention}). */
    static AttentionLayer fp32(Backend backend) {
        return (qkv, batch, tokens, heads) -> {
            int d = qkv.shape()[1] / 3 / heads;
            return backend.attention(qkv, batch, tokens, heads, (float) (1.0 / Math.sqrt(d)));
        };
    }

    /** The quantized attention ({@link Backend#quantizedAttention}) at the given precision. */
    static AttentionLayer quantized(Backend backend, AttentionQuantization quant) {
        return (qkv, batch, tokens, heads) -> backend.quantizedAttention(qkv, batch, tokens, heads, quant);
    }
}
