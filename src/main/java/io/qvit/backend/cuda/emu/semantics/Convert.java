package io.qvit.backend.cuda.emu.semantics;

/**
 * PTX {@code cvt} between the scalar types (PTX ISA 9.7.9.21): float to integer with an integral
 * rounding and saturation to the destination's range (NaN to 0), integer to float with a rounding,
 * float to float (f64/f32/f16/bf16) with rounding, {@code .ftz} and {@code .sat}, and packed
 * {@code cvt.rn.f16x2.f32} / {@code .bf16x2}. Integers are carried in a long (bits of the source type,
 * sign- or zero-extended as its type says); f16 and bf16 as their 16 bits in an int.
 *
 * <p>Type names are PTX's: s8 s16 s32 s64 u8 u16 u32 u64 f16 bf16 f32 f64.
 *
 * <p>{@code .ftz} on an f32 source of a float-to-integer or f32-to-f16/bf16 conversion flushes the
 * input: the caller applies {@link FloatOps#flush} before calling. NaN results are canonical: f32
 * {@code 0x7fffffff}, f16 and bf16 {@code 0x7fff}.
 */
public final class Convert {
    private static final int F16_NAN = 0x7fff;
    private static final int BF16_NAN = 0x7fff;

    private Convert() {}

    /**
     * Float (f16/bf16 as bits, f32, f64 all given as a double of their exact value) to an integer
     * type, clamped to its range (PTX clamps float-to-integer conversions with or without .sat). NaN
     * gives 0 for a 8/16/32-bit destination, and {@code 1 << 63} for s64/u64, as the ISA says for a
     * source that is not f64; use {@link #floatToInt(double, boolean, String, Rounding)} for f64.
     */
    public static long floatToInt(double value, String dstType, Rounding r) {
        return floatToInt(value, false, dstType, r);
    }

    /**
     * Float to integer as {@link #floatToInt(double, String, Rounding)}, where {@code fromF64} says the
     * source was f64: then NaN gives {@code 1 << (width - 1)} (MININT of a signed type) for every
     * destination width, as the ISA says.
     */
    public static long floatToInt(double value, boolean fromF64, String dstType, Rounding r) {
        IntType t = IntType.of(dstType);
        if (Double.isNaN(value)) return fromF64 || t.bits == 64 ? t.extend(1L << (t.bits - 1)) : 0;
        double v = switch (r) {
            case RNI -> Math.rint(value);
            case RZI -> value < 0 ? Math.ceil(value) : Math.floor(value);
            case RMI -> Math.floor(value);
            case RPI -> Math.ceil(value);
            default -> throw new IllegalArgumentException("float-to-integer cvt needs an integral rounding (.rni .rzi .rmi .rpi), not ." + r.name().toLowerCase());
        };
        if (v <= t.minAsDouble()) return t.min;
        if (v >= t.maxAsDouble()) return t.max;
        if (t.unsigned && t.bits == 64 && v >= 0x1p63) return (long) (v - 0x1p63) ^ Long.MIN_VALUE;
        return (long) v;
    }

    /** An integer (its exact value) to f32 with rounding; returns the float. */
    public static float intToF32(long value, boolean unsigned, Rounding r) {
        r = FloatOps.fp(r);
        // Java's long-to-float conversion is IEEE round-to-nearest, and exact up to 2^24
        boolean longIsValue = !unsigned || value >= 0;
        if (longIsValue && (r == Rounding.RN || Math.abs(value) <= 1L << 24)) return (float) value;
        return ExactValue.ofInteger(value, unsigned).toFloat(r);
    }

    /** An integer (its exact value) to f64 with rounding. */
    public static double intToF64(long value, boolean unsigned, Rounding r) {
        r = FloatOps.fp(r);
        boolean longIsValue = !unsigned || value >= 0;
        if (longIsValue && (r == Rounding.RN || Math.abs(value) <= 1L << 53)) return (double) value;
        return ExactValue.ofInteger(value, unsigned).toDouble(r);
    }

    /** f64 to f32 with rounding, ftz (of the f32 result) and sat. */
    public static float f64ToF32(double value, Rounding r, boolean ftz, boolean sat) {
        r = FloatOps.fp(r);
        float d;
        if (Double.isNaN(value)) d = Float.NaN;
        else if (r == Rounding.RN || !Double.isFinite(value)) d = (float) value;
        else d = ExactValue.of(value).toFloat(r);
        return finish(d, ftz, sat);
    }

    /** f32 to f32 with an integral rounding ({@code cvt.rni.f32.f32}) or ftz/sat only (r null). */
    public static float f32ToF32(float value, Rounding r, boolean ftz, boolean sat) {
        if (ftz) value = FloatOps.flush(value);
        float d = value;
        if (r != null && Float.isFinite(value)) {
            double v = switch (r) {
                case RNI -> Math.rint(value);
                case RZI -> value < 0 ? Math.ceil(value) : Math.floor(value);
                case RMI -> Math.floor(value);
                case RPI -> Math.ceil(value);
                default -> throw new IllegalArgumentException("cvt.f32.f32 takes an integral rounding (.rni .rzi .rmi .rpi), not ." + r.name().toLowerCase());
            };
            d = (float) v; // rint, floor and ceil keep the sign of a zero result, as IEEE's roundToIntegral does
        }
        return finish(d, ftz, sat);
    }

