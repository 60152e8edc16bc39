package io.qvit.backend.cuda.emu.semantics;

/**
 * PTX floating-point arithmetic as the PTX ISA defines it (chapter 9.7.3/9.7.4): every {@code .rn}
 * operation IEEE-exact, directed roundings exact, {@code .ftz} flushing subnormal inputs and results
 * to sign-preserving zero, {@code .sat} clamping to [0, 1] (NaN to +0), and the approximate
 * instructions computed correctly rounded (their documented hardware error bounds in each javadoc).
 *
 * <p>A null rounding means the instruction had no modifier, which PTX defines as {@code .rn}.
 * {@code .rn} uses Java's own IEEE arithmetic (round to nearest even, gradual underflow); the directed
 * roundings compute the exact result ({@link ExactValue}) and round it once.
 *
 * <p>NaN results: the ISA says single-precision instructions return an unspecified NaN; this returns
 * the canonical {@code 0x7fffffff} that current GPUs produce. Double-precision instructions keep NaN
 * payloads (the ISA supports them): a NaN operand comes back quieted, the first of a, b, c; a NaN made
 * from numbers (inf - inf, 0 * inf, sqrt(-1)) is {@code 0x7fffffffffffffff}.
 *
 * <p>{@code .ftz} flushes a result that is subnormal after rounding; {@code .sat} makes -0 into +0.
 */
public final class FloatOps {
    /** The NaN single-precision instructions produce. */
    public static final float CANONICAL_NAN_F32 = Float.intBitsToFloat(0x7fffffff);
    /** The NaN double-precision instructions produce when no operand was NaN. */
    public static final double CANONICAL_NAN_F64 = Double.longBitsToDouble(0x7fffffffffffffffL);

    private FloatOps() {}

    /** add.rnd.ftz.sat.f32. */
    public static float add(float a, float b, Rounding r, boolean ftz, boolean sat) {
        r = fp(r);
        if (ftz) {
            a = flush(a);
            b = flush(b);
        }
        float d = r == Rounding.RN || !finite(a, b) ? a + b : ExactValue.of(a).plus(ExactValue.of(b), r).toFloat(r);
        return result(d, ftz, sat);
    }

    /** sub.rnd.ftz.sat.f32: a + (-b), so zero signs follow IEEE subtraction. */
    public static float sub(float a, float b, Rounding r, boolean ftz, boolean sat) {
        if (ftz) b = flush(b);
        return add(a, -b, r, ftz, sat);
    }

    /** mul.rnd.ftz.sat.f32. */
    public static float mul(float a, float b, Rounding r, boolean ftz, boolean sat) {
        r = fp(r);
        if (ftz) {
            a = flush(a);
            b = flush(b);
        }
        float d = r == Rounding.RN || !finite(a, b) ? a * b : ExactValue.of(a).times(ExactValue.of(b)).toFloat(r);
        return result(d, ftz, sat);
    }

    /** fma.rnd.f32 (and mad.rnd.f32, which is fma): a*b+c with one rounding. */
    public static float fma(float a, float b, float c, Rounding r, boolean ftz, boolean sat) {
        r = fp(r);
        if (ftz) {
            a = flush(a);
            b = flush(b);
            c = flush(c);
        }
        float d;
        if (r == Rounding.RN || !finite(a, b) || !Float.isFinite(c)) d = Math.fma(a, b, c);
        else d = ExactValue.of(a).times(ExactValue.of(b)).plus(ExactValue.of(c), r).toFloat(r);
        return result(d, ftz, sat);
    }

    /** div.rnd.f32 (IEEE). */
    public static float div(float a, float b, Rounding r, boolean ftz) {
        r = fp(r);
        if (ftz) {
            a = flush(a);
            b = flush(b);
        }
        float d;
        if (r == Rounding.RN || !finite(a, b) || a == 0 || b == 0) d = a / b;
        else d = ExactValue.quotient(ExactValue.of(a), ExactValue.of(b), 24).toFloat(r);
        return result(d, ftz, false);
    }

    /**
     * div.approx.f32, computed as the correctly rounded quotient. The hardware computes a * (1/b): at
     * most 2 ulp from the correct result for |b| in [2^-126, 2^126]; for 2^126 < |b| < 2^128 it returns
     * NaN when a is infinite and a sign-preserving zero otherwise, which this reproduces.
     */
    public static float divApprox(float a, float b, boolean ftz) {
        if (ftz) {
            a = flush(a);
            b = flush(b);
        }
        float mb = Math.abs(b);
        if (mb > 0x1p126f && mb < Float.POSITIVE_INFINITY) {
            if (Float.isInfinite(a)) return CANONICAL_NAN_F32;
            if (!Float.isNaN(a)) return signedZero(a, b);
        }
        return div(a, b, Rounding.RN, ftz);
    }

