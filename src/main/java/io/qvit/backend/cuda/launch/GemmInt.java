package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/**
 * {@code gemm_int_*_kernel1}: the integer linear layer on codes with its exact zero-point epilogue;
 * see cuda-kernels/gemm_int.cu. One entry per storage width of activations and weights and per
 * weight signedness, chosen here from the params.
 */
public final class GemmInt extends Launcher<GemmInt.Params> {
    /** The kernel's GI_BM, GI_BN, GI_BK and threads per block. */
    static final int TILE_M = 64, TILE_N = 64, TILE_K = 32, THREADS = 128;

    /** The entry for these widths: 4 means two codes per byte, 8 one. */
    public GemmInt(PtxModules modules, int activationBits, int weightBits, boolean weightsSigned) {
        super(modules, "gemm_int", entry(activationBits, weightBits, weightsSigned));
    }

    static String entry(int activationBits, int weightBits, boolean weightsSigned) {
        return "gemm_int_w" + storage(weightBits) + "a" + storage(activationBits) + (weightsSigned ? "" : "u") + "_kernel1";
    }

    /** 4 for codes of 2 to 4 bits (packed two per byte), 8 for 5 to 8. */
    static int storage(int bits) {
        if (bits < 2 || bits > 8) throw new IllegalArgumentException("gemm_int: " + bits + "-bit codes; the kernel takes 2 to 8 bits");
        return bits <= 4 ? 4 : 8;
    }

    /**
     * @param za, sa activation zero points and scales: one per row when {@code aPerRow}, else one
     * @param zw, sw, wsum per output channel: zero point, scale, and the sum of the channel's codes over K
     * @param bias 0 for none
     * @param residual 0 to store y; else {@code residual += gamma * y} in place (gamma 0 for 1) and y is unused
     */
    public record Params(long qa, long za, long sa, boolean aPerRow, long qw, long zw, long sw, long wsum, long bias, boolean gelu,
                         long residual, long gamma, long y, int m, int n, int k, int activationBits, int weightBits) implements Config {
        public Params {
            Grid.positive("gemm_int", m, n, k);
            for (long a : new long[] {qa, za, sa, qw, zw, sw, wsum, residual == 0 ? y : residual}) Grid.address("gemm_int operand", a);
            if (k % TILE_K != 0) throw new IllegalArgumentException("gemm_int: K = " + k + " must be a multiple of " + TILE_K);
            storage(activationBits);
            storage(weightBits);
            // |acc| <= K * qmax_a * 2^wbits bounds the exact sum: it must fit int32 (IntGemm checks the same)
            if ((long) k * ((1 << activationBits) - 1) * (1 << weightBits) > Integer.MAX_VALUE)
                throw new IllegalArgumentException("gemm_int: K = " + k + " could overflow int32 at these widths");
            Grid.tiles("gemm_int", m, n, TILE_M, TILE_N);
            if ((long) m * Math.max(n, k) > Integer.MAX_VALUE) throw new IllegalArgumentException("gemm_int: " + m + " rows are too many; use a smaller batch");
        }

        @Override
        public Dim3 grid() {
            return Grid.tiles("gemm_int", m, n, TILE_M, TILE_N);
        }

        @Override
        public Dim3 block() {
            return Dim3.of(THREADS);
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(qa).pointer(za).pointer(sa).i32(aPerRow ? 1 : 0).pointer(qw).pointer(zw).pointer(sw)
                    .pointer(wsum).pointer(bias).i32(gelu ? 1 : 0).pointer(residual).pointer(gamma).pointer(y).i32(m).i32(n).i32(k);
        }
    }
}
