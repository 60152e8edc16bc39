package io.qvit.backend.cuda.emu.exec;

import io.qvit.backend.cuda.emu.program.Instr;
import io.qvit.backend.cuda.emu.program.Op;
import io.qvit.backend.cuda.emu.semantics.Convert;
import io.qvit.backend.cuda.emu.semantics.FloatOps;

/**
 * Floating-point instructions and conversions: the operands taken from their register bits and handed
 * to {@link FloatOps} and {@link Convert}, which define the arithmetic; the result put back as bits.
 */
final class FloatAlu {
    private FloatAlu() {}

    static void execute(Instr in, long[] r) {
        if (in.op == Op.FSETP) {
            setp(in, r);
            return;
        }
        if (in.op == Op.CVT_F) {
            r[in.d[0]] = convert(in, r);
            return;
        }
        long result;
        if (in.width == 64) {
            double a = d(r[in.s[0]]), b = in.s.length > 1 ? d(r[in.s[1]]) : 0;
            double v = switch (in.op) {
                case Op.FADD -> FloatOps.add(a, b, in.rounding);
                case Op.FSUB -> FloatOps.sub(a, b, in.rounding);
                case Op.FMUL -> FloatOps.mul(a, b, in.rounding);
                case Op.FFMA -> FloatOps.fma(a, b, d(r[in.s[2]]), in.rounding);
                case Op.FDIV -> FloatOps.div(a, b, in.rounding);
                case Op.FSQRT -> FloatOps.sqrt(a, in.rounding);
                case Op.FRCP -> FloatOps.rcp(a, in.rounding);
                // min/max.f64: a NaN operand gives the other operand
                case Op.FMIN -> Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
                case Op.FMAX -> Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
                case Op.FABS -> Math.abs(a);
                case Op.FNEG -> -a;
                default -> throw new IllegalStateException(in.toString());
            };
            result = Double.doubleToRawLongBits(v);
        } else {
            float a = f(r[in.s[0]]), b = in.s.length > 1 ? f(r[in.s[1]]) : 0;
            float v = switch (in.op) {
                case Op.FADD -> FloatOps.add(a, b, in.rounding, in.ftz, in.sat);
                case Op.FSUB -> FloatOps.sub(a, b, in.rounding, in.ftz, in.sat);
                case Op.FMUL -> FloatOps.mul(a, b, in.rounding, in.ftz, in.sat);
                case Op.FFMA -> FloatOps.fma(a, b, f(r[in.s[2]]), in.rounding, in.ftz, in.sat);
                case Op.FDIV -> FloatOps.div(a, b, in.rounding, in.ftz);
                case Op.FDIV_APPROX -> FloatOps.divApprox(a, b, in.ftz);
                case Op.FDIV_FULL -> FloatOps.divFull(a, b, in.ftz);
                case Op.FSQRT -> FloatOps.sqrt(a, in.rounding, in.ftz);
                case Op.FRCP -> FloatOps.rcp(a, in.rounding, in.ftz);
                case Op.FAPPROX -> FloatOps.approx(in.name, a, in.ftz);
                case Op.FMIN -> FloatOps.min(a, b, in.ftz);
                case Op.FMAX -> FloatOps.max(a, b, in.ftz);
                case Op.FABS -> FloatOps.abs(a, in.ftz);
                case Op.FNEG -> FloatOps.neg(a, in.ftz);
                default -> throw new IllegalStateException(in.toString());
            };
            result = Float.floatToRawIntBits(v) & 0xffffffffL;
        }
        r[in.d[0]] = result;
    }

    private static void setp(Instr in, long[] r) {
        double a, b;
        if (in.width == 64) {
            a = d(r[in.s[0]]);
            b = d(r[in.s[1]]);
        } else {
            a = flush(f(r[in.s[0]]), in.ftz);
            b = flush(f(r[in.s[1]]), in.ftz);
        }
        boolean t = FloatOps.compare(in.name, a, b);
        boolean c = in.s.length < 3 || (r[in.s[2]] != 0) != ((in.negated & 4) != 0);
        r[in.d[0]] = IntegerAlu.combine(in.sub2, t, c) ? 1 : 0;
        if (in.d.length > 1) r[in.d[1]] = IntegerAlu.combine(in.sub2, !t, c) ? 1 : 0;
    }

    /** setp.ftz compares subnormal inputs as sign-preserving zeros. */
    private static float flush(float v, boolean ftz) {
        return ftz && v != 0 && Math.abs(v) < Float.MIN_NORMAL ? Math.copySign(0f, v) : v;
    }

    private static long convert(Instr in, long[] r) {
        String dt = in.type, st = in.type2;
        long raw = r[in.s[0]];
        if (dt.endsWith("x2")) {
            // cvt.rn.f16x2.f32 d, a, b: a to the upper half, b to the lower
            boolean bf = dt.startsWith("bf");
            long hi = bf ? Convert.f32ToBf16(f(raw), in.rounding, in.sat) : Convert.f32ToF16(f(raw), in.rounding, in.sat);
            long lo = bf ? Convert.f32ToBf16(f(r[in.s[1]]), in.rounding, in.sat) : Convert.f32ToF16(f(r[in.s[1]]), in.rounding, in.sat);
            return (hi & 0xffff) << 16 | (lo & 0xffff);
        }
        boolean floatSource = st.startsWith("f") || st.startsWith("bf");
        if (!floatSource) {
            long v = IntegerAlu.ext(raw, in.width2, in.signed2);
            return dt.equals("f32") ? Float.floatToRawIntBits(Convert.intToF32(v, !in.signed2, in.rounding)) & 0xffffffffL
                    : Double.doubleToRawLongBits(Convert.intToF64(v, !in.signed2, in.rounding));
        }
        double value = switch (st) {
            case "f16" -> Convert.f16ToF32((int) raw & 0xffff);
            case "bf16" -> Convert.bf16ToF32((int) raw & 0xffff);
            case "f32" -> flush(f(raw), in.ftz);
            default -> d(raw);
        };
        switch (dt) {
            case "f32":
                if (st.equals("f64")) return bits(Convert.f64ToF32(value, in.rounding, in.ftz, in.sat));
                if (st.equals("f32")) return bits(Convert.f32ToF32(f(raw), in.rounding, in.ftz, in.sat));
                return bits((float) value);
            case "f64":
                // f32, f16 and bf16 to f64 are exact (ftz has flushed an f32 input)
                return Double.doubleToRawLongBits(value);
            case "f16":
                return Convert.f32ToF16((float) value, in.rounding, in.sat) & 0xffffL;
            case "bf16":
                return Convert.f32ToBf16((float) value, in.rounding, in.sat) & 0xffffL;
            default:
                return IntegerAlu.zx(Convert.floatToInt(value, dt, in.rounding), in.width);
        }
    }

    private static long bits(float v) {
        return Float.floatToRawIntBits(v) & 0xffffffffL;
    }

    private static float f(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    private static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }
}
