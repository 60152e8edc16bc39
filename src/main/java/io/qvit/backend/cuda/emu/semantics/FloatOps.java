package io.qvit.backend.cuda.emu.semantics;

/**
 * PTX floating-point arithmetic as the PTX ISA defines it (chapter 9.7.3/9.7.4): every {@code .rn}
 * operation IEEE-exact, directed roundings exact, {@code .ftz} flushing subnormal inputs and results
 * to sign-preserving zero, {@code .sat} clamping to [0, 1] (NaN to +0), and the approximate
 * instructions computed correctly rounded (their documented hardware error bounds in each javadoc).
 */
public final class FloatOps {
    private FloatOps() {}

    public static float add(float a, float b, Rounding r, boolean ftz, boolean sat) { throw new UnsupportedOperationException(); }
    public static float sub(float a, float b, Rounding r, boolean ftz, boolean sat) { throw new UnsupportedOperationException(); }
    public static float mul(float a, float b, Rounding r, boolean ftz, boolean sat) { throw new UnsupportedOperationException(); }
    /** fma.rnd.f32 (and mad.rnd.f32, which is fma): a*b+c with one rounding. */
    public static float fma(float a, float b, float c, Rounding r, boolean ftz, boolean sat) { throw new UnsupportedOperationException(); }
    /** div.rnd.f32 (IEEE). */
    public static float div(float a, float b, Rounding r, boolean ftz) { throw new UnsupportedOperationException(); }
    /** div.approx.f32 and div.full.f32. */
    public static float divApprox(float a, float b, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float divFull(float a, float b, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float sqrt(float a, Rounding r, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float rcp(float a, Rounding r, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float min(float a, float b, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float max(float a, float b, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float abs(float a, boolean ftz) { throw new UnsupportedOperationException(); }
    public static float neg(float a, boolean ftz) { throw new UnsupportedOperationException(); }

    /** The {@code .approx.f32} instructions; {@code op} is one of rcp, sqrt, rsqrt, ex2, lg2, sin, cos, tanh. */
    public static float approx(String op, float a, boolean ftz) { throw new UnsupportedOperationException(); }

    public static double add(double a, double b, Rounding r) { throw new UnsupportedOperationException(); }
    public static double sub(double a, double b, Rounding r) { throw new UnsupportedOperationException(); }
    public static double mul(double a, double b, Rounding r) { throw new UnsupportedOperationException(); }
    public static double fma(double a, double b, double c, Rounding r) { throw new UnsupportedOperationException(); }
    public static double div(double a, double b, Rounding r) { throw new UnsupportedOperationException(); }
    public static double sqrt(double a, Rounding r) { throw new UnsupportedOperationException(); }
    public static double rcp(double a, Rounding r) { throw new UnsupportedOperationException(); }

    /** setp's comparison operators (eq ne lt le gt ge, the unordered equ neu ltu leu gtu geu, num, nan) on f32/f64. */
    public static boolean compare(String cmp, double a, double b) { throw new UnsupportedOperationException(); }
}
