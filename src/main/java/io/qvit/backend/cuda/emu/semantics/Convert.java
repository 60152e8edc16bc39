package io.qvit.backend.cuda.emu.semantics;

/**
 * PTX {@code cvt} between the scalar types (PTX ISA 9.7.9.21): float to integer with an integral
 * rounding and saturation to the destination's range (NaN to 0), integer to float with a rounding,
 * float to float (f64/f32/f16/bf16) with rounding, {@code .ftz} and {@code .sat}, and packed
 * {@code cvt.rn.f16x2.f32} / {@code .bf16x2}. Integers are carried in a long (bits of the source type,
 * sign- or zero-extended as its type says); f16 and bf16 as their 16 bits in an int.
 *
 * <p>Type names are PTX's: s8 s16 s32 s64 u8 u16 u32 u64 f16 bf16 f32 f64.
 */
public final class Convert {
    private Convert() {}

    /** Float (f16/bf16 as bits, f32, f64 all given as a double of their exact value) to an integer type. */
    public static long floatToInt(double value, String dstType, Rounding r) { throw new UnsupportedOperationException(); }
    /** An integer (its exact value) to f32 with rounding; returns the float. */
    public static float intToF32(long value, boolean unsigned, Rounding r) { throw new UnsupportedOperationException(); }
    public static double intToF64(long value, boolean unsigned, Rounding r) { throw new UnsupportedOperationException(); }
    /** f64 to f32 with rounding, ftz and sat. */
    public static float f64ToF32(double value, Rounding r, boolean ftz, boolean sat) { throw new UnsupportedOperationException(); }
    /** f32 to f32 with an integral rounding ({@code cvt.rni.f32.f32}) or ftz/sat only (r null). */
    public static float f32ToF32(float value, Rounding r, boolean ftz, boolean sat) { throw new UnsupportedOperationException(); }
    public static int f32ToF16(float value, Rounding r, boolean sat) { throw new UnsupportedOperationException(); }
    public static int f32ToBf16(float value, Rounding r, boolean sat) { throw new UnsupportedOperationException(); }
    public static float f16ToF32(int bits) { throw new UnsupportedOperationException(); }
    public static float bf16ToF32(int bits) { throw new UnsupportedOperationException(); }
    /** Integer to integer with optional saturation ({@code cvt.sat.s8.s32} and the like): the result sign- or zero-extended per dstType. */
    public static long intToInt(long value, String srcType, String dstType, boolean sat) { throw new UnsupportedOperationException(); }
}
