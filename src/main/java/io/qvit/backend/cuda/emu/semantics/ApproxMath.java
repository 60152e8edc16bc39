package io.qvit.backend.cuda.emu.semantics;

import java.math.BigDecimal;
import java.util.function.DoubleFunction;

/**
 * The {@code .approx.f32} transcendental instructions, correctly rounded to nearest f32. Each is
 * evaluated in double (StrictMath, within a few double ulp); when that value lies too close to a
 * midpoint between two floats to decide the rounding, it is decided exactly (rsqrt) or from a
 * 60-digit evaluation ({@link HighPrecision}). Inputs and results are never flushed here; the caller
 * applies {@code .ftz}.
 *
 * <p>The hardware bounds quoted are PTX ISA 9.1's (section 9.7.3): a GPU's result may differ from
 * this one by up to that much.
 */
final class ApproxMath {
    private ApproxMath() {}

    /** rsqrt.approx.f32: max relative error 2^-22.9 over the positive finite range. -0 gives -inf, +0 +inf, +inf +0, negatives NaN. */
    static float rsqrt(float a) {
        if (Float.isNaN(a) || a < 0) return FloatOps.CANONICAL_NAN_F32;
        if (a == 0) return 1 / a;
        if (a == Float.POSITIVE_INFINITY) return 0f;
        double y = 1 / Math.sqrt(a);
        float lo = (float) (y - 4 * Math.ulp(y));
        float hi = (float) (y + 4 * Math.ulp(y));
        if (lo == hi) return lo;
        // 1/sqrt(a) > mid exactly when mid^2 * a < 1; the midpoint of two floats is exact in double
        BigDecimal mid = new BigDecimal(((double) lo + hi) / 2);
        return mid.multiply(mid).multiply(new BigDecimal(a)).compareTo(BigDecimal.ONE) < 0 ? hi : lo;
    }

    /** ex2.approx.f32: max 2 ulp from the correctly rounded result across the full range. -inf gives +0, +-0 give 1, +inf +inf. */
    static float ex2(float a) {
        if (Float.isNaN(a)) return FloatOps.CANONICAL_NAN_F32;
        if (a == Float.NEGATIVE_INFINITY) return 0f;
        if (a == Float.POSITIVE_INFINITY) return a;
        if (a > 128) return Float.POSITIVE_INFINITY;
        if (a < -151) return 0f;
        if (a == Math.rint(a)) return (float) Math.scalb(1.0, (int) a);
        return nearest(StrictMath.pow(2, a), 2, a, HighPrecision::exp2);
    }

    /**
     * lg2.approx.f32: max absolute error 2^-22 for inputs in (0.5, 2), max relative error 2^-22
     * elsewhere. +-0 give -inf, +inf +inf, negatives (and -inf) NaN.
     */
    static float lg2(float a) {
        if (Float.isNaN(a) || a < 0) return FloatOps.CANONICAL_NAN_F32;
        if (a == 0) return Float.NEGATIVE_INFINITY;
        if (a == Float.POSITIVE_INFINITY) return a;
        int e = Math.getExponent((double) a);
        double m = Math.scalb((double) a, -e);
        if (m == 1) return e;
        double l = StrictMath.log(m) / HighPrecision.LN2_DOUBLE;
        double y = e + l;
        return nearest(y, 4 * Math.ulp(l) / Math.ulp(y) + 1, a, HighPrecision::log2);
    }

    /**
     * sin.approx.f32: max absolute error 2^-20.5 in [-2pi, 2pi] and 2^-14.7 in [-100pi, 100pi], no
     * bound outside. +-0 give +-0, +-inf NaN.
     */
    static float sin(float a) {
        if (!Float.isFinite(a)) return FloatOps.CANONICAL_NAN_F32;
        if (a == 0) return a;
        return nearest(StrictMath.sin(a), 2, a, HighPrecision::sin);
    }

    /**
     * cos.approx.f32: max absolute error 2^-20.5 in [-2pi, 2pi] and 2^-14.7 in [-100pi, 100pi], no
     * bound outside. +-0 give +1, +-inf NaN.
     */
    static float cos(float a) {
        if (!Float.isFinite(a)) return FloatOps.CANONICAL_NAN_F32;
        return nearest(StrictMath.cos(a), 2, a, HighPrecision::cos);
    }

    /** tanh.approx.f32: max relative error 2^-11 over the whole range. +-inf give +-1, +-0 +-0; subnormals pass through. */
    static float tanh(float a) {
        if (Float.isNaN(a)) return FloatOps.CANONICAL_NAN_F32;
        if (a == 0) return a;
        // 1 - tanh(20) < 1e-17, far below half an ulp of 1
        if (Math.abs(a) >= 20) return Math.signum(a);
        return nearest(StrictMath.tanh(a), 3, a, HighPrecision::tanh);
    }

    /**
     * The float nearest to a function's value y, computed within {@code ulps} double ulps: decided from
     * y when every value in that interval rounds to the same float, else from a precise evaluation.
     */
    private static float nearest(double y, double ulps, float a, DoubleFunction<BigDecimal> precise) {
        double tol = 2 * ulps * Math.ulp(y);
        if ((float) (y - tol) == (float) (y + tol)) return (float) y;
        return Float.parseFloat(precise.apply(a).toString());
    }
}
