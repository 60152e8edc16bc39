package io.qvit.backend.cuda;

import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.program.InstrClass;
import io.qvit.backend.cuda.emu.program.Space;
import io.qvit.quant.Granularity;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The emulator's counts for each kept kernel at ViT-S/16 shapes, batch 256 (M = 50432 token rows):
 * each kernel runs on 128 rows (one image's attention for attention_int) and its counts, which grow
 * linearly with the rows, are scaled up. Thread-instructions, tensor-core instructions (per thread:
 * a warp's mma counts 32), and bytes per state space, beside bench/KERNELS.md's predictions.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/cp.txt) io.qvit.backend.cuda.KernelCounts
 * </pre>
 */
public final class KernelCounts {
    private static final int M = 256 * 197, ROWS = 128, D = 384, MLP = 1536, HEADS = 6, T = 197;
    private static final Random RND = new Random(7);

    private KernelCounts() {}

    public static void main(String[] args) {
        EmuDriver emu = new EmuDriver(Runtime.getRuntime().availableProcessors());
        try (CudaBackend gpu = new CudaBackend(emu)) {
            System.out.println("| kernel | shape (ViT-S, batch 256) | thread-instructions | tensor-core | global MB | shared MB |");
            System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
            for (int bits : new int[] {4, 8})
                for (int[] layer : new int[][] {{3 * D, D}, {D, D}, {MLP, D}, {D, MLP}}) {
                    QuantFormat fa = QuantFormat.asymmetric(bits), fw = QuantFormat.symmetric(bits);
                    float[] w = uniform(layer[0] * layer[1]);
                    QuantParams pw = QuantParams.minMax("w", w, layer[0], fw, Granularity.PER_CHANNEL);
                    try (QuantizedWeights qw = gpu.uploadWeights(PackedCodes.pack(new UniformQuantizer(pw).quantize("w", w), layer[0], layer[1], fw), pw);
                         Tensor x = gpu.fromHost(uniform(ROWS * layer[1]), ROWS, layer[1]);
                         QuantizedRows qa = gpu.quantizeRows(x, RowQuantization.perRow(fa, null, false))) {
                        row(emu, "gemm_int W" + bits + "A" + bits, M + "x" + layer[0] + "x" + layer[1], (double) M / ROWS,
                                () -> gpu.integerLinear(qa, qw, Backend.Epilogue.bias(null)));
                    }
                }
            try (Tensor x = gpu.fromHost(uniform(ROWS * D), ROWS, D); Tensor w = gpu.fromHost(uniform(3 * D * D), 3 * D, D)) {
                row(emu, "gemm_f32", M + "x" + 3 * D + "x" + D, (double) M / ROWS, () -> gpu.linear(x, w, null));
                try (Tensor g = gpu.fromHost(uniform(D), D); Tensor b = gpu.fromHost(uniform(D), D)) {
                    row(emu, "layernorm", M + "x" + D, (double) M / ROWS, () -> gpu.layerNorm(x, g, b, 1e-6f));
                    row(emu, "layernorm_quantize (4-bit, rotated)", M + "x" + D, (double) M / ROWS,
                            () -> gpu.layerNormQuantizeRows(x, g, b, 1e-6f, RowQuantization.perRow(QuantFormat.asymmetric(4), null, true)).codes());
                }
                row(emu, "quantize_rows (4-bit, rotated)", M + "x" + D, (double) M / ROWS,
                        () -> gpu.quantizeRows(x, RowQuantization.perRow(QuantFormat.asymmetric(4), null, true)).codes());
            }
            try (Tensor qkv = gpu.fromHost(uniform(T * 3 * D), T, 3 * D)) {
                QuantFormat f = QuantFormat.asymmetric(4);
                row(emu, "attention_int (4-bit)", "B256 H6 T197 hd64", 256,
                        () -> gpu.quantizedAttention(qkv, 1, T, HEADS, new AttentionQuantization(f, f, 0.2f, 8, 4)));
                row(emu, "attention_f32", "B256 H6 T197 hd64", 256, () -> gpu.attention(qkv, 1, T, HEADS, 0.125f));
            }
        }
    }

    private static void row(EmuDriver emu, String kernel, String shape, double scale, Supplier<Tensor> launch) {
        try (Tensor out = launch.get()) {
            LaunchProfile p = emu.lastProfile();
            System.out.printf(Locale.ROOT, "| %s | %s | %.3g | %.3g | %.1f | %.1f |%n", kernel, shape, p.threadInstructions() * scale,
                    p.instructions(InstrClass.TENSOR_CORE) * scale, p.bytes(Space.GLOBAL) * scale / 1e6, p.bytes(Space.SHARED) * scale / 1e6);
        }
    }

    private static float[] uniform(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = RND.nextFloat() * 2 - 1;
        return a;
    }
}