    /** f32 to f16 with rounding (.rn .rz .rm .rp) and .sat (clamp to [0, 1], NaN to +0); NaN gives 0x7fff. */
    public static int f32ToF16(float value, Rounding r, boolean sat) {
        return toHalf(value, r, sat, BinaryFormat.F16, F16_NAN);
    }

    /** f32 to bf16 with rounding (.rn .rz .rm .rp) and .sat (clamp to [0, 1], NaN to +0); NaN gives 0x7fff. */
    public static int f32ToBf16(float value, Rounding r, boolean sat) {
        return toHalf(value, r, sat, BinaryFormat.BF16, BF16_NAN);
    }

    /** f16 bits to f32, exactly; a NaN gives the canonical f32 NaN. */
    public static float f16ToF32(int bits) {
        int sign = (bits & 0x8000) << 16;
        int e = (bits >>> 10) & 0x1f;
        int frac = bits & 0x3ff;
        if (e == 0x1f) return frac == 0 ? Float.intBitsToFloat(sign | 0x7f800000) : FloatOps.CANONICAL_NAN_F32;
        float mag = e == 0 ? frac * 0x1p-24f : Float.intBitsToFloat(((e - 15 + 127) << 23) | (frac << 13));
        return sign != 0 ? -mag : mag;
    }

    /** bf16 bits to f32, exactly (bf16 is the top half of an f32); a NaN gives the canonical f32 NaN. */
    public static float bf16ToF32(int bits) {
        float f = Float.intBitsToFloat((bits & 0xffff) << 16);
        return Float.isNaN(f) ? FloatOps.CANONICAL_NAN_F32 : f;
    }

    /**
     * cvt.rn.f16x2.f32 d, a, b / cvt.rn.bf16x2.f32: the conversion of a in the upper 16 bits of the
     * result, of b in the lower.
     */
    public static int f32x2ToHalf2(float a, float b, boolean bf16, Rounding r, boolean sat) {
        int hi = bf16 ? f32ToBf16(a, r, sat) : f32ToF16(a, r, sat);
        int lo = bf16 ? f32ToBf16(b, r, sat) : f32ToF16(b, r, sat);
        return (hi << 16) | lo;
    }

    /** Integer to integer with optional saturation ({@code cvt.sat.s8.s32} and the like): the result sign- or zero-extended per dstType. */
    public static long intToInt(long value, String srcType, String dstType, boolean sat) {
        IntType src = IntType.of(srcType);
        IntType dst = IntType.of(dstType);
        long v = src.extend(value);
        if (!sat) return dst.extend(v);
        boolean srcUnsigned64 = src.unsigned && src.bits == 64;
        if (srcUnsigned64 && v < 0) return dst.max; // above every signed value and, for u64, is u64's max itself
        if (dst.unsigned && dst.bits == 64) return v < 0 ? 0 : v;
        return Math.max(dst.min, Math.min(dst.max, v));
    }

    private static int toHalf(float value, Rounding r, boolean sat, BinaryFormat f, int nan) {
        r = FloatOps.fp(r);
        if (sat) value = FloatOps.saturate(value);
        if (Float.isNaN(value)) return nan;
        if (Float.isInfinite(value)) return (int) ((value < 0 ? f.signBit : 0) | f.infinity);
        return (int) ExactValue.of(value).round(f, r);
    }

    private static float finish(float d, boolean ftz, boolean sat) {
        if (Float.isNaN(d)) return sat ? 0f : FloatOps.CANONICAL_NAN_F32;
        if (ftz) d = FloatOps.flush(d);
        return sat ? FloatOps.saturate(d) : d;
    }

    /** An integer type's width, signedness and range, its values held in a long sign- or zero-extended. */
    private record IntType(int bits, boolean unsigned, long min, long max) {
        static IntType of(String name) {
            return switch (name) {
                case "s8" -> new IntType(8, false, Byte.MIN_VALUE, Byte.MAX_VALUE);
                case "s16" -> new IntType(16, false, Short.MIN_VALUE, Short.MAX_VALUE);
                case "s32" -> new IntType(32, false, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "s64" -> new IntType(64, false, Long.MIN_VALUE, Long.MAX_VALUE);
                case "u8" -> new IntType(8, true, 0, 0xffL);
                case "u16" -> new IntType(16, true, 0, 0xffffL);
                case "u32" -> new IntType(32, true, 0, 0xffffffffL);
                case "u64" -> new IntType(64, true, 0, -1L);
                default -> throw new IllegalArgumentException("not an integer type for cvt: '" + name + "'");
            };
        }

        /** The low {@code bits} of v, sign- or zero-extended. */
        long extend(long v) {
            if (bits == 64) return v;
            return unsigned ? v & ((1L << bits) - 1) : (v << (64 - bits)) >> (64 - bits);
        }

        double minAsDouble() {
            return unsigned ? 0 : min;
        }

        double maxAsDouble() {
            return unsigned && bits == 64 ? 0x1p64 : max;
        }
    }
}
