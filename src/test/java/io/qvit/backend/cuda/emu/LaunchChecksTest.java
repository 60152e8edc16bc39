package io.qvit.backend.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import org.junit.jupiter.api.Test;

/** The checks a GPU makes before it runs a launch (sm_90 limits). */
class LaunchChecksTest {
    private static void rejects(CudaDriver d, CudaDriver.Kernel k, Dim3 grid, Dim3 block, int smem, KernelArgs args, String expected) {
        CudaException e = assertThrows(CudaException.class, () -> d.launch(k, grid, block, smem, args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("reduce_sum"), e.getMessage());
    }

    @Test
    void blockGridSharedMemoryAndArguments() {
        try (EmuDriver d = new EmuDriver(1)) {
            CudaDriver.Kernel k = Emu.module(d, "reduce_sum.ptx").kernel("reduce_sum");
            long in = Emu.upload(d, new int[64]), out = d.malloc(4);
            KernelArgs ok = new KernelArgs().pointer(in).pointer(out).i32(64);
            rejects(d, k, Dim3.of(1), new Dim3(64, 17, 1), 256, ok, "1088 threads per block");
            rejects(d, k, Dim3.of(1), new Dim3(1, 1, 65), 256, ok, "block extents");
            rejects(d, k, new Dim3(1, 65536, 1), Dim3.of(64), 256, ok, "grid extents");
            rejects(d, k, Dim3.of(1), Dim3.of(64), 48 * 1024 + 4, ok, "must opt in with setMaxDynamicSharedBytes");
            rejects(d, k, Dim3.of(1), Dim3.of(64), 256, new KernelArgs().pointer(in).pointer(out), "2 arguments for 3 parameters");
            rejects(d, k, Dim3.of(1), Dim3.of(64), 256, new KernelArgs().pointer(in).pointer(out).i64(64), "does not fit parameter reduce_sum_param_2");
            k.setMaxDynamicSharedBytes(100 * 1024);
            rejects(d, k, Dim3.of(1), Dim3.of(64), 101 * 1024, ok, "opted in to 102400 bytes only");
            CudaException tooMuch = assertThrows(CudaException.class, () -> k.setMaxDynamicSharedBytes(228 * 1024));
            assertTrue(tooMuch.getMessage().contains("out of range"), tooMuch.getMessage());
            // with the opt-in, more than 48 KiB runs
            d.launch(k, Dim3.of(1), Dim3.of(64), 100 * 1024, ok);
        }
    }

    @Test
    void hostCopiesAndFreeAreChecked() {
        try (EmuDriver d = new EmuDriver(1)) {
            long p = d.malloc(16);
            CudaException past = assertThrows(CudaException.class, () -> d.copyToHost(java.nio.ByteBuffer.allocate(20), p));
            assertTrue(past.getMessage().contains("past the end"), past.getMessage());
            d.free(p);
            CudaException twice = assertThrows(CudaException.class, () -> d.free(p));
            assertTrue(twice.getMessage().contains("already freed"), twice.getMessage());
        }
    }
}
