package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * integer_ops.cu and integer_ops64.cu (nvcc's PTX) against the PTX ISA's definitions written out in
 * plain Java here: exact, every element, counts of 32 and more included (bit-exact, no tolerance).
 */
class IntegerKernelsTest {
    @Test
    void integerOps32MatchTheIsa() {
        SplittableRandom rnd = TestRandom.random("integerOps32");
        int n = 333; // ragged: not a multiple of the block
        int[] a = new int[n], b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt();
            b[i] = i % 7 == 0 ? rnd.nextInt(64) | (rnd.nextInt(64) << 8) : rnd.nextInt();
        }
        try (CudaDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "integer_ops.ptx").kernel("integer_ops");
            long pa = Emu.upload(d, a), pb = Emu.upload(d, b), po = Emu.poisoned(d, 64L * n);
            d.launch(k, Dim3.of((n + 127) / 128), Dim3.of(128), 0, new KernelArgs().pointer(pa).pointer(pb).pointer(po).i32(n));
            int[] out = Emu.ints(d, po, 16 * n);
            for (int i = 0; i < n; i++) {
                int[] e = expected32(a[i], b[i]);
                for (int j = 0; j < 16; j++)
                    assertEquals(e[j], out[16 * i + j], "element " + i + " result " + j + " for a=" + a[i] + " b=" + b[i] + TestRandom.seedNote());
            }
        }
    }

    private static int[] expected32(int x, int y) {
        int[] o = new int[16];
        o[0] = x << (y & 31);
        o[1] = x >>> (y & 31);
        o[2] = x >> (y & 31);
        o[3] = bytePerm(x, y, y);
        o[4] = (int) ((Integer.toUnsignedLong(x) * Integer.toUnsignedLong(y)) >>> 32);
        o[5] = Integer.bitCount(x) + Integer.numberOfLeadingZeros(y);
        o[6] = Integer.reverse(x);
        o[7] = Integer.divideUnsigned(x, y | 1) ^ Integer.remainderUnsigned(x, y | 1);
        o[8] = x / (y | 1);
        o[9] = Math.min(x, y);
        o[10] = Integer.compareUnsigned(x, y) >= 0 ? x : y;
        int pos = y & 63, len = (y >>> 8) & 63;
        o[11] = bitField(x, pos, len, false);
        o[12] = bitField(x, pos, len, true);
        o[13] = (y & 63) >= 32 ? 0 : x << (y & 63);
        o[14] = (y & 63) >= 32 ? x >> 31 : x >> (y & 63);
        o[15] = (x == 0 ? 0 : Integer.numberOfTrailingZeros(x) + 1) + (x & y) - (x | ~y);
        return o;
    }

    /** __byte_perm: byte i of the result is byte (selector nibble i & 7) of the 8 bytes {y, x}. */
    private static int bytePerm(int x, int y, int s) {
        long bytes = Integer.toUnsignedLong(y) << 32 | Integer.toUnsignedLong(x);
        int r = 0;
        for (int i = 0; i < 4; i++) r |= (int) ((bytes >>> (8 * ((s >>> (4 * i)) & 7))) & 0xff) << (8 * i);
        return r;
    }

    /** bfe as the ISA's loop: bits past 31 come from the sign bit of the field (signed) or 0. */
    private static int bitField(int x, int pos, int len, boolean signed) {
        int sbit = !signed || len == 0 ? 0 : (x >>> Math.min(pos + len - 1, 31)) & 1;
        int r = 0;
        for (int i = 0; i < 32; i++) {
            int bit = i < len && pos + i <= 31 ? (x >>> (pos + i)) & 1 : sbit;
            r |= bit << i;
        }
        return r;
    }

    @Test
    void integerOps64MatchTheIsa() {
        SplittableRandom rnd = TestRandom.random("integerOps64");
        int n = 97;
        long[] a = new long[n], b = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextLong();
            b[i] = rnd.nextLong();
        }
        try (CudaDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "integer_ops.ptx").kernel("integer_ops64");
            long pa = Emu.upload(d, a), pb = Emu.upload(d, b), po = Emu.poisoned(d, 48L * n);
            d.launch(k, Dim3.of((n + 31) / 32), Dim3.of(32), 0, new KernelArgs().pointer(pa).pointer(pb).pointer(po).i32(n));
            long[] out = Emu.longs(d, po, 6 * n);
            for (int i = 0; i < n; i++) {
                long x = a[i], y = b[i];
                int c = (int) (y & 127);
                long[] e = {Math.multiplyHigh(x, y), (long) (int) x * (int) y, c >= 64 ? 0 : x << c, x >> Math.min(c, 63), x % (y | 1),
                        Long.divideUnsigned(x, y | 1)};
                for (int j = 0; j < 6; j++) assertEquals(e[j], out[6 * i + j], "element " + i + " result " + j + TestRandom.seedNote());
            }
        }
    }
}
