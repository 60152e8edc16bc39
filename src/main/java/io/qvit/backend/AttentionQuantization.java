package io.qvit.backend;

import io.qvit.quant.QuantFormat;

/**
 * The precision of the attention core's operands for {@link Backend#quantizedAttention}; a null
 * format leaves that operand in fp32.
 *
 * @param qk         Q and K: asymmetric codes, each row (image, head, token) at its own min-max
 *                   range, or, where {@code qScale} (and {@code kScale}) is finite, all rows at that
 *                   calibrated scale and zero point
 * @param v          V: codes with one calibrated {@code vScale} and {@code vZeroPoint}
 * @param probBits   the probabilities' bits, 0 for fp32
 * @param probCodes  how the probabilities are coded ({@link ProbabilityCodes})
 * @param probScale  the calibrated scale of {@link ProbabilityCodes#LOG2_CALIBRATED} and
 *                   {@link ProbabilityCodes#UNIFORM_CALIBRATED}; NaN for {@link ProbabilityCodes#LOG2_ROW_MAX}
 */
public record AttentionQuantization(QuantFormat qk, float qScale, int qZeroPoint, float kScale, int kZeroPoint,
                                    QuantFormat v, float vScale, int vZeroPoint,
                                    int probBits, ProbabilityCodes probCodes, float probScale) {
    /** Every operand in fp32: the quantized attention's arithmetic with nothing rounded to codes. */
    public static final AttentionQuantization FLOAT = new AttentionQuantization(null, null, Float.NaN, 0, 0);

    public AttentionQuantization {
        if (probBits != 0 && (probBits < 2 || probBits > 8)) throw new IllegalArgumentException("probability bits must be 2 to 8, or 0 for fp32, got " + probBits);
        if (Float.isFinite(qScale) != Float.isFinite(kScale)) throw new IllegalArgumentException("Q and K are both per row or both calibrated");
        if (probBits != 0 && (probCodes == ProbabilityCodes.LOG2_ROW_MAX) == Float.isFinite(probScale))
            throw new IllegalArgumentException(probCodes + " probabilities " + (Float.isFinite(probScale) ? "take no" : "need a") + " calibrated scale");
    }

    /** Q and K per row, probabilities log-sqrt(2) at each row's maximum. */
    public AttentionQuantization(QuantFormat qk, QuantFormat v, float vScale, int vZeroPoint, int probBits) {
        this(qk, Float.NaN, 0, Float.NaN, 0, v, vScale, vZeroPoint, probBits, ProbabilityCodes.LOG2_ROW_MAX, Float.NaN);
    }

    /** Whether Q and K are quantized at each row's own range (not at calibrated ones). */
    public boolean qkPerRow() {
        return !Float.isFinite(qScale);
    }
}
