package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.exec.LaunchFailure;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** handwritten_more.ptx (funnel shifts, dp4a, dp2a, copysign, testp) against the PTX ISA's definitions, bit-exact; and the endless-loop guard. */
class MoreIntegerFormsTest {
    @Test
    void funnelShiftsDotProductsCopysignAndTestp() {
        SplittableRandom rnd = TestRandom.random("more");
        int n = 64;
        int[] in = new int[3 * n];
        for (int i = 0; i < in.length; i++) in[i] = i % 3 == 2 && i % 2 == 0 ? rnd.nextInt(0, 70) : rnd.nextInt();
        in[1] = 0x7fc00000; // y NaN for thread 0
        in[3] = 0x00000010; // x subnormal for thread 1
        try (CudaDriver d = new EmuDriver(1)) {
            CudaDriver.Kernel k = Emu.module(d, "handwritten_more.ptx").kernel("more");
            long pi = Emu.upload(d, in), po = Emu.poisoned(d, 32L * n);
            d.launch(k, Dim3.of(1), Dim3.of(n), 0, new KernelArgs().pointer(pi).pointer(po));
            int[] out = Emu.ints(d, po, 8 * n);
            for (int t = 0; t < n; t++) {
                int x = in[3 * t], y = in[3 * t + 1], z = in[3 * t + 2];
                long both = Integer.toUnsignedLong(y) << 32 | Integer.toUnsignedLong(x);
                int wrap = z & 31;
                long clamp = Math.min(Integer.toUnsignedLong(z), 32);
                int dp4ss = z, dp4us = z, dp2lo = z, dp2hi = z;
                for (int b = 0; b < 4; b++) {
                    dp4ss += (byte) (x >>> (8 * b)) * (byte) (y >>> (8 * b));
                    dp4us += ((x >>> (8 * b)) & 0xff) * (byte) (y >>> (8 * b));
                }
                for (int h = 0; h < 2; h++) {
                    dp2lo += (short) (x >>> (16 * h)) * ((y >>> (8 * h)) & 0xff);
                    dp2hi += ((x >>> (16 * h)) & 0xffff) * (byte) (y >>> (8 * (2 + h)));
                }
                float fx = Float.intBitsToFloat(x), fy = Float.intBitsToFloat(y);
                int[] e = {(int) ((both << wrap) >>> 32), (int) (both >>> clamp), dp4ss, dp4us, dp2lo, dp2hi,
                        (y & 0x7fffffff) | (x & 0x80000000), (Float.isFinite(fx) && Math.abs(fx) >= Float.MIN_NORMAL ? 1 : 0) | (Float.isNaN(fy) ? 2 : 0)};
                for (int j = 0; j < 8; j++) assertEquals(e[j], out[8 * t + j], "thread " + t + " result " + j + TestRandom.seedNote());
            }
        }
    }

    @Test
    void anEndlessLoopIsReportedNotHung() {
        try (EmuDriver d = new EmuDriver(1)) {
            CudaDriver.Kernel k = Emu.module(d, "handwritten_more.ptx").kernel("endless");
            LaunchFailure f = assertThrows(LaunchFailure.class, () -> d.launch(k, Dim3.of(1), Dim3.of(1), 0, new KernelArgs()));
            assertTrue(f.findings().get(0).message().contains("endless loop"), f.getMessage());
        }
    }
}
