package io.qvit.backend.cuda.emu.semantics;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * The test's own definition of rounding a real number into f32 or f64, written from IEEE 754's
 * definition and independent of the code under test: the real number is known only through a
 * comparison with exact candidates (BigDecimal arithmetic), the result is the neighbour the
 * rounding direction picks, with infinity standing for the first power of two past the largest
 * finite value (so round-to-nearest overflows exactly where IEEE says).
 */
final class ExactReference {
    private ExactReference() {}

    /** f32 or f64. */
    enum Format {
        F32(Float.MAX_VALUE, 128), F64(Double.MAX_VALUE, 1024);

        final double max;
        /** The power of two past the largest finite value, which infinity stands for when bracketing. */
        final BigDecimal overflowValue;

        Format(double max, int overflowExponent) {
            this.max = max;
            this.overflowValue = BigDecimal.valueOf(2).pow(overflowExponent);
        }

        double up(double v) {
            if (v == max) return Double.POSITIVE_INFINITY;
            return this == F32 ? Math.nextUp((float) v) : Math.nextUp(v);
        }

        double down(double v) {
            if (v == -max) return Double.NEGATIVE_INFINITY;
            return this == F32 ? Math.nextDown((float) v) : Math.nextDown(v);
        }

        BigDecimal exact(double v) {
            if (v == Double.POSITIVE_INFINITY) return overflowValue;
            if (v == Double.NEGATIVE_INFINITY) return overflowValue.negate();
            return new BigDecimal(v);
        }

        boolean evenSignificand(double v) {
            if (Double.isInfinite(v)) return true;
            return this == F32 ? (Float.floatToRawIntBits((float) v) & 1) == 0 : (Double.doubleToRawLongBits(v) & 1) == 0;
        }
    }

    /**
     * Rounds the nonzero real x, given by {@code cmp(c) = sign(c - x)} for exact candidates c, near
     * the guess g (any value of the format within a few ulp of x).
     */
    static double round(Format f, Function<BigDecimal, Integer> cmp, double guess, Rounding r) {
        double g = Double.isInfinite(guess) ? Math.copySign(f.max, guess) : guess;
        int s = cmp.apply(f.exact(g));
        if (s == 0) return g;
        double lo;
        double hi;
        if (s > 0) {
            hi = g;
            lo = f.down(g);
            while (lo != Double.NEGATIVE_INFINITY && cmp.apply(f.exact(lo)) > 0) {
                hi = lo;
                lo = f.down(lo);
            }
        } else {
            lo = g;
            hi = f.up(g);
            while (hi != Double.POSITIVE_INFINITY && cmp.apply(f.exact(hi)) < 0) {
                lo = hi;
                hi = f.up(hi);
            }
        }
        if (cmp.apply(f.exact(lo)) == 0) return lo;
        if (cmp.apply(f.exact(hi)) == 0) return hi;
        // lo < x < hi (an infinite bound: x is past the largest finite value); a zero bound takes the sign of x
        boolean negative = cmp.apply(BigDecimal.ZERO) > 0;
        if (lo == 0) lo = negative ? -0.0 : 0.0;
        if (hi == 0) hi = negative ? -0.0 : 0.0;
        return switch (r) {
            case RM -> lo;
            case RP -> hi;
            case RZ -> negative ? hi : lo;
            case RN -> {
                BigDecimal mid = f.exact(lo).add(f.exact(hi)).divide(BigDecimal.valueOf(2));
                int m = cmp.apply(mid);
                if (m < 0) yield hi;
                if (m > 0) yield lo;
                yield f.evenSignificand(lo) ? lo : hi;
            }
            default -> throw new IllegalArgumentException(r.toString());
        };
    }

    /** Rounds a known exact nonzero value. */
    static double round(Format f, BigDecimal x, Rounding r) {
        double guess = f == Format.F32 ? x.floatValue() : x.doubleValue();
        if (Double.isInfinite(guess)) guess = Math.copySign(f.max, guess);
        return round(f, c -> c.compareTo(x), guess, r);
    }
}
