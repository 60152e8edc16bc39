package io.qvit.backend.cuda;

import io.qvit.backend.QuantizedRows;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.program.InstrClass;
import io.qvit.backend.cuda.emu.program.Space;
import io.qvit.backend.cuda.launch.AttentionInt;
import io.qvit.quant.QuantFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The emulator's counts of attention_int per stage, at ViT-S/16 shapes (T 197, 6 heads of 64), one
 * image scaled to batch 256 as {@link KernelCounts}: the kept kernel and two variants that end after
 * the scores and after the softmax with its probability codes (cuda-kernels/attention_int.cu's
 * AI_STAGES, compiled here with nvcc), each stage the difference of consecutive variants. The same
 * codes go to all three: Q and K per row, V at a fixed range, 8-bit (one byte each, as the kernel
 * reads them at every width), 4-bit probability codes.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/cp.txt) io.qvit.backend.cuda.AttentionStages
 * </pre>
 */
public final class AttentionStages {
    private static final int T = 197, HEADS = 6, HD = 64, BATCH = 256, PROB_BITS = 4;
    private static final String ENTRY = "attention_int_kernel2";

    private AttentionStages() {}

    public static void main(String[] args) throws Exception {
        EmuDriver emu = new EmuDriver(Runtime.getRuntime().availableProcessors());
        Random rnd = new Random(7);
        try (CudaBackend gpu = new CudaBackend(emu)) {
            QuantFormat f = QuantFormat.asymmetric(8);
            try (Tensor qf = gpu.fromHost(uniform(rnd, T * HEADS * HD), T * HEADS, HD); Tensor kf = gpu.fromHost(uniform(rnd, T * HEADS * HD), T * HEADS, HD);
                 Tensor vf = gpu.fromHost(uniform(rnd, T * HEADS * HD), T * HEADS, HD); Tensor out = gpu.fromHost(new float[T * HEADS * HD], T, HEADS * HD);
                 QuantizedRows q = gpu.quantizeRows(qf, RowQuantization.perRow(f, null, false));
                 QuantizedRows k = gpu.quantizeRows(kf, RowQuantization.perRow(f, null, false));
                 QuantizedRows v = gpu.quantizeRows(vf, RowQuantization.fixed(f, 2f / 255, 128))) {
                AttentionInt.Params p = new AttentionInt.Params(a(q.codes()), a(q.scales()), a(q.zeroPoints()), a(k.codes()), a(k.scales()),
                        a(k.zeroPoints()), a(v.codes()), 2f / 255, 128, a(out), 1, T, HEADS, HD, 0.125f, PROB_BITS, true);
                LaunchProfile scores = run(emu, p, variant(1)), softmax = run(emu, p, variant(2)),
                        all = run(emu, p, Files.readString(Path.of("ptx/attention_int.ptx")));
                System.out.println("| stage of attention_int (B256 H6 T197 hd64) | thread-instructions | integer | fp32 | fp64 | global MB | shared MB | share of instructions |");
                System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
                row("scores (int32 Q.K, scaled)", scores, null, all);
                row("softmax and probability codes", softmax, scores, all);
                row("P.V", all, softmax, all);
                row("whole kernel", all, null, all);
            }
        }
    }

    private static LaunchProfile run(CudaDriver driver, AttentionInt.Params p, String ptx) {
        CudaDriver.Kernel kernel = driver.loadModule("attention_int", ptx).kernel(ENTRY);
        driver.launch(kernel, p.grid(), p.block(), p.sharedBytes(), p.args());
        return ((EmuDriver) driver).lastProfile();
    }

    /** attention_int.cu compiled as compile.sh compiles it, ending after {@code stages}. */
    private static String variant(int stages) throws Exception {
        Path out = Files.createTempFile("attention_int_" + stages, ".ptx");
        try {
            Process pr = new ProcessBuilder(List.of("nvcc", "-ptx", "-arch=compute_80", "-O3", "-std=c++17", "-DAI_STAGES=" + stages, "-diag-suppress=128",
                    "cuda-kernels/attention_int.cu", "-o", out.toString())).inheritIO().start();
            if (!pr.waitFor(300, TimeUnit.SECONDS) || pr.exitValue() != 0) throw new IllegalStateException("nvcc failed for AI_STAGES=" + stages);
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@code p} less {@code before} (null for nothing), scaled from one image to the batch. */
    private static void row(String stage, LaunchProfile p, LaunchProfile before, LaunchProfile all) {
        double total = p.threadInstructions() - (before == null ? 0 : before.threadInstructions());
        System.out.printf(Locale.ROOT, "| %s | %.3g | %.3g | %.3g | %.3g | %.1f | %.1f | %.0f%% |%n", stage, total * BATCH,
                diff(p, before, InstrClass.INTEGER) * BATCH, diff(p, before, InstrClass.FP32) * BATCH, diff(p, before, InstrClass.FP64) * BATCH,
                (p.bytes(Space.GLOBAL) - (before == null ? 0 : before.bytes(Space.GLOBAL))) * (double) BATCH / 1e6,
                (p.bytes(Space.SHARED) - (before == null ? 0 : before.bytes(Space.SHARED))) * (double) BATCH / 1e6,
                100 * total / all.threadInstructions());
    }

    private static double diff(LaunchProfile p, LaunchProfile before, InstrClass c) {
        return p.instructions(c) - (before == null ? 0 : before.instructions(c));
    }

    private static long a(Tensor t) {
        return ((CudaTensor) t).address();
    }

    private static float[] uniform(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
