package io.qvit.backend.cuda.emu.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.emu.semantics.ExactReference.Format;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import io.qvit.testsupport.TestRandom;
import org.junit.jupiter.api.Test;

/**
 * f32/f64 arithmetic against {@link ExactReference} (exact BigDecimal values rounded by IEEE's
 * definition), bit for bit: every rounding mode on random operands, zeros' signs, overflow,
 * subnormals with and without .ftz, .sat, NaN rules.
 */
class FloatOpsTest {
    private static final Rounding[] MODES = {Rounding.RN, Rounding.RZ, Rounding.RM, Rounding.RP};
    private static final MathContext GUESS = new MathContext(40);
    private final SplittableRandom rnd = TestRandom.random("FloatOpsTest");

    /** Random finite floats over the whole range, with many subnormals and many operands of nearby exponents (where cancellation happens). */
    private float randomFloat() {
        return switch (rnd.nextInt(4)) {
            case 0 -> {
                float f;
                do f = Float.intBitsToFloat(rnd.nextInt()); while (!Float.isFinite(f) || f == 0);
                yield f;
            }
            case 1 -> Float.intBitsToFloat((rnd.nextInt(0x7fffff) + 1) | (rnd.nextBoolean() ? 0x80000000 : 0));
            default -> (float) Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(60) - 30) * (rnd.nextBoolean() ? 1 : -1);
        };
    }

    private double randomDouble() {
        return switch (rnd.nextInt(4)) {
            case 0 -> {
                double d;
                do d = Double.longBitsToDouble(rnd.nextLong()); while (!Double.isFinite(d) || d == 0);
                yield d;
            }
            case 1 -> Double.longBitsToDouble((rnd.nextLong() & ((1L << 52) - 1)) | 1 | (rnd.nextBoolean() ? Long.MIN_VALUE : 0));
            default -> Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(140) - 70) * (rnd.nextBoolean() ? 1 : -1);
        };
    }

    private static BigDecimal x(double v) {
        return new BigDecimal(v);
    }

    /** IEEE 754 6.3: an exact zero sum of nonzero or opposite-signed terms is +0, -0 when rounding toward negative infinity. */
    private static double zeroSum(double a, double b, Rounding r) {
        if (a == 0 && b == 0 && (Double.doubleToRawLongBits(a) < 0) == (Double.doubleToRawLongBits(b) < 0)) return a;
        return r == Rounding.RM ? -0.0 : 0.0;
    }

    private static double expectedSum(Format f, BigDecimal exact, double a, double b, Rounding r) {
        return exact.signum() == 0 ? zeroSum(a, b, r) : ExactReference.round(f, exact, r);
    }

    private static void assertBits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                () -> what + ": expected " + expected + " got " + actual + TestRandom.seedNote());
    }

    private static void assertBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> what + ": expected " + expected + " got " + actual + TestRandom.seedNote());
    }

    @Test
    void f32AddSubMulFmaAreExactInEveryRounding() {
        for (int n = 0; n < 6000; n++) {
            float a = randomFloat();
            float b = randomFloat();
            float c = randomFloat();
            for (Rounding r : MODES) {
                String at = a + ", " + b + ", " + c + " " + r;
                assertBits((float) expectedSum(Format.F32, x(a).add(x(b)), a, b, r), FloatOps.add(a, b, r, false, false), "add " + at);
                assertBits((float) expectedSum(Format.F32, x(a).subtract(x(b)), a, -b, r), FloatOps.sub(a, b, r, false, false), "sub " + at);
                assertBits((float) ExactReference.round(Format.F32, x(a).multiply(x(b)), r), FloatOps.mul(a, b, r, false, false), "mul " + at);
                BigDecimal fma = x(a).multiply(x(b)).add(x(c));
                assertBits((float) expectedSum(Format.F32, fma, a * b, c, r), FloatOps.fma(a, b, c, r, false, false), "fma " + at);
            }
        }
    }

    @Test
    void f32DivSqrtRcpAreExactInEveryRounding() {
        for (int n = 0; n < 4000; n++) {
            float a = randomFloat();
            float b = randomFloat();
            float s = Math.abs(a);
            BigDecimal xa = x(a);
            BigDecimal xb = x(b);
            BigDecimal xs = x(s);
            for (Rounding r : MODES) {
                String at = a + ", " + b + " " + r;
                double q = x(a).divide(x(b), GUESS).doubleValue();
                // sign(c - a/b) = sign(c*b - a) * sign(b)
                double div = ExactReference.round(Format.F32, c -> c.multiply(xb).compareTo(xa) * (b > 0 ? 1 : -1), (float) q, r);
                assertBits((float) div, FloatOps.div(a, b, r, false), "div " + at);
                double rcp = ExactReference.round(Format.F32, c -> c.multiply(xa).compareTo(BigDecimal.ONE) * (a > 0 ? 1 : -1), (float) (1 / (double) a), r);
                assertBits((float) rcp, FloatOps.rcp(a, r, false), "rcp " + at);
                // for candidates c >= 0, sign(c - sqrt(s)) = sign(c^2 - s)
                double sqrt = ExactReference.round(Format.F32, c -> c.signum() < 0 ? -1 : c.multiply(c).compareTo(xs), (float) Math.sqrt(s), r);
                assertBits((float) sqrt, FloatOps.sqrt(s, r, false), "sqrt " + at);
            }
        }
    }

    @Test
    void f64ArithmeticIsExactInEveryRounding() {
        for (int n = 0; n < 2500; n++) {
            double a = randomDouble();
            double b = randomDouble();
            double c = randomDouble();
            double s = Math.abs(a);
            BigDecimal xa = x(a);
            BigDecimal xb = x(b);
            BigDecimal xs = x(s);
            for (Rounding r : MODES) {
                String at = a + ", " + b + ", " + c + " " + r;
                assertBits(expectedSum(Format.F64, x(a).add(x(b)), a, b, r), FloatOps.add(a, b, r), "add " + at);
                assertBits(expectedSum(Format.F64, x(a).subtract(x(b)), a, -b, r), FloatOps.sub(a, b, r), "sub " + at);
                assertBits(ExactReference.round(Format.F64, x(a).multiply(x(b)), r), FloatOps.mul(a, b, r), "mul " + at);
                BigDecimal fma = x(a).multiply(x(b)).add(x(c));
                double productSign = Math.copySign(1, a) * Math.copySign(1, b);
                assertBits(expectedSum(Format.F64, fma, productSign * 0.0, c, r), FloatOps.fma(a, b, c, r), "fma " + at);
                double q = x(a).divide(x(b), GUESS).doubleValue();
                assertBits(ExactReference.round(Format.F64, v -> v.multiply(xb).compareTo(xa) * (b > 0 ? 1 : -1), q, r), FloatOps.div(a, b, r), "div " + at);
                double rq = BigDecimal.ONE.divide(x(a), GUESS).doubleValue();
                assertBits(ExactReference.round(Format.F64, v -> v.multiply(xa).compareTo(BigDecimal.ONE) * (a > 0 ? 1 : -1), rq, r), FloatOps.rcp(a, r), "rcp " + at);
                assertBits(ExactReference.round(Format.F64, v -> v.signum() < 0 ? -1 : v.multiply(v).compareTo(xs), Math.sqrt(s), r), FloatOps.sqrt(s, r), "sqrt " + at);
            }
        }
    }

    @Test
    void fmaIsRoundedOnceNotThroughDouble() {
        // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 lies exactly on an f32 midpoint; + 2^-60 puts it just above,
        // which double cannot hold: rounding through double would tie to even and go down
        float a = 1 + 0x1p-12f;
        float c = 0x1p-60f;
        BigDecimal exact = x(a).multiply(x(a)).add(x(c));
        float expected = (float) ExactReference.round(Format.F32, exact, Rounding.RN);
        assertBits(expected, FloatOps.fma(a, a, c, Rounding.RN, false, false), "fma");
        assertNotEquals(expected, (float) ((double) a * a + c), "the case must defeat double rounding");
        for (Rounding r : MODES) {
            assertBits((float) ExactReference.round(Format.F32, exact, r), FloatOps.fma(a, a, c, r, false, false), "fma " + r);
        }
    }

    @Test
    void exactZerosTakeTheSignIeeeGives() {
        float a = 1.5f;
        for (Rounding r : MODES) {
            float expected = r == Rounding.RM ? -0f : 0f;
            assertBits(expected, FloatOps.add(a, -a, r, false, false), "x + -x " + r);
            assertBits(expected, FloatOps.sub(a, a, r, false, false), "x - x " + r);
            assertBits(expected, FloatOps.fma(a, 2f, -3f, r, false, false), "1.5*2 - 3 " + r);
            assertBits(-0f, FloatOps.add(-0f, -0f, r, false, false), "-0 + -0 " + r);
            assertBits(-0f, FloatOps.mul(-0f, 3f, r, false, false), "-0 * 3 " + r);
            assertBits(-0f, FloatOps.sqrt(-0f, r, false), "sqrt(-0) " + r);
            assertBits(expected, (float) FloatOps.add(1.25, -1.25, r), "f64 x + -x " + r);
        }
    }

    @Test
    void overflowGoesToInfinityOrTheLargestFiniteByDirection() {
        float m = Float.MAX_VALUE;
        assertBits(Float.POSITIVE_INFINITY, FloatOps.add(m, m, Rounding.RN, false, false), "RN");
        assertBits(m, FloatOps.add(m, m, Rounding.RZ, false, false), "RZ");
        assertBits(m, FloatOps.add(m, m, Rounding.RM, false, false), "RM");
        assertBits(Float.POSITIVE_INFINITY, FloatOps.add(m, m, Rounding.RP, false, false), "RP");
        assertBits(-m, FloatOps.mul(-m, 2, Rounding.RZ, false, false), "-RZ");
        assertBits(Float.NEGATIVE_INFINITY, FloatOps.mul(-m, 2, Rounding.RM, false, false), "-RM");
        assertBits(-m, FloatOps.mul(-m, 2, Rounding.RP, false, false), "-RP");
        assertBits(Double.MAX_VALUE, FloatOps.fma(Double.MAX_VALUE, 2, 0, Rounding.RZ), "f64 RZ");
        assertBits(Double.NEGATIVE_INFINITY, FloatOps.div(-Double.MAX_VALUE, 0.5, Rounding.RM), "f64 RM");
        // infinite operands give infinities in every direction: those are exact
        assertBits(Float.POSITIVE_INFINITY, FloatOps.add(Float.POSITIVE_INFINITY, 1, Rounding.RZ, false, false), "inf + 1 RZ");
    }

    @Test
    void ftzFlushesSubnormalInputsAndResultsKeepingTheSign() {
        float sub = Float.MIN_NORMAL / 4;
        assertBits(1f, FloatOps.add(1f, sub, Rounding.RP, true, false), "subnormal input flushed before rounding up");
        assertBits(Math.nextUp(1f), FloatOps.add(1f, sub, Rounding.RP, false, false), "kept without ftz");
        assertBits(-0f, FloatOps.mul(-sub, 1f, Rounding.RN, true, false), "-subnormal input");
        float tiny = Float.MIN_NORMAL * 0.75f;
        assertBits(-0f, FloatOps.mul(-Float.MIN_NORMAL, 0.75f, Rounding.RN, true, false), "subnormal result");
        assertBits(-tiny, FloatOps.mul(-Float.MIN_NORMAL, 0.75f, Rounding.RN, false, false), "gradual underflow without ftz");
        assertBits(0f, FloatOps.div(Float.MIN_NORMAL, 3f, Rounding.RP, true), "div result");
        assertBits(Float.POSITIVE_INFINITY, FloatOps.rcp(sub, Rounding.RN, true), "rcp of a flushed subnormal");
        assertBits(-0f, FloatOps.sqrt(-sub, Rounding.RN, true), "sqrt of a flushed negative subnormal");
        assertTrue(Float.isNaN(FloatOps.sqrt(-sub, Rounding.RN, false)), "sqrt of a negative subnormal");
        assertBits(-0f, FloatOps.min(-sub, 1f, true), "min");
        assertBits(0f, FloatOps.abs(-sub, true), "abs");
        assertBits(sub, FloatOps.abs(-sub, false), "abs without ftz");
        assertBits(0f, FloatOps.neg(-sub, true), "neg");
    }

    @Test
    void satClampsToZeroOneAndNanToPositiveZero() {
        for (int n = 0; n < 2000; n++) {
            float a = randomFloat();
            float b = randomFloat();
            float plain = FloatOps.add(a, b, Rounding.RN, false, false);
            float expected = plain > 1 ? 1f : plain > 0 ? plain : 0f;
            assertBits(expected, FloatOps.add(a, b, Rounding.RN, false, true), "add.sat " + a + ", " + b);
        }
        assertBits(0f, FloatOps.add(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Rounding.RN, false, true), "NaN");
        assertBits(0f, FloatOps.mul(-0f, 1f, Rounding.RN, false, true), "-0");
        assertBits(1f, FloatOps.fma(2f, 3f, 0f, Rounding.RZ, false, true), "above one");
        assertBits(0.5f, FloatOps.sub(1f, 0.5f, Rounding.RN, false, true), "inside");
    }

    @Test
    void nanResultsAreCanonicalForF32AndKeepPayloadsForF64() {
        int canonical = 0x7fffffff;
        float payload = Float.intBitsToFloat(0xffc01234);
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.add(payload, 1f, Rounding.RN, false, false)));
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.mul(Float.POSITIVE_INFINITY, 0f, Rounding.RZ, false, false)));
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.fma(1f, 1f, payload, Rounding.RP, false, false)));
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.div(0f, 0f, Rounding.RN, false)));
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.sqrt(-1f, Rounding.RM, false)));
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.abs(payload, false)));
        assertEquals(canonical, Float.floatToRawIntBits(FloatOps.neg(payload, false)));
        long signalling = 0x7ff0000000000123L;
        double snan = Double.longBitsToDouble(signalling);
        assertEquals(signalling | 1L << 51, Double.doubleToRawLongBits(FloatOps.add(1.0, snan, Rounding.RN)), "payload kept, quieted");
        assertEquals(signalling | 1L << 51, Double.doubleToRawLongBits(FloatOps.fma(2.0, 3.0, snan, Rounding.RZ)));
        assertEquals(0x7fffffffffffffffL, Double.doubleToRawLongBits(FloatOps.sub(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Rounding.RN)));
        assertEquals(0x7fffffffffffffffL, Double.doubleToRawLongBits(FloatOps.sqrt(-2.0, Rounding.RP)));
    }

    @Test
    void minMaxReturnTheNumberWhenOneIsNanAndOrderSignedZeros() {
        float nan = Float.NaN;
        for (int n = 0; n < 1000; n++) {
            float a = randomFloat();
            float b = randomFloat();
            assertBits(a < b ? a : b, FloatOps.min(a, b, false), "min");
            assertBits(a > b ? a : b, FloatOps.max(a, b, false), "max");
            assertBits(a, FloatOps.min(a, nan, false), "min(a, NaN)");
            assertBits(a, FloatOps.max(nan, a, false), "max(NaN, a)");
        }
        assertEquals(0x7fffffff, Float.floatToRawIntBits(FloatOps.min(nan, nan, false)));
        assertEquals(0x7fffffff, Float.floatToRawIntBits(FloatOps.max(nan, nan, false)));
        assertBits(-0f, FloatOps.min(0f, -0f, false), "min(+0, -0)");
        assertBits(0f, FloatOps.max(-0f, 0f, false), "max(-0, +0)");
    }

    @Test
    void comparisonsFollowTheOrderedAndUnorderedTables() {
        double[] values = {Double.NaN, Double.NEGATIVE_INFINITY, -1.5, -0.0, 0.0, 2.25, Double.POSITIVE_INFINITY};
        for (double a : values) {
            for (double b : values) {
                boolean nan = Double.isNaN(a) || Double.isNaN(b);
                // the ISA's tables, with a total order on the numbers where -0 == +0
                int cmp = nan ? 0 : Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b);
                String at = a + " " + b;
                assertEquals(!nan && cmp == 0, FloatOps.compare("eq", a, b), "eq " + at);
                assertEquals(!nan && cmp != 0, FloatOps.compare("ne", a, b), "ne " + at);
                assertEquals(!nan && cmp < 0, FloatOps.compare("lt", a, b), "lt " + at);
                assertEquals(!nan && cmp <= 0, FloatOps.compare("le", a, b), "le " + at);
                assertEquals(!nan && cmp > 0, FloatOps.compare("gt", a, b), "gt " + at);
                assertEquals(!nan && cmp >= 0, FloatOps.compare("ge", a, b), "ge " + at);
                assertEquals(nan || cmp == 0, FloatOps.compare("equ", a, b), "equ " + at);
                assertEquals(nan || cmp != 0, FloatOps.compare("neu", a, b), "neu " + at);
                assertEquals(nan || cmp < 0, FloatOps.compare("ltu", a, b), "ltu " + at);
                assertEquals(nan || cmp <= 0, FloatOps.compare("leu", a, b), "leu " + at);
                assertEquals(nan || cmp > 0, FloatOps.compare("gtu", a, b), "gtu " + at);
                assertEquals(nan || cmp >= 0, FloatOps.compare("geu", a, b), "geu " + at);
                assertEquals(!nan, FloatOps.compare("num", a, b), "num " + at);
                assertEquals(nan, FloatOps.compare("nan", a, b), "nan " + at);
            }
        }
    }

    @Test
    void divApproxAndDivFullAreCorrectlyRoundedWithTheDocumentedLargeDivisorCase() {
        for (int n = 0; n < 2000; n++) {
            float a = randomFloat();
            float b = randomFloat();
            float exact = FloatOps.div(a, b, Rounding.RN, false);
            assertBits(exact, FloatOps.divFull(a, b, false), "div.full " + a + "/" + b);
            if (Math.abs(b) <= 0x1p126f) assertBits(exact, FloatOps.divApprox(a, b, false), "div.approx " + a + "/" + b);
        }
        assertBits(-0f, FloatOps.divApprox(3f, -0x1.8p126f, false), "|b| > 2^126 gives a sign-preserving zero");
        assertTrue(Float.isNaN(FloatOps.divApprox(Float.POSITIVE_INFINITY, 0x1.8p126f, false)), "inf / |b| > 2^126 gives NaN");
        assertFalse(Float.isNaN(FloatOps.divFull(Float.POSITIVE_INFINITY, 0x1.8p126f, false)), "div.full keeps the full range");
    }

    @Test
    void integralRoundingIsRejectedForArithmetic() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> FloatOps.add(1f, 2f, Rounding.RNI, false, false));
        assertBits(3f, FloatOps.add(1f, 2f, null, false, false), "no modifier is .rn");
    }
}
