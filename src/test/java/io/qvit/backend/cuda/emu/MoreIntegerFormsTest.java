package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.backend.cuda.emu.exec.LaunchFailure;
import io.qvit.testsupport.TestRandom;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * handwritten_more.ptx (funnel shifts, dp4a, dp2a, copysign, testp) and handwritten_specials.ptx (special
 * registers in 3-D grids, red/exch/cas/64-bit shared atomics) against the PTX ISA's definitions,
 * bit-exact; and the endless-loop guard.
 */
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

    @Test
    void specialRegistersInThreeDimensions() {
        Dim3 grid = new Dim3(3, 2, 2), block = new Dim3(5, 4, 3); // 60 threads: the second warp is partial
        int threads = 60, total = 12 * threads;
        try (CudaDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "handwritten_specials.ptx").kernel("specials");
            long out = Emu.poisoned(d, 32L * total);
            d.launch(k, grid, block, 0, new KernelArgs().pointer(out));
            int[] got = Emu.ints(d, out, 8 * total);
            for (int g = 0; g < total; g++) {
                int t = g % threads, b = g / threads, lane = t % 32;
                int[] e = {t, b, lane, t / 32, 2, (1 << lane) - 1, -(1 << lane), 2};
                for (int j = 0; j < 8; j++) assertEquals(e[j], got[8 * g + j], "thread " + t + " of block " + b + " value " + j);
            }
        }
    }

    @Test
    void reductionsExchangeCasAnd64BitSharedAtomics() {
        SplittableRandom rnd = TestRandom.random("atomicsMore");
        int n = 200;
        int[] in = rnd.ints(n, 0, Integer.MAX_VALUE).toArray();
        try (CudaDriver d = new EmuDriver(1)) {
            CudaDriver.Kernel k = Emu.module(d, "handwritten_specials.ptx").kernel("atomics_more");
            long counters = Emu.upload(d, new int[] {5, -7, -1}), pi = Emu.upload(d, in), out = Emu.poisoned(d, 8);
            d.launch(k, Dim3.of(1), Dim3.of(n), 0, new KernelArgs().pointer(counters).pointer(pi).pointer(out));
            int[] c = Emu.ints(d, counters, 3);
            assertEquals(5 + n, c[0], "red.global.add");
            Set<Integer> inputs = Arrays.stream(in).boxed().collect(Collectors.toSet());
            // exch leaves the value of whichever thread came last; cas(-1 -> v) succeeds once, for whichever came first
            assertTrue(inputs.contains(c[1]), "exch left " + c[1]);
            assertTrue(inputs.contains(c[2]), "cas left " + c[2]);
            assertEquals(Arrays.stream(in).asLongStream().sum(), Emu.longs(d, out, 1)[0], "atom.shared.add.u64");
        }
    }
}
