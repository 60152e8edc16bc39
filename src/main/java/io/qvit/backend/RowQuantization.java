package io.qvit.backend;

import io.qvit.quant.QuantFormat;

/**
 * How {@link Backend#quantizeRows} turns float rows {@code [rows, K]} into codes, in this order:
 * divide column c by {@code divisors[c]} (SmoothQuant's migration; fp32 division), rotate each row
 * by the block Walsh-Hadamard matrix of {@link io.qvit.quant.reparam.HadamardRotation} (blocks of
 * the largest power of two dividing K), then quantize each row to {@code format} with either the
 * row's own min-max range or one fixed scale and zero point
 * ({@link io.qvit.quant.QuantRules#scale}, {@link io.qvit.quant.QuantRules#zeroPoint},
 * {@link io.qvit.quant.QuantRules#quantize}).
 *
 * @param divisors  F32 {@code [K]}, or null for none; owned by the caller
 * @param rotate    whether rows are rotated after the division
 * @param perRow    each row its own min-max range; else {@code scale} and {@code zeroPoint} for all
 */
public record RowQuantization(QuantFormat format, Tensor divisors, boolean rotate, boolean perRow, float scale, int zeroPoint) {
    /** Each row at its own min-max range, after the optional division and rotation. */
    public static RowQuantization perRow(QuantFormat format, Tensor divisors, boolean rotate) {
        return new RowQuantization(format, divisors, rotate, true, Float.NaN, 0);
    }

    /** Every row with one calibrated scale and zero point, no transform. */
    public static RowQuantization fixed(QuantFormat format, float scale, int zeroPoint) {
        return new RowQuantization(format, null, false, false, scale, zeroPoint);
    }
}
