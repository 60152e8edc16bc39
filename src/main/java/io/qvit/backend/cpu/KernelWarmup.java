package io.qvit.backend.cpu;

import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.quant.QuantFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the vector ops of the first {@link CpuBackend} of the JVM on small random inputs, before any model
 * does, so that C2 compiles every Vector API kernel, and every op that inlines one, while nothing else
 * has used the Vector API yet. Compiled later (after a model's calibration and FP32 forwards), some of
 * them kept the lane-by-lane Java fallback of store, rearrange or reduce in their compiled code, which
 * runs tens of times slower, and which kernels did so changed from run to run: bench/README.md has the
 * measurements. The inputs take every path a forward takes (vector loops and their ragged tails; row
 * widths whose Hadamard blocks take each rotation path; 8- and 4-bit codes; probabilities that underflow),
 * so that few kernels meet a path later that sends them back to be compiled again: one compiled again
 * after a model has run can fall back as before, so this makes the fallback rarer, not impossible.
 */
final class KernelWarmup {
    /** Calls of each op: enough for C2 (tier 4) to compile each op and kernel after C1 has profiled it. */
    private static final int ROUNDS = 400;
    /** Row widths: Hadamard blocks 64 (inside vectors), 128 (in registers), 256 and 512 (and over memory). */
    private static final int[] WIDTHS = {192, 384, 768, 1536};

    private static final AtomicBoolean DONE = new AtomicBoolean();

    private KernelWarmup() {}

    /** The warm-up, on the first call in this JVM only. */
    static void once(CpuBackend backend) {
        if (DONE.compareAndSet(false, true)) run(backend);
    }

    private static void run(CpuBackend backend) {
        Random rnd = new Random(1);
        int rows = 9, tokens = 37, heads = 2, dim = 128; // ragged: one 8-row tile and one row; 37 = 2 vectors + 5
        QuantFormat[] formats = {QuantFormat.asymmetric(8), QuantFormat.asymmetric(4)};
        for (int round = 0; round < ROUNDS; round++) {
            for (int k : WIDTHS) {
                try (Tensor x = backend.fromHost(gaussian(rnd, rows * k, 1), rows, k);
                     Tensor gamma = backend.fromHost(gaussian(rnd, k, 0.1f), k);
                     Tensor beta = backend.fromHost(gaussian(rnd, k, 0.1f), k);
                     Tensor divisors = backend.fromHost(positive(rnd, k), k)) {
                    QuantFormat f = formats[round % 2];
                    backend.quantizeRows(x, RowQuantization.perRow(f, divisors, true)).close();
                    backend.quantizeRows(x, RowQuantization.perRow(f, null, false)).close();
                    backend.layerNormQuantizeRows(x, gamma, beta, 1e-6f, RowQuantization.perRow(f, divisors, true)).close();
                    backend.layerNorm(x, gamma, beta, 1e-6f).close();
                }
            }
            // every fourth round, scores wide enough that probabilities underflow to subnormals and zeros
            float spread = round % 4 == 3 ? 40 : 2;
            try (Tensor qkv = backend.fromHost(gaussian(rnd, tokens * 3 * dim, spread), tokens, 3 * dim)) {
                backend.attention(qkv, 1, tokens, heads, 0.125f).close();
                for (QuantFormat f : formats) {
                    int levels = (1 << f.bits()) - 1;
                    backend.quantizedAttention(qkv, 1, tokens, heads, new AttentionQuantization(f, f, 4f * spread / levels, levels / 2, f.bits())).close();
                }
            }
        }
    }

    private static float[] gaussian(Random rnd, int n, float sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (sigma * rnd.nextGaussian());
        return x;
    }

    private static float[] positive(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = 0.5f + (float) rnd.nextDouble();
        return x;
    }
}
