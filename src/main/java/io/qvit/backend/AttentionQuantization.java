package io.qvit.backend;

import io.qvit.quant.QuantFormat;

/**
 * The precision of the attention core's operands for {@link Backend#quantizedAttention}; a null
 * format leaves that operand in fp32.
 *
 * @param qk        Q and K: asymmetric codes, each row (image, head, token) at its own min-max range
 * @param v         V: codes with one calibrated {@code vScale} and {@code vZeroPoint}
 * @param probBits  the probabilities: log-sqrt(2) codes of this many bits, each row scaled by its
 *                  maximum ({@link io.qvit.quant.QuantRules#log2Code}); 0 for fp32
 */
public record AttentionQuantization(QuantFormat qk, QuantFormat v, float vScale, int vZeroPoint, int probBits) {
    /** Every operand in fp32: the quantized attention's arithmetic with nothing rounded to codes. */
    public static final AttentionQuantization FLOAT = new AttentionQuantization(null, null, Float.NaN, 0, 0);

    public AttentionQuantization {
        if (probBits != 0 && (probBits < 2 || probBits > 8)) throw new IllegalArgumentException("probability bits must be 2 to 8, or 0 for fp32, got " + probBits);
    }
}
