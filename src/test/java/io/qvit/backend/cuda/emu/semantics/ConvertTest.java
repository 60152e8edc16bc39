package io.qvit.backend.cuda.emu.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.backend.cuda.emu.semantics.ExactReference.Format;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.SplittableRandom;
import io.qvit.testsupport.TestRandom;
import org.junit.jupiter.api.Test;

/**
 * cvt against references built from BigDecimal/BigInteger: integral roundings and clamping, integer
 * to float and float to float in every rounding, f16/bf16 against a table of every 16-bit pattern's
 * value, integer narrowing with and without .sat, and the ISA's NaN rules.
 */
class ConvertTest {
    private static final Rounding[] MODES = {Rounding.RN, Rounding.RZ, Rounding.RM, Rounding.RP};
    private static final Rounding[] INTEGRAL = {Rounding.RNI, Rounding.RZI, Rounding.RMI, Rounding.RPI};
    private static final String[] INT_TYPES = {"s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64"};
    private final SplittableRandom rnd = TestRandom.random("ConvertTest");

    private static RoundingMode javaMode(Rounding r) {
        return switch (r) {
            case RNI -> RoundingMode.HALF_EVEN;
            case RZI -> RoundingMode.DOWN;
            case RMI -> RoundingMode.FLOOR;
            case RPI -> RoundingMode.CEILING;
            default -> throw new IllegalArgumentException(r.toString());
        };
    }

    private static int width(String type) {
        return Integer.parseInt(type.substring(1));
    }

    private static boolean signed(String type) {
        return type.charAt(0) == 's';
    }

    private static BigInteger min(String t) {
        return signed(t) ? BigInteger.ONE.shiftLeft(width(t) - 1).negate() : BigInteger.ZERO;
    }

    private static BigInteger max(String t) {
        return BigInteger.ONE.shiftLeft(signed(t) ? width(t) - 1 : width(t)).subtract(BigInteger.ONE);
    }

    /** An integer of type t as the long the interpreter keeps: its low bits, sign- or zero-extended. */
    private static long held(BigInteger v, String t) {
        BigInteger low = v.mod(BigInteger.ONE.shiftLeft(width(t)));
        if (signed(t) && low.testBit(width(t) - 1)) low = low.subtract(BigInteger.ONE.shiftLeft(width(t)));
        return low.longValue();
    }

    private static BigInteger clamp(BigInteger v, String t) {
        return v.max(min(t)).min(max(t));
    }

    private double randomDouble() {
        return switch (rnd.nextInt(4)) {
            case 0 -> (rnd.nextDouble() - 0.5) * 600;
            case 1 -> (rnd.nextDouble() - 0.5) * 1e10;
            case 2 -> (rnd.nextDouble() - 0.5) * 8e19;
            default -> Math.round((rnd.nextDouble() - 0.5) * 20) / 2.0;
        };
    }

    @Test
    void floatToIntRoundsThenClampsToTheDestinationRange() {
        for (int n = 0; n < 20000; n++) {
            double v = randomDouble();
            for (String t : INT_TYPES) {
                for (Rounding r : INTEGRAL) {
                    BigInteger exact = new BigDecimal(v).setScale(0, javaMode(r)).toBigIntegerExact();
                    long expected = held(clamp(exact, t), t);
                    assertEquals(expected, Convert.floatToInt(v, t, r), "cvt." + r + "." + t + " of " + v + TestRandom.seedNote());
                }
            }
        }
    }

