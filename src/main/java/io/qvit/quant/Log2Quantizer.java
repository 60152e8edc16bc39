package io.qvit.quant;

import io.qvit.QvitException;
import java.util.Arrays;

/**
 * Logarithmic quantization of post-softmax probabilities in [0, 1] (FQ-ViT's log2, RepQ-ViT's
 * log-sqrt(2)): code {@code c = clamp(rint(-log2(p / s)), 0, 2^b - 1)}, or with base sqrt(2)
 * {@code clamp(rint(-2 log2(p / s)), 0, 2^b - 1)}. Code 0 is s, each step down divides by the base,
 * and the top code 2^b - 1 is exactly 0 (probabilities too small to matter), so the smallest
 * non-zero value is {@code s * base^-(2^b - 2)}. Exact rules: {@link QuantRules#log2Code},
 * {@link QuantRules#log2Value}. Codes are unsigned, {@code [0, 2^b - 1]}.
 */
public final class Log2Quantizer {
    public enum Base { TWO, SQRT_TWO }

    private final int bits;
    private final Base base;
    private final float scale;

    public Log2Quantizer(int bits, Base base, float scale) {
        if (bits < 2 || bits > 8) throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        if (!(scale >= QuantRules.MIN_SCALE) || !Float.isFinite(scale)) throw new IllegalArgumentException("scale must be finite and >= 2^-23, got " + scale);
        this.bits = bits;
        this.base = base;
        this.scale = scale;
    }

    public int bits() {
        return bits;
    }

    public Base base() {
        return base;
    }

    public float scale() {
        return scale;
    }

    public int qmax() {
        return (1 << bits) - 1;
    }

    /**
     * Probabilities {@code [rows, cols]} (softmax rows) quantized and dequantized row by row, each
     * row with its own maximum as the scale ({@link #rowScale}), so that a row whose attention is
     * spread thin keeps its small probabilities instead of rounding them to the top code's 0. In a
     * kernel the row's maximum is free: it is {@code 1 / sum(exp(x - max))}, which the softmax
     * computes anyway, and the scale multiplies the row of P·V in the epilogue.
     */
    public static float[] fakeQuantRows(String tensor, float[] p, int cols, int bits, Base base) {
        FiniteValues.require(tensor, p);
        float[] out = new float[p.length];
        for (int from = 0; from < p.length; from += cols) {
            float[] row = Arrays.copyOfRange(p, from, from + cols);
            float[] q = new Log2Quantizer(bits, base, rowScale(row)).fakeQuant(tensor, row);
            System.arraycopy(q, 0, out, from, cols);
        }
        return out;
    }

    /** A row's scale: its largest probability, at least {@link QuantRules#MIN_SCALE} (a row of zeros). */
    public static float rowScale(float[] row) {
        float max = QuantRules.MIN_SCALE;
        for (float v : row) max = Math.max(max, v);
        return max;
    }

    /** Codes of probabilities; negative, NaN or infinite values are an error naming the tensor. */
    public int[] quantize(String tensor, float[] p) {
        FiniteValues.require(tensor, p);
        int[] q = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            if (p[i] < 0f) throw new QvitException("tensor '" + tensor + "' has a negative probability " + p[i] + " at element " + i + "; the log2 quantizer takes softmax outputs in [0, 1]");
            q[i] = QuantRules.log2Code(p[i], scale, base == Base.SQRT_TWO, qmax());
        }
        return q;
    }

    public float[] dequantize(int[] q) {
        float[] p = new float[q.length];
        for (int i = 0; i < q.length; i++) p[i] = QuantRules.log2Value(q[i], scale, base == Base.SQRT_TWO, qmax());
        return p;
    }

    public float[] fakeQuant(String tensor, float[] p) {
        return dequantize(quantize(tensor, p));
    }
}
