package io.qvit.quant;

/**
 * Every rounding, clamping and scale rule of qvit's quantization, in one place: the CUDA kernels
 * copy these lines, so each rule says which fp32 operations it uses and in what order. All float
 * arithmetic here is IEEE fp32 with round-to-nearest-even and no fused multiply-add (in CUDA:
 * {@code __fdiv_rn}, {@code __fmul_rn}, {@code __fadd_rn}, or compile without fast-math and with
 * {@code --fmad=false} for these lines).
 *
 * <ul>
 *   <li>Uniform code: {@code q = clamp(rint(x / s) + z, qmin, qmax)} with {@code x / s} one fp32
 *       division, {@code rint} round-half-to-even, the add and the clamp in fp32 (exact: the rounded
 *       quotient is an integer and {@code |z| <= 255}; a quotient too large to add exactly lies far
 *       outside the code range and clamps the same way), then conversion to int.
 *   <li>Uniform value: {@code x' = (float) (q - z) * s}, one fp32 multiply.
 *   <li>Asymmetric range: the range is first widened to contain 0 (so that 0 is exact and
 *       {@code 0 <= z <= qmax}); {@code s = (hi - lo) / (2^b - 1)}; {@code z = clamp(rint(-lo / s), 0, 2^b - 1)}.
 *   <li>Symmetric range: {@code s = max(|lo|, |hi|) / (2^(b-1) - 1)}, {@code z = 0}, codes in
 *       {@code [-2^(b-1), 2^(b-1) - 1]}.
 *   <li>Scale floor: every scale is at least {@link #MIN_SCALE} (2^-23, PyTorch's choice), so a
 *       range of zero width (all zeros) or a tiny one never divides by zero or by a subnormal.
 *   <li>Log2 codes (post-softmax probabilities, see {@link #log2Code} and {@link #log2Value}).
 *   <li>Integer GEMM epilogue (see {@link #epilogue}).
 * </ul>
 */
public final class QuantRules {
    private QuantRules() {}

    /** The smallest scale any rule produces: 2^-23 (float epsilon, as torch.ao uses). */
    public static final float MIN_SCALE = 0x1p-23f;

    /** {@code clamp(rint(x / s) + z, qmin, qmax)}; x finite, s >= MIN_SCALE. */
    public static int quantize(float x, float scale, int zeroPoint, int qmin, int qmax) {
        float q = (float) Math.rint(x / scale) + zeroPoint;
        return (int) Math.min(Math.max(q, qmin), qmax);
    }

    /** {@code (float) (q - z) * s}. */
    public static float dequantize(int code, float scale, int zeroPoint) {
        return (float) (code - zeroPoint) * scale;
    }

    /**
     * Scale for a range, per the format's signedness; {@code lo <= hi}, both finite. An asymmetric range
     * wider than Float.MAX_VALUE (its width overflows) is rejected rather than given an infinite scale.
     */
    public static float scale(QuantFormat format, float lo, float hi) {
        float s = format.symmetric()
                ? Math.max(Math.abs(lo), Math.abs(hi)) / format.qmax()
                : (Math.max(hi, 0f) - Math.min(lo, 0f)) / format.qmax();
        if (!Float.isFinite(s)) throw new IllegalArgumentException("range [" + lo + ", " + hi + "] is too wide for a float scale");
        return Math.max(s, MIN_SCALE);
    }

    /** Zero point for a range and its {@link #scale}: 0 when symmetric, else {@code clamp(rint(-min(lo,0) / s), 0, qmax)}. */
    public static int zeroPoint(QuantFormat format, float lo, float scale) {
        if (format.symmetric()) return 0;
        float z = (float) Math.rint(-Math.min(lo, 0f) / scale);
        return (int) Math.min(Math.max(z, 0f), format.qmax());
    }

