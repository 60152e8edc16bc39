package io.qvit.backend.cuda.emu.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import io.qvit.testsupport.TestRandom;
import org.junit.jupiter.api.Test;

/**
 * The .approx.f32 instructions: the special values of the ISA's tables, and on random arguments the
 * nearest float to StrictMath's double value (a correctly rounded result is within half an f32 ulp of
 * the true value; StrictMath is within 1e-15 relative of it), which is also within the hardware bound
 * each instruction documents.
 */
class ApproxTest {
    private final SplittableRandom rnd = TestRandom.random("ApproxTest");

    private static float approx(String op, float a) {
        return FloatOps.approx(op, a, false);
    }

    private static void assertBits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), () -> what + ": expected " + expected + " got " + actual + TestRandom.seedNote());
    }

    @Test
    void specialValuesAreTheIsasTables() {
        float inf = Float.POSITIVE_INFINITY;
        float nan = Float.NaN;
        // rcp
        assertBits(-0f, approx("rcp", -inf), "rcp -inf");
        assertBits(Float.NEGATIVE_INFINITY, approx("rcp", -0f), "rcp -0");
        assertBits(inf, approx("rcp", 0f), "rcp +0");
        assertBits(0f, approx("rcp", inf), "rcp +inf");
        // sqrt
        assertTrue(Float.isNaN(approx("sqrt", -inf)));
        assertTrue(Float.isNaN(approx("sqrt", -2f)));
        assertBits(-0f, approx("sqrt", -0f), "sqrt -0");
        assertBits(inf, approx("sqrt", inf), "sqrt inf");
        // rsqrt
        assertTrue(Float.isNaN(approx("rsqrt", -inf)));
        assertTrue(Float.isNaN(approx("rsqrt", -3f)));
        assertBits(Float.NEGATIVE_INFINITY, approx("rsqrt", -0f), "rsqrt -0");
        assertBits(inf, approx("rsqrt", 0f), "rsqrt +0");
        assertBits(0f, approx("rsqrt", inf), "rsqrt inf");
        // ex2
        assertBits(0f, approx("ex2", -inf), "ex2 -inf");
        assertBits(1f, approx("ex2", -0f), "ex2 -0");
        assertBits(1f, approx("ex2", 0f), "ex2 +0");
        assertBits(inf, approx("ex2", inf), "ex2 inf");
        // lg2
        assertTrue(Float.isNaN(approx("lg2", -inf)));
        assertTrue(Float.isNaN(approx("lg2", -1f)));
        assertBits(Float.NEGATIVE_INFINITY, approx("lg2", -0f), "lg2 -0");
        assertBits(Float.NEGATIVE_INFINITY, approx("lg2", 0f), "lg2 +0");
        assertBits(inf, approx("lg2", inf), "lg2 inf");
        // sin, cos
        for (String op : new String[] {"sin", "cos"}) {
            assertTrue(Float.isNaN(approx(op, inf)), op);
            assertTrue(Float.isNaN(approx(op, -inf)), op);
        }
        assertBits(-0f, approx("sin", -0f), "sin -0");
        assertBits(0f, approx("sin", 0f), "sin +0");
        assertBits(1f, approx("cos", -0f), "cos -0");
        assertBits(1f, approx("cos", 0f), "cos +0");
        // tanh
        assertBits(-1f, approx("tanh", -inf), "tanh -inf");
        assertBits(-0f, approx("tanh", -0f), "tanh -0");
        assertBits(0f, approx("tanh", 0f), "tanh +0");
        assertBits(1f, approx("tanh", inf), "tanh inf");
        float sub = Float.MIN_NORMAL / 8;
        assertBits(sub, approx("tanh", sub), "tanh passes subnormals through");
        for (String op : new String[] {"rcp", "sqrt", "rsqrt", "ex2", "lg2", "sin", "cos", "tanh"}) {
            assertEquals(0x7fffffff, Float.floatToRawIntBits(approx(op, nan)), op + " NaN");
        }
    }

    @Test
    void ftzFlushesSubnormalInputsAndResults() {
        float sub = Float.MIN_NORMAL / 8;
        assertBits(1f, FloatOps.approx("ex2", sub, true), "ex2 of a flushed input");
        assertBits(Float.NEGATIVE_INFINITY, FloatOps.approx("lg2", sub, true), "lg2 of a flushed input");
        assertBits(-130f, FloatOps.approx("lg2", 0x1p-130f, false), "lg2 of a subnormal power of two");
        assertBits(0x1p-130f, FloatOps.approx("ex2", -130f, false), "subnormal ex2 result");
        assertBits(0f, FloatOps.approx("ex2", -130f, true), "subnormal ex2 result flushed");
        assertBits(Float.POSITIVE_INFINITY, FloatOps.approx("rsqrt", sub, true), "rsqrt of a flushed input");
        assertBits(-0f, FloatOps.approx("sin", -sub, true), "sin of a flushed input");
    }

    /** How a documented bound is expressed. */
    private enum Bound { ABSOLUTE, RELATIVE, ULPS }

    private void checkNearest(String op, DoubleUnaryOperator f, float lo, float hi, double bound, Bound kind) {
        for (int n = 0; n < 20000; n++) {
            float a = (float) (lo + (hi - lo) * rnd.nextDouble());
            double y = f.applyAsDouble(a);
            float d = approx(op, a);
            float below = Math.nextDown(d);
            float above = Math.nextUp(d);
            double slack = 4 * Math.ulp(y);
            // d is the nearest float: y lies between the midpoints to d's neighbours
            assertTrue(y >= ((double) below + d) / 2 - slack && y <= ((double) above + d) / 2 + slack,
                    () -> op + "(" + a + ") = " + d + " is not the float nearest " + y + TestRandom.seedNote());
            double err = Math.abs(d - y);
            double allowed = switch (kind) {
                case ABSOLUTE -> bound;
                case RELATIVE -> bound * Math.abs(y);
                case ULPS -> bound * Math.ulp((float) y);
            };
            assertTrue(err <= allowed, () -> op + "(" + a + ") outside the hardware bound" + TestRandom.seedNote());
        }
    }

    @Test
    void randomArgumentsGiveTheNearestFloat() {
        checkNearest("ex2", x -> StrictMath.pow(2, x), -140f, 127f, 2, Bound.ULPS);
        checkNearest("lg2", x -> StrictMath.log(x) / StrictMath.log(2), 0.5f, 2f, 0x1p-22, Bound.ABSOLUTE);
        checkNearest("lg2", x -> StrictMath.log(x) / StrictMath.log(2), 2f, 1e30f, 0x1p-22, Bound.RELATIVE);
        checkNearest("sin", StrictMath::sin, (float) (-2 * Math.PI), (float) (2 * Math.PI), Math.pow(2, -20.5), Bound.ABSOLUTE);
        checkNearest("cos", StrictMath::cos, (float) (-100 * Math.PI), (float) (100 * Math.PI), Math.pow(2, -14.7), Bound.ABSOLUTE);
        checkNearest("tanh", StrictMath::tanh, -10f, 10f, 0x1p-11, Bound.RELATIVE);
        checkNearest("rsqrt", x -> 1 / StrictMath.sqrt(x), 1e-30f, 1e30f, Math.pow(2, -22.9), Bound.RELATIVE);
        checkNearest("rcp", x -> 1 / x, 1e-30f, 1e30f, 1, Bound.ULPS);
        checkNearest("sqrt", StrictMath::sqrt, 0f, 1e30f, 0x1p-23, Bound.RELATIVE);
    }

    @Test
    void rsqrtIsTheExactlyRoundedReciprocalSquareRoot() {
        for (int n = 0; n < 20000; n++) {
            float a;
            do a = Float.intBitsToFloat(rnd.nextInt() & 0x7fffffff); while (!Float.isFinite(a) || a == 0);
            BigDecimal xa = new BigDecimal(a);
            // for c > 0, sign(c - 1/sqrt(a)) = sign(c^2 a - 1)
            double expected = ExactReference.round(ExactReference.Format.F32,
                    c -> c.signum() <= 0 ? -1 : c.multiply(c).multiply(xa).compareTo(BigDecimal.ONE), (float) (1 / Math.sqrt(a)), Rounding.RN);
            assertBits((float) expected, approx("rsqrt", a), "rsqrt " + a);
        }
    }

    @Test
    void doubleAndSixtyDigitEvaluationsRoundToTheSameFloat() {
        for (int n = 0; n < 3000; n++) {
            float x = (float) ((rnd.nextDouble() - 0.5) * 400);
            float p = Float.intBitsToFloat(rnd.nextInt() & 0x7fffffff);
            if (!Float.isFinite(p) || p == 0) continue;
            assertBits(Float.parseFloat(HighPrecision.exp2(x).toString()), approx("ex2", x), "ex2 " + x);
            assertBits(Float.parseFloat(HighPrecision.sin(x).toString()), approx("sin", x), "sin " + x);
            assertBits(Float.parseFloat(HighPrecision.cos(x).toString()), approx("cos", x), "cos " + x);
            assertBits(Float.parseFloat(HighPrecision.tanh(x / 32).toString()), approx("tanh", x / 32), "tanh " + x / 32);
            assertBits(Float.parseFloat(HighPrecision.log2(p).toString()), approx("lg2", p), "lg2 " + p);
        }
    }

    @Test
    void highPrecisionEvaluationAgreesWithStrictMath() {
        // the fallback for arguments too close to an f32 midpoint: checked where double is good to 1e-15
        for (int n = 0; n < 300; n++) {
            double a = (float) (rnd.nextDouble() * 200 - 100);
            assertClose(StrictMath.sin(a), HighPrecision.sin(a).doubleValue(), "sin " + a);
            assertClose(StrictMath.cos(a), HighPrecision.cos(a).doubleValue(), "cos " + a);
            assertClose(StrictMath.tanh(a / 8), HighPrecision.tanh(a / 8).doubleValue(), "tanh " + a);
            assertClose(StrictMath.pow(2, a), HighPrecision.exp2(a).doubleValue(), "exp2 " + a);
            double p = Math.abs(a) + 1e-3;
            assertClose(StrictMath.log(p) / StrictMath.log(2), HighPrecision.log2(p).doubleValue(), "log2 " + p);
        }
        double huge = 0x1.fffffep127;
        assertClose(StrictMath.sin(huge), HighPrecision.sin(huge).doubleValue(), "sin of the largest float");
        assertClose(StrictMath.cos(huge), HighPrecision.cos(huge).doubleValue(), "cos of the largest float");
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-14 * Math.max(1, Math.abs(expected)), () -> what + ": " + expected + " vs " + actual + TestRandom.seedNote());
    }
}