    /** div.full.f32, computed as the correctly rounded quotient; the hardware is within 2 ulp of it across the full range. */
    public static float divFull(float a, float b, boolean ftz) {
        return div(a, b, Rounding.RN, ftz);
    }

    /** sqrt.rnd.f32 (IEEE): sqrt(-0) = -0, a negative operand gives NaN. */
    public static float sqrt(float a, Rounding r, boolean ftz) {
        r = fp(r);
        if (ftz) a = flush(a);
        float d;
        if (r == Rounding.RN || !Float.isFinite(a) || a <= 0) {
            // double's 53 bits hold 2*24+2, so rounding sqrt twice through double is exact
            d = (float) Math.sqrt(a);
        } else {
            d = ExactValue.sqrt(ExactValue.of(a), 24).toFloat(r);
        }
        return result(d, ftz, false);
    }

    /** rcp.rnd.f32 (IEEE): 1/a. */
    public static float rcp(float a, Rounding r, boolean ftz) {
        return div(1f, a, r, ftz);
    }

    /** min.ftz.f32: the other operand when one is NaN, NaN when both are; -0 is below +0. */
    public static float min(float a, float b, boolean ftz) {
        if (ftz) {
            a = flush(a);
            b = flush(b);
        }
        if (Float.isNaN(a)) return Float.isNaN(b) ? CANONICAL_NAN_F32 : b;
        if (Float.isNaN(b)) return a;
        return Math.min(a, b);
    }

    /** max.ftz.f32: the other operand when one is NaN, NaN when both are; +0 is above -0. */
    public static float max(float a, float b, boolean ftz) {
        if (ftz) {
            a = flush(a);
            b = flush(b);
        }
        if (Float.isNaN(a)) return Float.isNaN(b) ? CANONICAL_NAN_F32 : b;
        if (Float.isNaN(b)) return a;
        return Math.max(a, b);
    }

    /** abs.ftz.f32; a NaN operand gives a NaN (unspecified by the ISA, canonical here). */
    public static float abs(float a, boolean ftz) {
        if (Float.isNaN(a)) return CANONICAL_NAN_F32;
        return Math.abs(ftz ? flush(a) : a);
    }

    /** neg.ftz.f32; a NaN operand gives a NaN (unspecified by the ISA, canonical here). */
    public static float neg(float a, boolean ftz) {
        if (Float.isNaN(a)) return CANONICAL_NAN_F32;
        return -(ftz ? flush(a) : a);
    }

    /**
     * The {@code .approx.f32} instructions, correctly rounded to nearest; {@code op} is one of rcp,
     * sqrt, rsqrt, ex2, lg2, sin, cos, tanh. {@link ApproxMath} lists each one's special values and the
     * hardware's documented error bound, which is how far a GPU's result may be from this one.
     */
    public static float approx(String op, float a, boolean ftz) {
        if (ftz) a = flush(a);
        float d = switch (op) {
            case "rcp" -> rcp(a, Rounding.RN, false);
            case "sqrt" -> sqrt(a, Rounding.RN, false);
            case "rsqrt" -> ApproxMath.rsqrt(a);
            case "ex2" -> ApproxMath.ex2(a);
            case "lg2" -> ApproxMath.lg2(a);
            case "sin" -> ApproxMath.sin(a);
            case "cos" -> ApproxMath.cos(a);
            case "tanh" -> ApproxMath.tanh(a);
            default -> throw new IllegalArgumentException("no approximate f32 instruction '" + op + "'");
        };
        return result(d, ftz, false);
    }

    /** add.rnd.f64. */
    public static double add(double a, double b, Rounding r) {
        r = fp(r);
        double d = r == Rounding.RN || !finite(a, b) ? a + b : ExactValue.of(a).plus(ExactValue.of(b), r).toDouble(r);
        return result64(d, a, b, 0);
    }

    /** sub.rnd.f64: a + (-b). */
    public static double sub(double a, double b, Rounding r) {
        r = fp(r);
        double d = r == Rounding.RN || !finite(a, b) ? a - b : ExactValue.of(a).plus(ExactValue.of(-b), r).toDouble(r);
        return result64(d, a, b, 0);
    }