    // Log2 thresholds: the smallest fp32 mantissas m in [1, 2) with m >= 2^(1/4), 2^(1/2), 2^(3/4).
    // The thresholds are irrational, so no float equals one and round-half cases never arise.
    public static final float ROOT4_2 = Float.intBitsToFloat(0x3f9837f1);   // 1.1892072f, just above 2^0.25
    static final float SQRT_2 = Float.intBitsToFloat(0x3fb504f4);    // 1.4142137f, just above 2^0.5
    public static final float ROOT4_8 = Float.intBitsToFloat(0x3fd744fd);   // 1.6817929f, just above 2^0.75
    public static final float INV_SQRT_2 = Float.intBitsToFloat(0x3f3504f3); // 0.70710677f, fp32 nearest 2^-0.5

    /**
     * Log2 code of a probability: {@code clamp(rint(-log2(p / s) * steps), 0, qmax)} where steps is
     * 1 for base 2 and 2 for base sqrt(2); p = 0 (or a quotient that underflows) gives qmax.
     * Computed exactly, without a log: {@code r = p / s} (one fp32 division) is split as
     * {@code m * 2^e} with m in [1, 2) (exponent and mantissa bits, subnormals normalised), and
     * {@code rint(steps * log2 r) = steps * e + (number of thresholds m reaches)}, the thresholds
     * being 2^(1/2) for base 2 and 2^(1/4), 2^(3/4) for base sqrt(2) ({@link #SQRT_2} etc.).
     */
    public static int log2Code(float p, float scale, boolean sqrt2Base, int qmax) {
        float r = p / scale;
        if (r >= 1f) return 0;
        if (r == 0f) return qmax;
        int bits = Float.floatToRawIntBits(r), e;
        float m;
        if (bits >>> 23 != 0) { // normal (r is positive): the exponent and mantissa fields
            e = (bits >>> 23) - 127;
            m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F800000);
        } else { // subnormal: normalised in double, exactly
            e = Math.getExponent((double) r);
            m = (float) Math.scalb((double) r, -e);
        }
        int up = sqrt2Base
                ? 2 * e + (m >= ROOT4_8 ? 2 : m >= ROOT4_2 ? 1 : 0)
                : e + (m >= SQRT_2 ? 1 : 0);
        return Math.min(-up, qmax);
    }

    /**
     * Value of a log2 code: qmax is exactly 0 (the "below range" code); otherwise base 2 gives
     * {@code scalb(s, -c)} and base sqrt(2) gives {@code scalb(c even ? s : s * INV_SQRT_2, -(c >> 1))},
     * one fp32 multiply then an exact power-of-two scaling (rounded once if it lands in subnormals).
     */
    public static float log2Value(int code, float scale, boolean sqrt2Base, int qmax) {
        if (code >= qmax) return 0f;
        int k = sqrt2Base ? code >> 1 : code;
        float v = sqrt2Base && (code & 1) != 0 ? scale * INV_SQRT_2 : scale;
        // scalb by a multiply: 2^-k is an exact float for k <= 149, and the product rounds once, as scalb does
        return k <= 126 ? v * Float.intBitsToFloat((127 - k) << 23) : Math.scalb(v, -k);
    }

    /**
     * Integer GEMM epilogue for one output: {@code y = (float) acc * (sa * sw) + bias}, where acc is
     * the zero-point-corrected int32 sum, {@code (float) acc} rounds to nearest even
     * ({@code __int2float_rn}), and the two multiplies and the add are separate fp32 operations in
     * this order. The int32 correction itself is
     * {@code acc = sum(qa*qw) - za*sum_k(qw) - zw*sum_k(qa) + K*za*zw}, evaluated in wrapping int32
     * arithmetic: intermediates may wrap, the exact result fits (checked by the caller), so
     * two's-complement gives it exactly.
     */
    public static float epilogue(int acc, float activationScale, float weightScale, float bias) {
        float scale = activationScale * weightScale;
        return (float) acc * scale + bias;
    }
}
