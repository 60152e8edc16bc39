package io.qvit.backend.cuda.emu.exec;

/**
 * PTX integer semantics on values of a given width (8, 16, 32 or 64 bits) carried in longs: results
 * are returned zero-extended to their width. Division by zero gives what the hardware gives (all ones
 * for the quotient, the dividend for the remainder); PTX leaves it undefined.
 */
final class IntegerAlu {
    private IntegerAlu() {}

    static long zx(long v, int w) {
        return w >= 64 ? v : v & ((1L << w) - 1);
    }

    static long sx(long v, int w) {
        return w >= 64 ? v : v << (64 - w) >> (64 - w);
    }

    static long ext(long v, int w, boolean signed) {
        return signed ? sx(v, w) : zx(v, w);
    }

    static long mulHi(long a, long b, int w, boolean signed) {
        if (w == 64) {
            long hi = Math.multiplyHigh(a, b);
            return signed ? hi : hi + ((a >> 63) & b) + ((b >> 63) & a);
        }
        return zx(ext(a, w, signed) * ext(b, w, signed) >> w, w);
    }

    static long div(long a, long b, int w, boolean signed) {
        if (zx(b, w) == 0) return zx(-1, w);
        if (signed) return zx(sx(a, w) / sx(b, w), w);
        return w == 64 ? Long.divideUnsigned(a, b) : zx(a, w) / zx(b, w);
    }

    static long rem(long a, long b, int w, boolean signed) {
        if (zx(b, w) == 0) return zx(a, w);
        if (signed) return zx(sx(a, w) % sx(b, w), w);
        return w == 64 ? Long.remainderUnsigned(a, b) : zx(a, w) % zx(b, w);
    }

    static long min(long a, long b, int w, boolean signed) {
        return signed ? zx(Math.min(sx(a, w), sx(b, w)), w) : (Long.compareUnsigned(zx(a, w), zx(b, w)) <= 0 ? zx(a, w) : zx(b, w));
    }

    static long max(long a, long b, int w, boolean signed) {
        return signed ? zx(Math.max(sx(a, w), sx(b, w)), w) : (Long.compareUnsigned(zx(a, w), zx(b, w)) >= 0 ? zx(a, w) : zx(b, w));
    }

