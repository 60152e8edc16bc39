package io.qvit.model.weights;

/**
 * Widening of 16-bit floats to float32, bit-exact with PyTorch's {@code .float()}. Java 17 has no
 * {@code Float.float16ToFloat}, so the IEEE half conversion is written out here.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** IEEE 754 binary16 to binary32: exact for every value, including subnormals, infinities and NaN payloads. */
    public static float f16ToF32(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            // Subnormal (or zero): mant * 2^-24, exact in float32 because mant has at most 10 bits.
            return Float.intBitsToFloat(sign | Float.floatToRawIntBits(mant * 0x1p-24f));
        }
        // Normal: rebias the exponent from 15 to 127 and widen the mantissa from 10 to 23 bits.
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** bfloat16 is the upper half of a float32, so widening is a shift. */
    public static float bf16ToF32(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }
}
