package io.qvit.backend.cpu;

import io.qvit.backend.AttentionQuantization;
import io.qvit.quant.QuantFormat;
import java.util.SplittableRandom;

/**
 * Times the CPU attention of one ViT-Small layer at batch 8 (8 images x 6 heads, 197 tokens, head width
 * 64) on one thread: the float {@link Attention} and the {@link QuantizedAttention} at a8 and a4, each
 * head as the backend runs it, after the first backend's warm-up ({@link KernelWarmup}). Run after
 * {@code mvn test-compile}:
 * <pre>java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes \
 *     io.qvit.backend.cpu.AttentionBenchmark REPEATS</pre>
 * Prints the best and the median of REPEATS layers per case, twice over (a8, a4, a8, a4), in ms. A JVM
 * whose quantized cases take some 20% longer than another's, from the first repeat on, compiled a kernel
 * with the Vector API's lane-by-lane fallback (bench/README.md: run it several times, and check with JFR).
 */
public final class AttentionBenchmark {
    private AttentionBenchmark() {}

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        new CpuBackend(1).close(); // the warm-up, as a model's first backend runs it
        Kernels kernels = new VectorKernels();
        Gemm gemm = new Gemm(kernels);
        Attention attention = new Attention(gemm, kernels);
        QuantizedAttention quantized = new QuantizedAttention(gemm, kernels);
        int batch = 8, tokens = 197, dim = 384, heads = 6, rows = batch * tokens;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] qkv = new float[rows * 3 * dim];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) (2 * rnd.nextGaussian());
        float[] out = new float[rows * dim];
        System.out.println("# attention of one ViT-Small layer, batch 8, one thread: best and median ms of " + repeats);
        for (int bits : new int[] {8, 4, 8, 4}) {
            QuantFormat f = QuantFormat.asymmetric(bits);
            int levels = (1 << bits) - 1;
            AttentionQuantization quant = new AttentionQuantization(f, f, 4f / levels, levels / 2 + 1, bits);
            double[] ms = new double[repeats], floatMs = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                for (int b = 0; b < batch; b++)
                    for (int h = 0; h < heads; h++) quantized.head(qkv, out, b, h, tokens, dim, heads, quant);
                long t1 = System.nanoTime();
                java.util.Arrays.fill(out, 0f); // the float attention adds into zeros
                for (int b = 0; b < batch; b++)
                    for (int h = 0; h < heads; h++) attention.head(qkv, out, b, h, tokens, dim, heads, 0.125f);
                ms[r] = (t1 - t0) / 1e6;
                floatMs[r] = (System.nanoTime() - t1) / 1e6;
            }
            java.util.Arrays.sort(ms);
            java.util.Arrays.sort(floatMs);
            System.out.printf("attention a%d best %.2f median %.2f; fp32 best %.2f median %.2f%n",
                    bits, ms[0], ms[repeats / 2], floatMs[0], floatMs[repeats / 2]);
        }
    }
}
