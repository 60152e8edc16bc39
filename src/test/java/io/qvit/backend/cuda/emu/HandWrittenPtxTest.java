package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.testsupport.TestRandom;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * handwritten_ops.ptx against the PTX ISA's definitions, written out here independently of the
 * interpreter (prmt's mode tables copied from the ISA's table, bfi/bfind from its pseudo-code).
 * Bit-exact; division by zero checked against the hardware's all-ones quotient and dividend remainder.
 */
class HandWrittenPtxTest {
    /** PTX ISA prmt table: for mode f4e, b4e, rc8, ecl, ecr, rc16 and selector 0..3, result bytes b3 b2 b1 b0. */
    private static final String[][] PRMT = {
            {"3210", "4321", "5432", "6543"}, {"5670", "6701", "7012", "0123"}, {"0000", "1111", "2222", "3333"},
            {"3210", "3211", "3222", "3333"}, {"0000", "1110", "2210", "3210"}, {"1010", "3232", "1010", "3232"}};
    private static final int ROW = 184;

    @Test
    void everyFormMatchesTheIsa() {
        SplittableRandom rnd = TestRandom.random("handwritten");
        int block = 70, blocks = 2, n = block * blocks;
        int[] in = new int[3 * n];
        for (int i = 0; i < in.length; i++) in[i] = i % 5 == 0 ? rnd.nextInt(-40, 40) : rnd.nextInt();
        in[0] = Integer.MIN_VALUE; // abs, neg and add.sat at the edge
        in[1] = -1;
        try (CudaDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "handwritten_ops.ptx").kernel("ops");
            long pi = Emu.upload(d, in), po = Emu.poisoned(d, (long) ROW * n);
            d.launch(k, Dim3.of(blocks), Dim3.of(block), 0, new KernelArgs().pointer(pi).pointer(po));
            ByteBuffer out = ByteBuffer.allocate(ROW * n).order(ByteOrder.LITTLE_ENDIAN);
            d.copyToHost(out, po);
            for (int i = 0; i < n; i++) {
                int popc = 0;
                for (int t = i / block * block; t < (i / block + 1) * block; t++)
                    if (Integer.compareUnsigned(in[3 * t], in[3 * t + 1]) < 0) popc++;
                check(out, i, in[3 * i], in[3 * i + 1], in[3 * i + 2], popc);
            }
        }
    }

    private static void check(ByteBuffer out, int i, int x, int y, int z, int popc) {
        int base = i * ROW;
        String at = " (thread " + i + ", x=" + x + " y=" + y + " z=" + z + ")" + TestRandom.seedNote();
        for (int mode = 0; mode < 6; mode++)
            assertEquals(prmt(x, y, PRMT[mode][z & 3]), out.getInt(base + 4 * mode), "prmt mode " + mode + at);
        int pos = z & 0xff, len = (z >>> 8) & 0xff, f = y;
        for (int b = 0; b < len && pos + b <= 31; b++) f = f & ~(1 << (pos + b)) | ((x >>> b) & 1) << (pos + b);
        assertEquals(f, out.getInt(base + 24), "bfi" + at);
        assertEquals((x & y) | (~x & z), out.getInt(base + 28), "lop3 0xCA" + at);
        int v = x < 0 ? ~x : x;
        assertEquals(v == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(v), out.getInt(base + 32), "bfind.s32" + at);
        assertEquals(y == 0 ? -1 : Integer.numberOfLeadingZeros(y), out.getInt(base + 36), "bfind.shiftamt.u32" + at);
        int c = z & 31;
        assertEquals(c >= 16 ? 0 : (x << c) & 0xffff, out.getInt(base + 40), "shl.b16" + at);
        assertEquals((int) (short) x >> Math.min(c, 15), out.getInt(base + 44), "shr.s16" + at);
        assertEquals((x & 0xffff) * (y & 0xffff), out.getInt(base + 48), "mul.wide.u16" + at);
        assertEquals((int) (((long) x * y) >> 32), out.getInt(base + 52), "mul.hi.s32" + at);
        assertEquals((int) ((Integer.toUnsignedLong(x) * Integer.toUnsignedLong(y)) >>> 32) + z, out.getInt(base + 56), "mad.hi.u32" + at);
        assertEquals((z & 1) == 0 ? -1 : x, out.getInt(base + 60), "div.u32 by " + (z & 1) + at);
        assertEquals((z & 1) == 0 ? x : 0, out.getInt(base + 64), "rem.s32 by " + (z & 1) + at);
        assertEquals((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) x + y)), out.getInt(base + 68), "add.sat.s32" + at);
        assertEquals(Math.abs(x), out.getInt(base + 72), "abs.s32" + at);
        assertEquals(-x, out.getInt(base + 76), "neg.s32" + at);
        long a = (long) y << 32 | Integer.toUnsignedLong(x), b = (long) x << 32 | Integer.toUnsignedLong(z);
        assertEquals(Long.compareUnsigned(a, b) <= 0 ? a : b, out.getLong(base + 80), "min.u64" + at);
        assertEquals(Math.max(a, b), out.getLong(base + 88), "max.s64" + at);
        assertEquals(Long.numberOfLeadingZeros(a), out.getInt(base + 96), "clz.b64" + at);
        assertEquals(Long.bitCount(a), out.getInt(base + 100), "popc.b64" + at);
        assertEquals(Long.reverse(a), out.getLong(base + 104), "brev.b64" + at);
        long count = Integer.toUnsignedLong(z);
        assertEquals(count >= 64 ? a >> 63 : a >> count, out.getLong(base + 112), "shr.s64 by " + count + at);
        assertEquals(count >= 64 ? 0 : a << count, out.getLong(base + 120), "shl.b64 by " + count + at);
        assertEquals(z ^ x, out.getInt(base + 128), "mov.b64 unpack" + at);
        boolean p1 = Integer.compareUnsigned(x, y) < 0, p3 = x > z && p1, p4 = y != z || p1;
        assertEquals((p3 ? 1 : 0) | (p4 ? 2 : 0), out.getInt(base + 132), "setp with .and/.or and a second destination" + at);
        assertEquals(p1 ? y : x, out.getInt(base + 136), "selp with !p" + at);
        assertEquals(z >= 0 ? x : y, out.getInt(base + 140), "slct.s32" + at);
        assertEquals((int) (byte) x, out.getInt(base + 144), "cvt.s32.s8" + at);
        assertEquals((z & 1) == 0 ? 1 : 0, out.getInt(base + 148), "cnot" + at);
        assertEquals(Integer.toUnsignedLong(x) * Integer.toUnsignedLong(y) + a, out.getLong(base + 152), "mad.wide.u32" + at);
        assertEquals(y ^ x, out.getInt(base + 160), "local memory, direct and generic" + at);
        assertEquals(new int[] {11, 22, 33, 44}[z & 3], out.getInt(base + 164), "ld.const of an initialised table" + at);
        assertEquals(7L, out.getLong(base + 168), "initialised .global variable" + at);
        assertEquals(popc, out.getInt(base + 176), "bar.red.popc" + at);
        assertEquals(y, out.getInt(base + 180), "shared memory through generic addresses" + at);
    }

    private static int prmt(int x, int y, String bytes) {
        long all = Integer.toUnsignedLong(y) << 32 | Integer.toUnsignedLong(x);
        int r = 0;
        for (int i = 0; i < 4; i++) r |= (int) ((all >>> (8 * (bytes.charAt(3 - i) - '0'))) & 0xff) << (8 * i);
        return r;
    }
}
