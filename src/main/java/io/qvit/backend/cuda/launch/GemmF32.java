package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code gemm_f32_kernel1}: {@code y[M,N] = x[M,K] w[N,K]^T (+ bias)}; see cuda-kernels/gemm_f32.cu. */
public final class GemmF32 extends Launcher<GemmF32.Params> {
    /** The kernel's TILE_M, TILE_N and threads per block. */
    static final int TILE_M = 64, TILE_N = 64, THREADS = 256;

    public GemmF32(PtxModules modules) {
        super(modules, "gemm_f32", "gemm_f32_kernel1");
    }

    /** bias 0 for none. */
    public record Params(long x, long w, long bias, long y, int m, int n, int k) implements Config {
        public Params {
            Grid.positive("gemm_f32", m, n, k);
            Grid.address("gemm_f32 x", x);
            Grid.address("gemm_f32 w", w);
            Grid.address("gemm_f32 y", y);
            if (k % 4 != 0) throw new IllegalArgumentException("gemm_f32: K = " + k + " must be a multiple of 4 (float4 loads)");
            if ((long) m * Math.max(n, k) > Integer.MAX_VALUE) throw new IllegalArgumentException("gemm_f32: " + m + " rows are too many; use a smaller batch");
            Grid.tiles("gemm_f32", m, n, TILE_M, TILE_N);
        }

        @Override
        public Dim3 grid() {
            return Grid.tiles("gemm_f32", m, n, TILE_M, TILE_N);
        }

        @Override
        public Dim3 block() {
            return Dim3.of(THREADS);
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).pointer(w).pointer(bias).pointer(y).i32(m).i32(n).i32(k);
        }
    }
}
