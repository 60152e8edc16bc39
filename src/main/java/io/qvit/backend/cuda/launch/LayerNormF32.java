package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code layernorm_kernel2}: row-wise LayerNorm, four lanes per row, the CPU twin's sums and order; see cuda-kernels/layernorm.cu. */
public final class LayerNormF32 extends Launcher<LayerNormF32.Params> {
    /** Four lanes per row (one per partial sum), 64 rows per 256-thread block. */
    static final int LANES_PER_ROW = 4, ROWS_PER_BLOCK = 64;

    public LayerNormF32(PtxModules modules) {
        super(modules, "layernorm", "layernorm_kernel2");
    }

    public record Params(long x, long gamma, long beta, long out, int rows, int dim, float eps) implements Config {
        public Params {
            Grid.positive("layernorm", rows, dim);
            Grid.address("layernorm x", x);
            Grid.address("layernorm gamma", gamma);
            Grid.address("layernorm beta", beta);
            Grid.address("layernorm out", out);
            if (!(eps > 0) || !Float.isFinite(eps)) throw new IllegalArgumentException("layernorm: eps " + eps + " must be finite and > 0");
            Grid.checkIndexable("layernorm", (long) rows * dim);
        }

        @Override
        public Dim3 grid() {
            return Dim3.of(Grid.ceilDiv(rows, ROWS_PER_BLOCK));
        }

        @Override
        public Dim3 block() {
            return Dim3.of(LANES_PER_ROW * ROWS_PER_BLOCK);
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).pointer(gamma).pointer(beta).pointer(out).i32(rows).i32(dim).f32(eps);
        }
    }
}