    @Test
    void floatToIntEdgeCases() {
        for (double v : new double[] {0x1p31, -0x1p31 - 1, 0x1p63, -0x1p63, 0x1p64, 4294967295.5, -0.75, 1e300, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}) {
            for (String t : INT_TYPES) {
                BigInteger exact = Double.isInfinite(v) ? (v > 0 ? max(t) : min(t))
                        : new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
                assertEquals(held(clamp(exact, t), t), Convert.floatToInt(v, t, Rounding.RNI), "cvt.rni." + t + " of " + v);
            }
        }
        // ties go to the even integer
        for (double v : new double[] {0.5, 1.5, 2.5, -0.5, -1.5, -2.5}) {
            long even = new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            assertEquals(even, Convert.floatToInt(v, "s32", Rounding.RNI), "rni " + v);
            assertEquals(0, even % 2, "the reference's tie is even");
        }
        // NaN: 0, except 1 << (width - 1) for a 64-bit destination or an f64 source
        for (String t : INT_TYPES) {
            long top = held(BigInteger.ONE.shiftLeft(width(t) - 1), t);
            assertEquals(width(t) == 64 ? top : 0, Convert.floatToInt(Double.NaN, t, Rounding.RZI), "NaN to " + t);
            assertEquals(top, Convert.floatToInt(Double.NaN, true, t, Rounding.RZI), "f64 NaN to " + t);
        }
    }

