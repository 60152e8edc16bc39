package io.qvit.backend.cuda.emu.semantics;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Elementary functions of an f32 argument to about 60 significant digits, for the rare arguments
 * whose double-precision value cannot decide the f32 rounding. Series with argument reduction; the
 * constants are computed here rather than typed in.
 */
final class HighPrecision {
    private static final MathContext MC = new MathContext(80);
    private static final BigDecimal EPS = new BigDecimal("1e-75");
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /** pi to 140 digits, enough to reduce any f32 (< 2^128, 39 digits) and keep 80 digits after cancellation. */
    private static final BigDecimal PI = pi(new MathContext(140));
    private static final BigDecimal HALF_PI = PI.divide(TWO);
    static final BigDecimal LN2 = TWO.multiply(atanhInverse(3, MC), MC);
    static final double LN2_DOUBLE = LN2.doubleValue();

    private HighPrecision() {}

    static BigDecimal exp2(double a) {
        return exp(new BigDecimal(a).multiply(LN2, MC));
    }

    static BigDecimal log2(double a) {
        int e = Math.getExponent(a);
        BigDecimal m = new BigDecimal(Math.scalb(a, -e));
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        BigDecimal ln = TWO.multiply(atanh(z), MC);
        return BigDecimal.valueOf(e).add(ln.divide(LN2, MC), MC);
    }

    static BigDecimal sin(double a) {
        return quadrant(a, false);
    }

    static BigDecimal cos(double a) {
        return quadrant(a, true);
    }

    static BigDecimal tanh(double a) {
        BigDecimal e = expm1(new BigDecimal(a).multiply(TWO));
        return e.divide(e.add(TWO), MC);
    }

    /** sin or cos of a, reducing a by the nearest multiple k of pi/2 and choosing sin/cos of the rest by k mod 4. */
    private static BigDecimal quadrant(double a, boolean cosine) {
        BigDecimal x = new BigDecimal(a);
        BigInteger k = x.divide(HALF_PI, new MathContext(160)).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal r = x.subtract(HALF_PI.multiply(new BigDecimal(k)));
        int q = (k.intValue() + (cosine ? 1 : 0)) & 3;
        return switch (q) {
            case 0 -> sinSeries(r);
            case 1 -> cosSeries(r);
            case 2 -> sinSeries(r).negate();
            default -> cosSeries(r).negate();
        };
    }

    private static BigDecimal sinSeries(BigDecimal r) {
        BigDecimal r2 = r.multiply(r, MC);
        BigDecimal term = r.round(MC);
        BigDecimal sum = term;
        for (int n = 1; term.abs().compareTo(EPS.multiply(sum.abs())) > 0; n++) {
            term = term.multiply(r2, MC).divide(BigDecimal.valueOf((2L * n) * (2L * n + 1)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    private static BigDecimal cosSeries(BigDecimal r) {
        BigDecimal r2 = r.multiply(r, MC);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = term;
        for (int n = 1; term.abs().compareTo(EPS) > 0; n++) {
            term = term.multiply(r2, MC).divide(BigDecimal.valueOf((2L * n - 1) * (2L * n)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    /** e^y: y = n ln2 + r with |r| <= ln2/2, Taylor series for e^r. */
    private static BigDecimal exp(BigDecimal y) {
        int n = y.divide(LN2, MC).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
        BigDecimal r = y.subtract(LN2.multiply(BigDecimal.valueOf(n)), MC);
        BigDecimal e = BigDecimal.ONE.add(expm1Series(r), MC);
        BigDecimal scale = TWO.pow(Math.abs(n));
        return n >= 0 ? e.multiply(scale, MC) : e.divide(scale, MC);
    }

    /** e^y - 1 without cancellation for small y. */
    private static BigDecimal expm1(BigDecimal y) {
        if (y.abs().compareTo(BigDecimal.ONE) < 0) return expm1Series(y);
        return exp(y).subtract(BigDecimal.ONE, MC);
    }

    private static BigDecimal expm1Series(BigDecimal y) {
        if (y.signum() == 0) return BigDecimal.ZERO;
        BigDecimal term = y.round(MC);
        BigDecimal sum = term;
        for (int n = 2; term.abs().compareTo(EPS.multiply(sum.abs())) > 0; n++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
        }
        return sum;
    }

    /** atanh(z) = z + z^3/3 + z^5/5 + ... for |z| <= 1/3. */
    private static BigDecimal atanh(BigDecimal z) {
        if (z.signum() == 0) return BigDecimal.ZERO;
        BigDecimal z2 = z.multiply(z, MC);
        BigDecimal power = z;
        BigDecimal sum = z;
        for (int n = 3; ; n += 2) {
            power = power.multiply(z2, MC);
            BigDecimal term = power.divide(BigDecimal.valueOf(n), MC);
            if (term.abs().compareTo(EPS.multiply(sum.abs())) <= 0) return sum;
            sum = sum.add(term, MC);
        }
    }

    /** atanh(1/x) for an integer x > 1. */
    private static BigDecimal atanhInverse(int x, MathContext mc) {
        return atanh(BigDecimal.ONE.divide(BigDecimal.valueOf(x), mc));
    }

    /** Machin's formula pi = 16 atan(1/5) - 4 atan(1/239). */
    private static BigDecimal pi(MathContext mc) {
        return BigDecimal.valueOf(16).multiply(atanInverse(5, mc), mc).subtract(BigDecimal.valueOf(4).multiply(atanInverse(239, mc), mc), mc);
    }

    /** atan(1/x) = sum (-1)^k / ((2k+1) x^(2k+1)). */
    private static BigDecimal atanInverse(int x, MathContext mc) {
        BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() + 5);
        BigDecimal x2 = BigDecimal.valueOf((long) x * x);
        BigDecimal power = BigDecimal.ONE.divide(BigDecimal.valueOf(x), mc);
        BigDecimal sum = power;
        for (int n = 1; ; n++) {
            power = power.divide(x2, mc);
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), mc);
            if (term.compareTo(eps) < 0) return sum;
            sum = (n % 2 == 1) ? sum.subtract(term, mc) : sum.add(term, mc);
        }
    }
}
