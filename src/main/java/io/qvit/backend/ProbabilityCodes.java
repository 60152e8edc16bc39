package io.qvit.backend;

/** How {@link Backend#quantizedAttention} codes the post-softmax probabilities of b bits. */
public enum ProbabilityCodes {
    /**
     * Log-sqrt(2) codes at each row's maximum ({@link io.qvit.quant.QuantRules#log2Code}); code
     * {@code 2^b - 1} is 0, so {@code 2^b - 1} non-zero levels.
     */
    LOG2_ROW_MAX,
    /**
     * Log-sqrt(2) codes at one calibrated scale, RepQ-ViT's quantizer: codes 0 to {@code 2^b - 1}
     * are all non-zero levels and a probability below the last rounds to 0, one state beyond b bits
     * (the published fake-quantizer's; log2Code and log2Value with qmax {@code 2^b}).
     */
    LOG2_CALIBRATED,
    /** Uniform codes 0 to {@code 2^b - 1} at one calibrated scale, zero point 0. */
    UNIFORM_CALIBRATED;

    /** The qmax that {@link io.qvit.quant.QuantRules#log2Code} and {@code log2Value} take for b-bit codes. */
    public int log2Qmax(int bits) {
        return this == LOG2_CALIBRATED ? 1 << bits : (1 << bits) - 1;
    }
}