    @Test
    void intToFloatRoundsInEveryDirection() {
        for (int n = 0; n < 5000; n++) {
            long v = switch (n % 4) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextLong() >> rnd.nextInt(64);
                case 2 -> (1L << 24) + rnd.nextInt(64) - 32;
                default -> (1L << 53) + rnd.nextInt(64) - 32;
            };
            for (boolean unsigned : new boolean[] {false, true}) {
                BigDecimal exact = new BigDecimal(unsigned ? new BigInteger(Long.toUnsignedString(v)) : BigInteger.valueOf(v));
                for (Rounding r : MODES) {
                    String at = (unsigned ? Long.toUnsignedString(v) : Long.toString(v)) + " " + r;
                    float f = exact.signum() == 0 ? 0f : (float) ExactReference.round(Format.F32, exact, r);
                    double d = exact.signum() == 0 ? 0.0 : ExactReference.round(Format.F64, exact, r);
                    assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Convert.intToF32(v, unsigned, r)), "to f32 " + at + TestRandom.seedNote());
                    assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(Convert.intToF64(v, unsigned, r)), "to f64 " + at + TestRandom.seedNote());
                }
            }
        }
    }

    @Test
    void f64ToF32RoundsInEveryDirectionWithFtzAndSat() {
        for (int n = 0; n < 5000; n++) {
            double v = switch (n % 3) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> Math.scalb(rnd.nextDouble() - 0.5, rnd.nextInt(320) - 160);
                default -> Math.scalb(rnd.nextDouble() - 0.5, rnd.nextInt(20) + 120);
            };
            if (!Double.isFinite(v) || v == 0) continue;
            for (Rounding r : MODES) {
                float expected = (float) ExactReference.round(Format.F32, new BigDecimal(v), r);
                String at = v + " " + r + TestRandom.seedNote();
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Convert.f64ToF32(v, r, false, false)), at);
                float flushed = Math.abs(expected) < Float.MIN_NORMAL ? Math.copySign(0f, expected) : expected;
                assertEquals(Float.floatToRawIntBits(flushed), Float.floatToRawIntBits(Convert.f64ToF32(v, r, true, false)), "ftz " + at);
                float sat = expected > 1 ? 1f : expected > 0 ? expected : 0f;
                assertEquals(Float.floatToRawIntBits(sat), Float.floatToRawIntBits(Convert.f64ToF32(v, r, false, true)), "sat " + at);
            }
        }
        assertEquals(0x7fffffff, Float.floatToRawIntBits(Convert.f64ToF32(Double.NaN, Rounding.RN, false, false)));
        assertEquals(0, Float.floatToRawIntBits(Convert.f64ToF32(Double.NaN, Rounding.RN, false, true)), "sat NaN is +0");
    }

    @Test
    void f32IntegralRoundingKeepsTheSignOfZero() {
        for (int n = 0; n < 20000; n++) {
            float v = n % 2 == 0 ? (float) ((rnd.nextDouble() - 0.5) * 20) : Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isFinite(v)) continue;
            for (Rounding r : INTEGRAL) {
                BigDecimal exact = new BigDecimal(v).setScale(0, javaMode(r));
                float expected = exact.signum() == 0 ? Math.copySign(0f, v) : exact.floatValue();
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Convert.f32ToF32(v, r, false, false)), "cvt." + r + ".f32.f32 " + v + TestRandom.seedNote());
            }
        }
        float sub = -Float.MIN_NORMAL / 2;
        assertEquals(-1f, Convert.f32ToF32(sub, Rounding.RMI, false, false), "floor of a negative subnormal");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Convert.f32ToF32(sub, Rounding.RMI, true, false)), "flushed first");
        assertEquals(Float.floatToRawIntBits(sub), Float.floatToRawIntBits(Convert.f32ToF32(sub, null, false, false)), "no rounding, no ftz");
        assertEquals(0f, Convert.f32ToF32(-3.5f, Rounding.RNI, false, true), "sat");
    }

    /** Every finite value of a 16-bit format with its bits, ascending, +-0 once (as +0), and infinity standing for the first power of two past the largest value. */
    private record Table(double[] values, int[] bits) {
        static Table of(boolean bf16) {
            double[] v = new double[65536];
            int[] b = new int[65536];
            int n = 0;
            for (int p = 0; p < 65536; p++) {
                if (p == 0x8000) continue;
                int e = bf16 ? (p >>> 7) & 0xff : (p >>> 10) & 0x1f;
                int f = bf16 ? p & 0x7f : p & 0x3ff;
                int maxE = bf16 ? 0xff : 0x1f;
                int fracBits = bf16 ? 7 : 10;
                int bias = bf16 ? 127 : 15;
                double mag;
                if (e == maxE) {
                    if (f != 0) continue;
                    mag = Math.scalb(1.0, bias + 1);
                } else if (e == 0) {
                    mag = Math.scalb((double) f, 1 - bias - fracBits);
                } else {
                    mag = Math.scalb(1.0 + Math.scalb((double) f, -fracBits), e - bias);
                }
                v[n] = (p & 0x8000) != 0 ? -mag : mag;
                b[n++] = p;
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            double[] vals = v;
            Arrays.sort(order, (x, y) -> Double.compare(vals[x], vals[y]));
            double[] sv = new double[n];
            int[] sb = new int[n];
            for (int i = 0; i < n; i++) {
                sv[i] = v[order[i]];
                sb[i] = b[order[i]];
            }
            return new Table(sv, sb);
        }

        int round(double x, Rounding r) {
            int last = values.length - 1;
            if (Math.abs(x) >= values[last]) {
                // at or past the power of two infinity stands for: infinity, or the largest finite value toward zero
                boolean toInfinity = r == Rounding.RN || (x > 0 ? r == Rounding.RP : r == Rounding.RM);
                return x > 0 ? bits[toInfinity ? last : last - 1] : bits[toInfinity ? 0 : 1];
            }
            int i = Arrays.binarySearch(values, x);
            if (i >= 0) return x == 0 ? (Double.doubleToRawLongBits(x) < 0 ? 0x8000 : 0) : bits[i];
            int hiI = -i - 1;
            int loI = hiI - 1;
            int lo = bits[loI];
            int hi = bits[hiI];
            if (values[loI] == 0 && x < 0) lo = 0x8000;
            if (values[hiI] == 0 && x < 0) hi = 0x8000;
            return switch (r) {
                case RM -> lo;
                case RP -> hi;
                case RZ -> x < 0 ? hi : lo;
                case RN -> {
                    double mid = (values[loI] + values[hiI]) / 2;
                    yield x < mid ? lo : x > mid ? hi : (lo & 1) == 0 ? lo : hi;
                }
                default -> throw new IllegalArgumentException(r.toString());
            };
        }
    }

    @Test
    void f32ToHalfRoundsInEveryDirection() {
        for (boolean bf16 : new boolean[] {false, true}) {
            Table table = Table.of(bf16);
            for (int n = 0; n < 20000; n++) {
                float v = switch (n % 3) {
                    case 0 -> Float.intBitsToFloat(rnd.nextInt());
                    case 1 -> (float) Math.scalb(rnd.nextDouble() - 0.5, rnd.nextInt(60) - 30);
                    default -> (float) ((rnd.nextDouble() - 0.5) * (bf16 ? 0x1p129 : 140000));
                };
                if (Float.isNaN(v)) continue;
                for (Rounding r : MODES) {
                    int expected = Float.isInfinite(v) ? (bf16 ? 0x7f80 : 0x7c00) | (v < 0 ? 0x8000 : 0) : table.round(v, r);
                    int actual = bf16 ? Convert.f32ToBf16(v, r, false) : Convert.f32ToF16(v, r, false);
                    assertEquals(expected, actual, (bf16 ? "bf16 " : "f16 ") + v + " " + r + TestRandom.seedNote());
                    int sat = table.round(v > 1 ? 1 : v > 0 ? v : 0, r);
                    assertEquals(sat, bf16 ? Convert.f32ToBf16(v, r, true) : Convert.f32ToF16(v, r, true), "sat " + v + " " + r + TestRandom.seedNote());
                }
            }
            assertEquals(0x7fff, bf16 ? Convert.f32ToBf16(Float.NaN, Rounding.RN, false) : Convert.f32ToF16(Float.NaN, Rounding.RN, false), "NaN");
            assertEquals(0, bf16 ? Convert.f32ToBf16(Float.NaN, Rounding.RN, true) : Convert.f32ToF16(Float.NaN, Rounding.RN, true), "sat NaN");
        }
        int packed = Convert.f32x2ToHalf2(1.5f, -2f, false, Rounding.RN, false);
        assertEquals(Convert.f32ToF16(1.5f, Rounding.RN, false), packed >>> 16, "a in the upper half");
        assertEquals(Convert.f32ToF16(-2f, Rounding.RN, false), packed & 0xffff, "b in the lower half");
    }

    @Test
    void halfToF32IsExactForEveryPattern() {
        for (boolean bf16 : new boolean[] {false, true}) {
            Table table = Table.of(bf16);
            for (int i = 0; i < table.values.length; i++) {
                int p = table.bits[i];
                double v = table.values[i];
                float expected = Math.abs(v) == (bf16 ? 0x1p128 : 0x1p16) ? (float) Math.copySign(Double.POSITIVE_INFINITY, v) : (float) v;
                float actual = bf16 ? Convert.bf16ToF32(p) : Convert.f16ToF32(p);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), (bf16 ? "bf16 " : "f16 ") + Integer.toHexString(p));
            }
            assertEquals(0x80000000, Float.floatToRawIntBits(bf16 ? Convert.bf16ToF32(0x8000) : Convert.f16ToF32(0x8000)), "-0");
            assertEquals(0x7fffffff, Float.floatToRawIntBits(bf16 ? Convert.bf16ToF32(0x7fc1) : Convert.f16ToF32(0x7e01)), "NaN");
        }
    }

    @Test
    void intToIntTruncatesOrSaturates() {
        for (int n = 0; n < 3000; n++) {
            long raw = rnd.nextLong() >> rnd.nextInt(64);
            for (String src : INT_TYPES) {
                long v = held(BigInteger.valueOf(raw), src);
                BigInteger value = signed(src) || v >= 0 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
                for (String dst : INT_TYPES) {
                    assertEquals(held(value, dst), Convert.intToInt(v, src, dst, false), src + "->" + dst + " " + value + TestRandom.seedNote());
                    assertEquals(held(clamp(value, dst), dst), Convert.intToInt(v, src, dst, true), "sat " + src + "->" + dst + " " + value + TestRandom.seedNote());
                }
            }
        }
    }
}
