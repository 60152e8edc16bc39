package io.qvit.backend.cuda.emu.semantics;

import java.math.BigInteger;

/**
 * A finite number held exactly as {@code (-1)^negative * mag * 2^exp}, so that sums, products and
 * fused multiply-adds carry no error and are rounded once, in any direction, into a {@link BinaryFormat}.
 * A zero keeps its sign. Quotients and square roots are held to enough bits plus a sticky bit, which
 * rounds exactly as the infinite result would.
 */
final class ExactValue {
    private final boolean negative;
    private final BigInteger mag;
    private final int exp;

    private ExactValue(boolean negative, BigInteger mag, int exp) {
        this.negative = negative;
        this.mag = mag;
        this.exp = exp;
    }

    /** The exact value of a finite double (a float widens to double exactly). */
    static ExactValue of(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int e = (int) ((bits >>> 52) & 0x7ff);
        if (e == 0x7ff) throw new IllegalArgumentException("not finite: " + d);
        long frac = bits & ((1L << 52) - 1);
        boolean neg = bits < 0;
        if (e == 0) return new ExactValue(neg, BigInteger.valueOf(frac), -1074);
        return new ExactValue(neg, BigInteger.valueOf(frac | (1L << 52)), e - 1075);
    }

    /** An integer's exact value; {@code unsigned} reads the long's 64 bits as an unsigned number. */
    static ExactValue ofInteger(long v, boolean unsigned) {
        if (unsigned && v < 0) return new ExactValue(false, BigInteger.valueOf(v).add(BigInteger.ONE.shiftLeft(64)), 0);
        return new ExactValue(v < 0, BigInteger.valueOf(v).abs(), 0);
    }

    boolean isZero() {
        return mag.signum() == 0;
    }

    ExactValue times(ExactValue o) {
        return new ExactValue(negative != o.negative, mag.multiply(o.mag), exp + o.exp);
    }

    /** The exact sum; an exact zero from nonzero or mixed-sign terms is +0, except -0 when rounding toward negative infinity (IEEE 754 6.3). */
    ExactValue plus(ExactValue o, Rounding r) {
        if (isZero() && o.isZero()) {
            boolean neg = negative == o.negative ? negative : r == Rounding.RM;
            return new ExactValue(neg, BigInteger.ZERO, 0);
        }
        if (isZero()) return o;
        if (o.isZero()) return this;
        int e = Math.min(exp, o.exp);
        BigInteger x = signed().shiftLeft(exp - e);
        BigInteger y = o.signed().shiftLeft(o.exp - e);
        BigInteger s = x.add(y);
        if (s.signum() == 0) return new ExactValue(r == Rounding.RM, BigInteger.ZERO, 0);
        return new ExactValue(s.signum() < 0, s.abs(), e);
    }

    private BigInteger signed() {
        return negative ? mag.negate() : mag;
    }

    /** {@code a / b} for nonzero {@code b}, to {@code bits} significant bits plus a sticky bit (enough for any format up to that precision). */
    static ExactValue quotient(ExactValue a, ExactValue b, int bits) {
        boolean neg = a.negative != b.negative;
        if (a.isZero()) return new ExactValue(neg, BigInteger.ZERO, 0);
        int shift = Math.max(0, bits + 3 + b.mag.bitLength() - a.mag.bitLength());
        BigInteger[] qr = a.mag.shiftLeft(shift).divideAndRemainder(b.mag);
        BigInteger m = qr[0].shiftLeft(1).add(qr[1].signum() == 0 ? BigInteger.ZERO : BigInteger.ONE);
        return new ExactValue(neg, m, a.exp - shift - b.exp - 1);
    }

    /** The square root of a positive value, to {@code bits} significant bits plus a sticky bit. */
    static ExactValue sqrt(ExactValue a, int bits) {
        BigInteger m = a.mag;
        int e = a.exp;
        if ((e & 1) != 0) {
            m = m.shiftLeft(1);
            e--;
        }
        int t = Math.max(0, bits + 4 - m.bitLength() / 2);
        BigInteger scaled = m.shiftLeft(2 * t);
        BigInteger root = scaled.sqrt();
        boolean inexact = root.multiply(root).compareTo(scaled) != 0;
        BigInteger r = root.shiftLeft(1).add(inexact ? BigInteger.ONE : BigInteger.ZERO);
        return new ExactValue(false, r, (e - 2 * t) / 2 - 1);
    }

    /** Rounds once into {@code f} in direction {@code r} (RN, RZ, RM or RP); returns the result's bits, infinite on overflow where the direction says so. */
    long round(BinaryFormat f, Rounding r) {
        long sign = negative ? f.signBit : 0;
        if (isZero()) return sign;
        int p = f.precision;
        int e = exp + mag.bitLength() - 1;
        int q = Math.max(e, f.emin) - (p - 1);
        int shift = q - exp;
        BigInteger m;
        if (shift <= 0) {
            m = mag.shiftLeft(-shift);
        } else {
            m = mag.shiftRight(shift);
            int lowest = mag.getLowestSetBit();
            if (lowest < shift && roundsAway(r, mag.testBit(shift - 1), lowest < shift - 1, m.testBit(0))) {
                m = m.add(BigInteger.ONE);
                if (m.bitLength() > p) {
                    m = m.shiftRight(1);
                    q++;
                }
            }
        }
        if (m.signum() == 0) return sign;
        if (q + m.bitLength() - 1 > f.emax) return f.overflow(negative, r);
        long mm = m.longValue();
        long hidden = 1L << (p - 1);
        long bits = mm < hidden ? mm : ((long) (q + p - 1 + f.bias) << f.fracBits) | (mm - hidden);
        return sign | bits;
    }

    /** Whether an inexact magnitude rounds up (away from zero), given the first dropped bit, whether any later dropped bit is set, and the kept value's parity. */
    private boolean roundsAway(Rounding r, boolean half, boolean belowHalf, boolean odd) {
        return switch (r) {
            case RN -> half && (belowHalf || odd);
            case RZ -> false;
            case RP -> !negative;
            case RM -> negative;
            default -> throw new IllegalArgumentException("not a floating-point rounding: " + r);
        };
    }

    float toFloat(Rounding r) {
        return Float.intBitsToFloat((int) round(BinaryFormat.F32, r));
    }

    double toDouble(Rounding r) {
        return Double.longBitsToDouble(round(BinaryFormat.F64, r));
    }
}
