package io.qvit.quant.model;

import io.qvit.quant.Granularity;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;

/**
 * Every activation the quantized model quantizes, in one place. All are asymmetric uniform codes
 * except {@link #PROBS} (coded as the method says: {@link QuantMethod#probabilityCodes}). Which sites
 * have one calibrated range and which are ranged per row at run time is the method's choice
 * ({@link QuantMethod#dynamic}); what follows is qvit's. The patch input and V have one calibrated
 * range each (static). Every other uniform site is dynamic: quantized per token (per
 * row) with each row's own min-max range, computed as it is produced. A few tokens of ViTs carry values 50
 * to 100 times the rest, and one static range would leave every other token a handful of codes at
 * 4 bits. A per-row scale keeps the integer products exact: it multiplies whole rows of the output
 * (for Q·K^T, an outer product of Q's and K's row scales). V keeps one scale, since P·V sums over
 * its rows. LayerNorm, softmax, GELU, residual additions and the position embedding stay in fp32.
 * Weights: {@link WeightLayer}.
 */
public enum Site {
    /** The normalised image, input of the patch embedding: {@link QuantConfig#PATCH_INPUT_BITS}. */
    PATCH_INPUT,
    /** norm1's output, input of attn.qkv. */
    QKV_INPUT,
    Q,
    K,
    V,
    /** softmax(Q·K^T · scale), the left operand of P·V. */
    PROBS,
    /** The heads' concatenated output, input of attn.proj. */
    PROJ_INPUT,
    /** norm2's output, input of mlp.fc1. */
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

    /** Quantized per row with the row's own range at run time under {@code c}'s method ({@link QuantMethod#dynamic}). */
    public boolean dynamic(QuantConfig c) {
        return c.method().dynamic(this);
    }

    /** A uniform dynamic site's params for rows {@code [x.length / cols, cols]}: each row's own min-max range. */
    QuantParams rowParams(String tensor, float[] x, int cols, QuantConfig c) {
        return QuantParams.minMax(tensor, x, x.length / cols, format(c), Granularity.PER_TOKEN);
    }

    /** A LayerNorm's output: its input transform's divisors are folded into the LayerNorm. */
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