    /** add.sat.s32: clamps to the s32 range instead of wrapping. */
    static long addSat32(long a, long b) {
        long s = (long) (int) a + (int) b;
        return zx(Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s)), 32);
    }

    /** shl: counts of the width or more give 0 (the count is an unsigned 32-bit value). */
    static long shl(long a, long count, int w) {
        long c = zx(count, 32);
        return c >= w ? 0 : zx(a << c, w);
    }

    /** shr: counts of the width or more give 0, or all sign bits for a signed type. */
    static long shr(long a, long count, int w, boolean signed) {
        long c = zx(count, 32);
        if (signed) return zx(sx(a, w) >> Math.min(c, 63), w);
        return c >= w ? 0 : zx(a, w) >>> c;
    }

    static long clz(long a, int w) {
        return Long.numberOfLeadingZeros(zx(a, w)) - (64 - w);
    }

    static long brev(long a, int w) {
        return Long.reverse(zx(a, w)) >>> (64 - w);
    }

    /** bfind: the bit position of the most significant non-sign bit, 0xffffffff when there is none; shiftamt counts from the top. */
    static long bfind(long a, int w, boolean signed, boolean shiftAmount) {
        long v = signed && sx(a, w) < 0 ? zx(~a, w) : zx(a, w);
        if (v == 0) return 0xffffffffL;
        int pos = 63 - Long.numberOfLeadingZeros(v);
        return shiftAmount ? w - 1 - pos : pos;
    }

    /** bfe (PTX ISA 9.7.1.19): position and length each taken from their low byte; the field sign-extended for signed types. */
    static long bfe(long a, long b, long c, int w, boolean signed) {
        int msb = w - 1;
        int pos = (int) (b & 0xff), len = (int) (c & 0xff);
        long sbit = !signed || len == 0 ? 0 : (a >>> Math.min(pos + len - 1, msb)) & 1;
        long d = 0;
        for (int i = 0; i <= msb; i++) {
            long bit = i < len && pos + i <= msb ? (a >>> (pos + i)) & 1 : sbit;
            d |= bit << i;
        }
        return zx(d, w);
    }

    /** bfi (PTX ISA 9.7.1.20): inserts the low {@code len} bits of {@code a} into {@code b} at {@code pos}. */
    static long bfi(long a, long b, long c, long d, int w) {
        int pos = (int) (c & 0xff), len = (int) (d & 0xff);
        long f = b;
        for (int i = 0; i < len && pos + i <= w - 1; i++) f = f & ~(1L << (pos + i)) | ((a >>> i) & 1) << (pos + i);
        return zx(f, w);
    }

    /** prmt.b32 (PTX ISA 9.7.9.7) in the default mode (0) or f4e, b4e, rc8, ecl, ecr, rc16 (1..6). */
    static long prmt(long a, long b, long c, int mode) {
        long bytes = zx(b, 32) << 32 | zx(a, 32);
        long d = 0;
        int sel = (int) (c & 3);
        for (int i = 0; i < 4; i++) {
            int pick;
            boolean signReplicate = false;
            switch (mode) {
                case 0 -> {
                    int nibble = (int) (c >>> (4 * i)) & 0xf;
                    pick = nibble & 7;
                    signReplicate = (nibble & 8) != 0;
                }
                case 1 -> pick = sel + i;
                case 2 -> pick = (sel - i) & 7;
                case 3 -> pick = sel;
                case 4 -> pick = Math.max(i, sel);
                case 5 -> pick = Math.min(i, sel);
                default -> pick = (i & 1) | (sel & 1) << 1;
            }
            long v = (bytes >>> (8 * pick)) & 0xff;
            if (signReplicate) v = (v & 0x80) != 0 ? 0xff : 0;
            d |= v << (8 * i);
        }
        return d;
    }

    /** lop3.b32: bit i of the result is bit {@code (a<<2 | b<<1 | c)} of the lookup table. */
    static long lop3(long a, long b, long c, int lut) {
        long d = 0;
        for (int m = 0; m < 8; m++)
            if ((lut >>> m & 1) != 0) d |= ((m & 4) != 0 ? a : ~a) & ((m & 2) != 0 ? b : ~b) & ((m & 1) != 0 ? c : ~c);
        return zx(d, 32);
    }

    /** dp4a: c plus the sum of the four products of a's and b's bytes, each byte signed or unsigned as its operand's type says. */
    static long dp4a(long a, long b, long c, boolean aSigned, boolean bSigned) {
        long sum = c;
        for (int i = 0; i < 4; i++) sum += ext(a >>> (8 * i), 8, aSigned) * ext(b >>> (8 * i), 8, bSigned);
        return zx(sum, 32);
    }

    /** dp2a.lo/.hi: c plus a's two 16-bit halves times bytes 0,1 (lo) or 2,3 (hi) of b. */
    static long dp2a(long a, long b, long c, boolean aSigned, boolean bSigned, boolean hi) {
        long sum = c;
        int first = hi ? 2 : 0;
        for (int i = 0; i < 2; i++) sum += ext(a >>> (16 * i), 16, aSigned) * ext(b >>> (8 * (first + i)), 8, bSigned);
        return zx(sum, 32);
    }

    /** setp's integer comparisons, in Decoder's order: eq ne lt le gt ge lo ls hi hs. */
    static boolean compare(int cmp, long a, long b, int w, boolean signed) {
        long x = ext(a, w, signed), y = ext(b, w, signed);
        int order = signed ? Long.compare(x, y) : Long.compareUnsigned(x, y);
        return switch (cmp) {
            case 0 -> x == y;
            case 1 -> x != y;
            case 2, 6 -> cmp == 6 ? Long.compareUnsigned(x, y) < 0 : order < 0;
            case 3, 7 -> cmp == 7 ? Long.compareUnsigned(x, y) <= 0 : order <= 0;
            case 4, 8 -> cmp == 8 ? Long.compareUnsigned(x, y) > 0 : order > 0;
            default -> cmp == 9 ? Long.compareUnsigned(x, y) >= 0 : order >= 0;
        };
    }

    /** setp's boolean combiner (and, or, xor; -1 none) with the third predicate. */
    static boolean combine(int op, boolean r, boolean c) {
        return switch (op) {
            case 0 -> r & c;
            case 1 -> r | c;
            case 2 -> r ^ c;
            default -> r;
        };
    }
}
