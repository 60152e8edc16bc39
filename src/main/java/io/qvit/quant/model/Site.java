package io.qvit.quant.model;

import io.qvit.quant.QuantFormat;

/**
 * Every activation the quantized model quantizes, in one place. All are asymmetric per-tensor
 * uniform codes except {@link #PROBS} (log-sqrt(2) codes, RepQ-ViT). The post-LayerNorm inputs of
 * qkv and fc1 are calibrated per channel and reparameterised to per-tensor
 * ({@link io.qvit.quant.reparam.LayerNormReparameterizer}), so the forward only sees per-tensor
 * params. LayerNorm, softmax, GELU, residual additions and the position embedding stay in fp32.
 * Weights: {@link WeightLayer}.
 */
public enum Site {
    /** The normalised image, input of the patch embedding: {@link QuantConfig#PATCH_INPUT_BITS}. */
    PATCH_INPUT,
    /** norm1's output, input of attn.qkv (per-channel calibration, reparameterised). */
    QKV_INPUT,
    Q,
    K,
    V,
    /** softmax(Q·K^T · scale), the left operand of P·V. */
    PROBS,
    /** The heads' concatenated output, input of attn.proj. */
    PROJ_INPUT,
    /** norm2's output, input of mlp.fc1 (per-channel calibration, reparameterised). */
    FC1_INPUT,
    /** GELU's output, input of mlp.fc2. */
    FC2_INPUT,
    /** The final norm's class (and distillation) token, input of the head. */
    HEAD_INPUT;

    /** Bits of this site under a config, or {@link QuantConfig#FLOAT}. */
    public int bits(QuantConfig c) {
        return switch (this) {
            case PATCH_INPUT -> QuantConfig.isFloat(c.activationBits()) ? QuantConfig.FLOAT : QuantConfig.PATCH_INPUT_BITS;
            case Q, K, V -> c.attentionBits();
            case PROBS -> c.softmaxBits();
            default -> c.activationBits();
        };
    }

    /** Calibrated per channel, then reparameterised into the LayerNorm before it. */
    public boolean postLayerNorm() {
        return this == QKV_INPUT || this == FC1_INPUT;
    }

    /** The uniform format of a site other than {@link #PROBS}. */
    public QuantFormat format(QuantConfig c) {
        return QuantFormat.asymmetric(bits(c));
    }

    /** True for the sites outside the blocks, which have no block index. */
    public boolean global() {
        return this == PATCH_INPUT || this == HEAD_INPUT;
    }
}
