package io.qvit.backend.cuda.jcuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The JCuda driver: a one-line refusal without a GPU; on a GPU, a PTX kernel round trip and checked errors. */
class JCudaGpuDriverTest {
    // y[i] = a * x[i] + y[i] for i < n, written by hand so this test needs no nvcc
    private static final String SAXPY = """
            .version 8.0
            .target sm_80
            .address_size 64
            .visible .entry saxpy(.param .u64 x, .param .u64 y, .param .f32 a, .param .u32 n)
            {
              .reg .pred %p<2>; .reg .b32 %r<6>; .reg .f32 %f<5>; .reg .b64 %rd<8>;
              ld.param.u64 %rd1, [x]; ld.param.u64 %rd2, [y]; ld.param.f32 %f1, [a]; ld.param.u32 %r1, [n];
              mov.u32 %r2, %ctaid.x; mov.u32 %r3, %ntid.x; mov.u32 %r4, %tid.x; mad.lo.s32 %r5, %r2, %r3, %r4;
              setp.ge.u32 %p1, %r5, %r1; @%p1 bra DONE;
              cvta.to.global.u64 %rd3, %rd1; cvta.to.global.u64 %rd4, %rd2; mul.wide.u32 %rd5, %r5, 4;
              add.s64 %rd6, %rd3, %rd5; add.s64 %rd7, %rd4, %rd5;
              ld.global.f32 %f2, [%rd6]; ld.global.f32 %f3, [%rd7]; fma.rn.f32 %f4, %f1, %f2, %f3; st.global.f32 [%rd7], %f4;
            DONE:
              ret;
            }
            """;

    @Test
    void withoutAGpuTheRefusalIsOneLine() {
        String reason = JCudaProbe.unavailableReason();
        assumeTrue(reason != null, "this machine has a GPU; the refusal cannot be seen here");
        CudaException e = assertThrows(CudaException.class, () -> new JCudaGpuDriver(0));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("--device cpu"), e.getMessage());
        assertTrue(JCudaProbe.unavailableReason() == reason, "probed once");
    }

    @Test
    void saxpyOnTheGpu() {
        String reason = JCudaProbe.unavailableReason();
        assumeTrue(reason == null, "needs a GPU: " + reason);
        Saxpy in = Saxpy.random();
        int n = in.x.length;
        float a = in.a;
        float[] x = in.x, y = in.y, expected = in.after(1);
        try (CudaDriver gpu = new JCudaGpuDriver(0)) {
            CudaDriver.Kernel k = gpu.loadModule("saxpy.ptx", SAXPY).kernel("saxpy");
            long dx = gpu.upload(x), dy = gpu.upload(y);
            gpu.launch(k, Dim3.of((n + 127) / 128), Dim3.of(128), 0, new KernelArgs().pointer(dx).pointer(dy).f32(a).i32(n));
            assertArrayEquals(expected, gpu.downloadFloats(dy, n));
            CudaException bad = assertThrows(CudaException.class, () -> gpu.launch(k, Dim3.of(1), Dim3.of(4096), 0,
                    new KernelArgs().pointer(dx).pointer(dy).f32(a).i32(n)));
            assertTrue(bad.getMessage().contains("saxpy") && bad.getMessage().contains("4096"), bad.getMessage());
            assertThrows(CudaException.class, () -> gpu.loadModule("broken.ptx", ".version 8.0\n.target sm_80\nnonsense;"));
        }
    }

    /** A captured launch runs only when its graph is launched, once per launch; copies are refused while capturing. */
    @Test
    void capturedSaxpyReplaysOnTheGpu() {
        String reason = JCudaProbe.unavailableReason();
        assumeTrue(reason == null, "needs a GPU: " + reason);
        Saxpy in = Saxpy.random();
        int n = in.x.length;
        float a = in.a;
        float[] x = in.x, y = in.y, expected = in.after(2);
        try (CudaDriver gpu = new JCudaGpuDriver(0)) {
            CudaDriver.Kernel k = gpu.loadModule("saxpy.ptx", SAXPY).kernel("saxpy");
            long dx = gpu.upload(x), dy = gpu.upload(y);
            gpu.beginCapture();
            gpu.launch(k, Dim3.of((n + 127) / 128), Dim3.of(128), 0, new KernelArgs().pointer(dx).pointer(dy).f32(a).i32(n));
            assertThrows(CudaException.class, () -> gpu.downloadFloats(dy, n));
            try (CudaDriver.Graph g = gpu.endCapture()) {
                assertArrayEquals(y, gpu.downloadFloats(dy, n), "the captured launch ran before its graph");
                g.launch();
                g.launch();
                assertArrayEquals(expected, gpu.downloadFloats(dy, n));
            }
        }
    }

    /** Fresh random saxpy operands of a ragged length. */
    private record Saxpy(float a, float[] x, float[] y) {
        static Saxpy random() {
            Random rnd = new Random();
            int n = 1000 + rnd.nextInt(100);
            float[] x = new float[n], y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextFloat() * 2 - 1;
                y[i] = rnd.nextFloat() * 2 - 1;
            }
            return new Saxpy(rnd.nextFloat() * 4 - 2, x, y);
        }

        /** y after {@code times} launches, each {@code y = fma(a, x, y)} as the kernel's fma.rn.f32. */
        float[] after(int times) {
            float[] out = y.clone();
            for (int t = 0; t < times; t++)
                for (int i = 0; i < out.length; i++) out[i] = Math.fma(a, x[i], out[i]);
            return out;
        }
    }
}
