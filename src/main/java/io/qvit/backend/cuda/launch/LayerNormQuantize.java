package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/**
 * {@code layernorm_quantize_kernel1}: LayerNorm, then divide, rotate, range, quantize and pack each row,
 * one block per row as {@link QuantizeRows}; see cuda-kernels/layernorm_quantize.cu.
 */
public final class LayerNormQuantize extends Launcher<LayerNormQuantize.Params> {
    public LayerNormQuantize(PtxModules modules) {
        super(modules, "layernorm_quantize", "layernorm_quantize_kernel1");
    }

    /**
     * Rows {@code x [rows, k]} with LayerNorm's {@code gamma}, {@code beta} and {@code eps}; the rest
     * as {@link QuantizeRows.Params}: {@code divisors} 0 for none, {@code rotateBlock} 0 for no
     * rotation, the fixed scale and zero point used unless {@code dynamic}.
     */
    public record Params(long x, long gamma, long beta, float eps, long divisors, int rotateBlock, int rows, int k, int bits,
                         boolean nibbles, boolean dynamic, float fixedScale, int fixedZeroPoint, long scale, long zeroPoint,
                         long codes, long nonfinite) implements Config {
        public Params {
            Grid.positive("layernorm_quantize", rows, k);
            for (long a : new long[] {x, gamma, beta, scale, zeroPoint, codes, nonfinite}) Grid.address("layernorm_quantize operand", a);
            if (!(eps > 0) || !Float.isFinite(eps)) throw new IllegalArgumentException("layernorm_quantize: eps " + eps + " must be finite and > 0");
            QuantizeRows.checkRow("layernorm_quantize", k, rotateBlock, bits, nibbles, dynamic, fixedScale, fixedZeroPoint);
            Grid.checkIndexable("layernorm_quantize", (long) rows * k);
        }

        @Override
        public Dim3 grid() {
            return Dim3.of(rows);
        }

        @Override
        public Dim3 block() {
            return Dim3.of(QuantizeRows.THREADS);
        }

        @Override
        public int sharedBytes() {
            return 4 * k;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).pointer(gamma).pointer(beta).f32(eps).pointer(divisors).i32(rotateBlock)
                    .f32(QuantizeRows.norm(rotateBlock)).i32(rows).i32(k).i32(bits).i32(nibbles ? 1 : 0).i32(dynamic ? 1 : 0)
                    .f32(fixedScale).i32(fixedZeroPoint).pointer(scale).pointer(zeroPoint).pointer(codes).pointer(nonfinite);
        }
    }
}
