package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import io.qvit.testsupport.TestRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Clean kernels (nvcc's PTX of the .cu files beside it) that must pass every sanitizer and compute
 * what plain Java computes: a shared-memory reduction, atomics, warp votes and cp.async. All exact.
 */
class CleanKernelsTest {
    @Test
    void reductionWithSharedMemoryAndBarriers() {
        SplittableRandom rnd = TestRandom.random("reduce");
        int n = 1000, block = 128, blocks = (n + block - 1) / block;
        int[] in = rnd.ints(n, -1000, 1000).toArray();
        try (EmuDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "reduce_sum.ptx").kernel("reduce_sum");
            long pi = Emu.upload(d, in), po = Emu.poisoned(d, 4L * blocks);
            d.launch(k, Dim3.of(blocks), Dim3.of(block), 4 * block, new KernelArgs().pointer(pi).pointer(po).i32(n));
            int[] out = Emu.ints(d, po, blocks);
            for (int b = 0; b < blocks; b++)
                assertEquals(Arrays.stream(in, b * block, Math.min(n, (b + 1) * block)).sum(), out[b], "block " + b + TestRandom.seedNote());
            // one barrier before the tree and one per level (log2 128 = 7), per block
            assertEquals(8L * blocks, d.lastProfile().barriers());
        }
    }

    @Test
    void atomicsInGlobalAndSharedMemory() {
        SplittableRandom rnd = TestRandom.random("atomics");
        int blocks = 5, block = 96, n = blocks * block;
        int[] in = rnd.ints(n, -100000, 100000).toArray();
        int[] start = {rnd.nextInt(1000), Integer.MIN_VALUE, Integer.MAX_VALUE, rnd.nextInt(), 0, -1};
        try (EmuDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "atomics.ptx").kernel("atomics");
            long pi = Emu.upload(d, in), po = Emu.upload(d, start), pc = Emu.upload(d, new int[] {3, 2}), ph = Emu.upload(d, new int[8]);
            d.launch(k, Dim3.of(blocks), Dim3.of(block), 0, new KernelArgs().pointer(pi).pointer(po).pointer(pc).pointer(ph));
            int[] e = start.clone();
            long inc = 3, dec = 2;
            int[] hist = new int[8];
            for (int v : in) {
                e[0] += v;
                e[1] = Math.max(e[1], v);
                e[2] = Math.min(e[2], v);
                e[3] ^= v;
                e[4] |= v;
                e[5] &= v;
                inc = inc >= 17 ? 0 : inc + 1;
                dec = dec == 0 || dec > 5 ? 5 : dec - 1;
                hist[v & 7]++;
            }
            assertArrayEquals(e, Emu.ints(d, po, 6), TestRandom.seedNote());
            // every thread applies the same inc (or dec), so the wrapped result does not depend on their order
            assertArrayEquals(new int[] {(int) inc, (int) dec}, Emu.ints(d, pc, 2));
            assertArrayEquals(hist, Emu.ints(d, ph, 8));
        }
    }

    @Test
    void warpVotesReductionsAndMatches() {
        SplittableRandom rnd = TestRandom.random("vote");
        int blocks = 3, block = 64, n = blocks * block;
        int[] in = rnd.ints(n, -60, 100).toArray();
        try (EmuDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "warp_vote.ptx").kernel("warp_vote");
            long pi = Emu.upload(d, in), po = Emu.poisoned(d, 24L * n);
            d.launch(k, Dim3.of(blocks), Dim3.of(block), 0, new KernelArgs().pointer(pi).pointer(po));
            int[] out = Emu.ints(d, po, 6 * n);
            for (int t = 0; t < n; t++) {
                int w = t / 32 * 32;
                int ballot = 0, all = 1, anyLow = 0, anyAll = 0, sum = 0, max = Integer.MIN_VALUE, match = 0;
                for (int l = 0; l < 32; l++) {
                    int v = in[w + l];
                    if (v > 0) ballot |= 1 << l;
                    if (v <= -50) all = 0;
                    if (v > 90 && l < 16) anyLow = 1;
                    if (v > 90) anyAll = 1;
                    sum += v;
                    max = Math.max(max, v);
                    if ((v & 3) == (in[t] & 3)) match |= 1 << l;
                }
                int[] e = {ballot, all, (t % 32 < 16 ? anyLow : 0) | 2 * anyAll, sum, max, match};
                for (int j = 0; j < 6; j++) assertEquals(e[j], out[6 * t + j], "thread " + t + " result " + j + TestRandom.seedNote());
            }
        }
    }

    @Test
    void cpAsyncCopiesArriveAfterTheWait() {
        SplittableRandom rnd = TestRandom.random("cpasync");
        int blocks = 3, n = blocks * 128 * 4;
        int[] in = rnd.ints(n).toArray();
        try (EmuDriver d = new EmuDriver(2)) {
            CudaDriver.Kernel k = Emu.module(d, "cp_async_copy.ptx").kernel("cp_async_copy");
            long pi = Emu.upload(d, in), po = Emu.poisoned(d, 4L * n);
            d.launch(k, Dim3.of(blocks), Dim3.of(128), 0, new KernelArgs().pointer(pi).pointer(po));
            int[] out = Emu.ints(d, po, n);
            for (int b = 0; b < blocks; b++)
                for (int t = 0; t < 128; t++)
                    for (int j = 0; j < 4; j++)
                        assertEquals(in[(b * 128 + 127 - t) * 4 + j], out[(b * 128 + t) * 4 + j], "block " + b + " thread " + t + TestRandom.seedNote());
        }
    }
}