    /** mul.rnd.f64. */
    public static double mul(double a, double b, Rounding r) {
        r = fp(r);
        double d = r == Rounding.RN || !finite(a, b) ? a * b : ExactValue.of(a).times(ExactValue.of(b)).toDouble(r);
        return result64(d, a, b, 0);
    }

    /** fma.rnd.f64 (mad.rnd.f64): a*b+c with one rounding. */
    public static double fma(double a, double b, double c, Rounding r) {
        r = fp(r);
        double d;
        if (r == Rounding.RN || !finite(a, b) || !Double.isFinite(c)) d = Math.fma(a, b, c);
        else d = ExactValue.of(a).times(ExactValue.of(b)).plus(ExactValue.of(c), r).toDouble(r);
        return result64(d, a, b, c);
    }

    /** div.rnd.f64. */
    public static double div(double a, double b, Rounding r) {
        r = fp(r);
        double d;
        if (r == Rounding.RN || !finite(a, b) || a == 0 || b == 0) d = a / b;
        else d = ExactValue.quotient(ExactValue.of(a), ExactValue.of(b), 53).toDouble(r);
        return result64(d, a, b, 0);
    }

    /** sqrt.rnd.f64. */
    public static double sqrt(double a, Rounding r) {
        r = fp(r);
        double d;
        if (r == Rounding.RN || !Double.isFinite(a) || a <= 0) d = Math.sqrt(a);
        else d = ExactValue.sqrt(ExactValue.of(a), 53).toDouble(r);
        return result64(d, a, 0, 0);
    }

    /** rcp.rnd.f64: 1/a. */
    public static double rcp(double a, Rounding r) {
        return div(1.0, a, r);
    }

    /** setp's comparison operators (eq ne lt le gt ge, the unordered equ neu ltu leu gtu geu, num, nan) on f32/f64: the ordered ones are false and the unordered ones true when either operand is NaN. */
    public static boolean compare(String cmp, double a, double b) {
        boolean nan = Double.isNaN(a) || Double.isNaN(b);
        return switch (cmp) {
            case "eq" -> a == b;
            case "ne" -> !nan && a != b;
            case "lt" -> a < b;
            case "le" -> a <= b;
            case "gt" -> a > b;
            case "ge" -> a >= b;
            case "equ" -> nan || a == b;
            case "neu" -> a != b;
            case "ltu" -> nan || a < b;
            case "leu" -> nan || a <= b;
            case "gtu" -> nan || a > b;
            case "geu" -> nan || a >= b;
            case "num" -> !nan;
            case "nan" -> nan;
            default -> throw new IllegalArgumentException("no floating-point comparison '" + cmp + "'");
        };
    }

    /** What {@code .ftz} does to an f32 operand or result: a subnormal becomes zero of the same sign. */
    public static float flush(float a) {
        return a != 0 && Math.abs(a) < Float.MIN_NORMAL ? Math.copySign(0f, a) : a;
    }

    /** What {@code .sat} does to an f32 result: clamped to [0, 1], NaN and -0 to +0. */
    public static float saturate(float a) {
        if (!(a > 0)) return 0f;
        return Math.min(a, 1f);
    }

    static Rounding fp(Rounding r) {
        if (r == null) return Rounding.RN;
        return switch (r) {
            case RN, RZ, RM, RP -> r;
            default -> throw new IllegalArgumentException("integral rounding ." + r.name().toLowerCase() + " on a floating-point result");
        };
    }

    private static float signedZero(float a, float b) {
        return (Float.floatToRawIntBits(a) ^ Float.floatToRawIntBits(b)) < 0 ? -0f : 0f;
    }

    private static boolean finite(float a, float b) {
        return Float.isFinite(a) && Float.isFinite(b);
    }

    private static boolean finite(double a, double b) {
        return Double.isFinite(a) && Double.isFinite(b);
    }

    private static float result(float d, boolean ftz, boolean sat) {
        if (Float.isNaN(d)) return sat ? 0f : CANONICAL_NAN_F32;
        if (ftz) d = flush(d);
        return sat ? saturate(d) : d;
    }

    private static double result64(double d, double a, double b, double c) {
        if (!Double.isNaN(d)) return d;
        if (Double.isNaN(a)) return quiet(a);
        if (Double.isNaN(b)) return quiet(b);
        if (Double.isNaN(c)) return quiet(c);
        return CANONICAL_NAN_F64;
    }

    private static double quiet(double nan) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(nan) | (1L << 51));
    }
}
