package io.qvit.backend.cpu;

import io.qvit.backend.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times {@code linear} at the ViT-Tiny and ViT-Small shapes at batch 32 (M = 32 * 197), the same
 * shapes as bench/pytorch_cpu_baseline.py. Run after {@code mvn test-compile}:
 * <pre>java -Xms4g -Xmx4g -XX:+AlwaysPreTouch --add-modules=jdk.incubator.vector \
 *     -cp target/classes:target/test-classes io.qvit.backend.cpu.GemmBenchmark THREADS REPEATS</pre>
 * Each call allocates its output (up to 39 MB); a pre-touched fixed heap keeps first-touch page faults
 * out of the timing, as PyTorch's caching allocator does for its side.
 * Prints one line per shape: {@code gemm java M N K threads median_ms best_ms GFLOP/s GFLOP/s_best} (the best
 * run shows the kernel's capacity when other processes share the cores).
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    static final int M = 32 * 197;
    static final int[][] SHAPES = { // {N, K}: qkv, proj, fc1, fc2
        {576, 192}, {192, 192}, {768, 192}, {192, 768},
        {1152, 384}, {384, 384}, {1536, 384}, {384, 1536},
    };

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        SplittableRandom rnd = new SplittableRandom(1);
        try (CpuBackend be = new CpuBackend(threads)) {
            System.out.println("# " + be.description());
            for (int[] s : SHAPES) {
                int n = s[0], k = s[1];
                Tensor x = be.fromHost(random(rnd, M * k), M, k), w = be.fromHost(random(rnd, n * k), n, k), b = be.fromHost(random(rnd, n), n);
                for (int i = 0; i < 3; i++) be.linear(x, w, b).close(); // JIT warm-up and weight packing
                double[] ms = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    be.linear(x, w, b).close();
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(ms);
                double median = ms[repeats / 2], flop = 2.0 * M * n * k;
                System.out.printf("gemm java %d %d %d %d %.3f %.3f %.1f %.1f%n", M, n, k, threads, median, ms[0], flop / median / 1e6, flop / ms[0] / 1e6);
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextDouble(-1, 1);
        return v;
    }
}
