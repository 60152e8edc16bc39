package io.qvit.backend.cuda.bench;

import io.qvit.backend.KernelBench;
import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.baseline.CublasGemm;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import io.qvit.backend.cuda.emu.program.Space;
import io.qvit.backend.cuda.launch.AttentionF32;
import io.qvit.backend.cuda.launch.AttentionInt;
import io.qvit.backend.cuda.launch.GemmF32;
import io.qvit.backend.cuda.launch.GemmInt;
import io.qvit.backend.cuda.launch.LayerNormF32;
import io.qvit.backend.cuda.launch.QuantizeRows;
import io.qvit.quant.reparam.HadamardRotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The kept kernels one launch at a time, through their launchers, at the shapes of each architecture's
 * qkv, proj, fc1 and fc2 layers and of the LayerNorm, row quantization and attention around them; on
 * a GPU beside cuBLAS's FP32, FP16 and INT8 GEMMs where cuBLAS 13 loads, and a device-to-device copy
 * for the bandwidth. Each kernel's inputs rotate among several sets of buffers that together exceed
 * twice an H100's L2, so that no launch finds the previous one's operands in the cache.
 *
 * <p>On the emulator nothing is timed: each kernel runs once and reports the emulator's counts of
 * thread-instructions and global-memory bytes.
 */
public final class CudaKernelBench implements KernelBench {
    /** Twice an H100's 50 MB L2, and more: the inputs a kernel rotates among add up to at least this. */
    private static final long ROTATION_BYTES = 128L << 20;
    private static final int MAX_SETS = 16;
    /** Large enough that launch overhead does not count, small enough for any GPU. */
    private static final long COPY_BYTES = 256L << 20;
    private static final String FP16 = "cublas FP16", FP32 = "cublas FP32", INT8 = "cublas INT8";

    private final CudaDriver driver;
    private final PtxModules modules;
    private final EmuDriver emulator;
    private long seed = 1;

    /** Kernels of {@code modules}, loaded into {@code driver}. */
    public CudaKernelBench(CudaDriver driver, PtxModules modules) {
        this.driver = driver;
        this.modules = modules;
        this.emulator = driver instanceof EmuDriver e ? e : null;
    }

    @Override
    public List<Result> run(Options o, Consumer<String> progress) {
        List<Result> out = new ArrayList<>();
        String cublasReason = emulator != null ? "cuBLAS runs on a GPU only" : CublasGemm.unavailableReason();
        try (RandomSource source = new RandomSource(driver, emulator != null ? 1 << 20 : 64 << 20, 7);
             CublasGemm cublas = cublasReason == null ? new CublasGemm() : null) {
            Timer timer = new Timer(source, o, progress);
            Double copy = emulator != null ? null : timer.copyGbPerS();
            if (cublasReason != null)
                out.add(new Result("cublas", "", "", "", 0, null, 0, 0, null, null, null, null, null, null, cublasReason));
            GemmF32 gemmF32 = new GemmF32(modules);
            LayerNormF32 layerNorm = new LayerNormF32(modules);
            QuantizeRows quantize = new QuantizeRows(modules);
            AttentionF32 attentionF32 = new AttentionF32(modules);
            AttentionInt attentionInt = new AttentionInt(modules);
            GemmInt[] gemmInt = {new GemmInt(modules, 8, 8, true), new GemmInt(modules, 8, 4, true), new GemmInt(modules, 4, 4, true)};
            int[][] bits = {{8, 8}, {8, 4}, {4, 4}}; // activations, weights
            List<Integer> batches = o.small() ? List.of(0) : o.batches();
            for (Arch a : o.archs())
                for (int batch : batches) {
                    int rows = o.small() ? SMALL_ROWS : batch * a.tokens(), images = o.small() ? 1 : batch;
                    int[][] layers = {{3 * a.dim(), a.dim()}, {a.dim(), a.dim()}, {a.mlpDim(), a.dim()}, {a.dim(), a.mlpDim()}};
                    String[] names = {"qkv", "proj", "fc1", "fc2"};
                    for (int l = 0; l < layers.length; l++) {
                        int m = rows, n = layers[l][0], k = layers[l][1];
                        Shape s = new Shape(a, names[l], String.format(Locale.ROOT, "M=%d N=%d K=%d", m, n, k), batch, 2.0 * m * n * k);
                        out.add(timer.time(s, "gemm_f32", 4.0 * ((long) m * k + (long) n * k + (long) m * n), b -> {
                            long x = b.random(4L * m * k), w = b.random(4L * n * k), bias = b.random(4L * n), y = b.allocate(4L * m * n);
                            return () -> gemmF32.launch(new GemmF32.Params(x, w, bias, y, m, n, k));
                        }));
                        if (cublas != null)
                            for (CublasGemm.Type t : CublasGemm.Type.values()) {
                                int operand = t == CublasGemm.Type.FP32 ? 4 : t == CublasGemm.Type.FP16 ? 2 : 1;
                                double bytes = (double) operand * ((long) m * k + (long) n * k) + 4.0 * m * n;
                                try {
                                    out.add(timer.time(s, "cublas " + t, bytes, b -> {
                                        long x = b.random((long) operand * m * k), w = b.random((long) operand * n * k), y = b.allocate(4L * m * n);
                                        return () -> cublas.gemm(t, x, w, y, m, n, k);
                                    }));
                                } catch (CudaException e) { // a shape cuBLAS refuses (INT8 has alignment rules) is its result, not the run's end
                                    out.add(new Result("cublas " + t, a.name(), s.layer(), s.shape(), batch, null, s.ops(), bytes, null, null, null, null,
                                            null, null, e.getMessage()));
                                }
                            }
                        for (int g = 0; g < gemmInt.length; g++) {
                            int ab = bits[g][0], wb = bits[g][1];
                            GemmInt launcher = gemmInt[g];
                            out.add(timer.time(s, "gemm_int W" + wb + "A" + ab, ab / 8.0 * m * k + wb / 8.0 * n * k + 4.0 * m * n, b -> {
                                long qa = b.random((long) m * k * ab / 8), za = b.ints(m, 1 << ab), sa = b.positive(m, 0.01f);
                                long qw = b.random((long) n * k * wb / 8), zw = b.ints(n, 1), sw = b.positive(n, 0.01f), wsum = b.ints(n, 1000);
                                long bias = b.random(4L * n), y = b.allocate(4L * m * n);
                                return () -> launcher.launch(new GemmInt.Params(qa, za, sa, true, qw, zw, sw, wsum, bias, false, 0, 0, y, m, n, k, ab, wb));
                            }));
                        }
                    }
                    int d = a.dim();
                    Shape rowsShape = new Shape(a, "norm1/norm2", String.format(Locale.ROOT, "rows=%d D=%d", rows, d), batch, 0);
                    out.add(timer.time(rowsShape, "layernorm", 8.0 * rows * d, b -> {
                        long x = b.random(4L * rows * d), gamma = b.random(4L * d), beta = b.random(4L * d), y = b.allocate(4L * rows * d);
                        return () -> layerNorm.launch(new LayerNormF32.Params(x, gamma, beta, y, rows, d, 1e-6f));
                    }));
                    for (int qb : new int[] {8, 4}) {
                        boolean rotate = qb == 4;
                        Shape qs = new Shape(a, "linear inputs", rowsShape.shape(), batch, 0);
                        out.add(timer.time(qs, "quantize_rows " + qb + "-bit" + (rotate ? ", rotated" : ""), 4.0 * rows * d + qb / 8.0 * rows * d + 8.0 * rows, b -> {
                            long x = b.random(4L * rows * d), scale = b.allocate(4L * rows), zero = b.allocate(4L * rows);
                            long codes = b.allocate((long) rows * d * qb / 8), flag = b.ints(1, 1);
                            return () -> quantize.launch(new QuantizeRows.Params(x, 1, d, 0, rotate ? HadamardRotation.block(d) : 0, rows, d, qb,
                                    qb == 4, true, 1f, 0, scale, zero, codes, flag));
                        }));
                    }
                    int t = a.tokens(), h = a.heads(), hd = d / h;
                    double attentionOps = 4.0 * images * h * t * t * hd;
                    Shape as = new Shape(a, "attention", String.format(Locale.ROOT, "B=%d H=%d T=%d hd=%d", images, h, t, hd), batch, attentionOps);
                    out.add(timer.time(as, "attention_f32", 4.0 * images * t * 3 * d + 4.0 * images * t * d, b -> {
                        long qkv = b.random(4L * images * t * 3 * d), y = b.allocate(4L * images * t * d);
                        return () -> attentionF32.launch(new AttentionF32.Params(qkv, y, images, t, h, hd, (float) (1 / Math.sqrt(hd))));
                    }));
                    int heads = images * t * h;
                    out.add(timer.time(as, "attention_int (8-bit QKV, 4-bit probabilities)", 3.0 * images * t * d + 16.0 * heads + 4.0 * images * t * d, b -> {
                        long q = b.random((long) heads * hd), sq = b.positive(heads, 0.01f), zq = b.ints(heads, 256);
                        long k = b.random((long) heads * hd), sk = b.positive(heads, 0.01f), zk = b.ints(heads, 256);
                        long v = b.random((long) heads * hd), y = b.allocate(4L * images * t * d);
                        return () -> attentionInt.launch(new AttentionInt.Params(q, sq, zq, k, sk, zk, v, 0.02f, 128, y, images, t, h, hd,
                                (float) (1 / Math.sqrt(hd)), 4, true));
                    }));
                }
            return withPeaks(out, copy);
        }
    }

    /** Each result's fraction of the best cuBLAS rate of its kind (GEMMs) or of the copy bandwidth (the rest). */
    private static List<Result> withPeaks(List<Result> results, Double copyGbPerS) {
        double fp32 = best(results, FP32), fp16 = best(results, FP16), int8 = best(results, INT8);
        List<Result> out = new ArrayList<>();
        for (Result r : results) {
            Double fraction = null;
            String peak = null;
            if (r.kernel().startsWith("gemm_") || r.kernel().startsWith("cublas ")) {
                boolean f32 = r.kernel().equals("gemm_f32") || r.kernel().equals(FP32);
                double p = f32 ? fp32 : r.kernel().equals(FP16) ? fp16 : int8;
                String kind = f32 ? FP32 : r.kernel().equals(FP16) ? FP16 : INT8;
                if (p > 0 && r.tops() != null) {
                    fraction = r.tops() / p;
                    peak = String.format(Locale.ROOT, "%s best in this run, %.1f TOPS", kind, p);
                }
            } else if (copyGbPerS != null && r.gbPerS() != null) {
                fraction = r.gbPerS() / copyGbPerS;
                peak = String.format(Locale.ROOT, "device-to-device copy, %.0f GB/s", copyGbPerS);
            }
            out.add(new Result(r.kernel(), r.model(), r.layer(), r.shape(), r.batch(), r.medianMs(), r.ops(), r.bytes(), r.tops(), r.gbPerS(),
                    fraction, peak, r.threadInstructions(), r.globalBytes(), r.note()));
        }
        return out;
    }

    private static double best(List<Result> results, String kernel) {
        return results.stream().filter(r -> r.kernel().equals(kernel) && r.tops() != null).mapToDouble(Result::tops).max().orElse(0);
    }

    /** Where a kernel runs: the layer and shape, and its arithmetic (0 for none worth counting). */
    private record Shape(Arch arch, String layer, String shape, int batch, double ops) {}

    /** Allocates one set of a kernel's buffers and returns its launch. */
    private interface Setup {
        Runnable allocate(DeviceBuffers buffers);
    }

    /** Times launches with events (or counts them on the emulator). */
    private final class Timer {
        private final RandomSource source;
        private final Options options;
        private final Consumer<String> progress;

        Timer(RandomSource source, Options options, Consumer<String> progress) {
            this.source = source;
            this.options = options;
            this.progress = progress;
        }

        Result time(Shape s, String kernel, double bytes, Setup setup) {
            int sets = emulator != null ? 1 : (int) Math.max(1, Math.min(MAX_SETS, Math.ceil(ROTATION_BYTES / bytes)));
            try (DeviceBuffers buffers = new DeviceBuffers(source, seed++)) {
                Runnable[] launches = new Runnable[sets];
                for (int i = 0; i < sets; i++) launches[i] = setup.allocate(buffers);
                Result r;
                if (emulator != null) {
                    launches[0].run();
                    LaunchProfile p = emulator.lastProfile();
                    r = new Result(kernel, s.arch().name(), s.layer(), s.shape(), s.batch(), null, s.ops(), bytes, null, null, null, null,
                            p.threadInstructions(), p.bytes(Space.GLOBAL), "emulator: counts, not time");
                } else {
                    for (int i = 0; i < options.warmup(); i++) launches[i % sets].run();
                    double[] ms = new double[options.repeats()];
                    for (int i = 0; i < ms.length; i++) {
                        CudaDriver.Event start = driver.record();
                        launches[i % sets].run();
                        ms[i] = driver.elapsedMillis(start, driver.record());
                    }
                    double median = median(ms);
                    r = new Result(kernel, s.arch().name(), s.layer(), s.shape(), s.batch(), median, s.ops(), bytes,
                            s.ops() > 0 ? s.ops() / median / 1e9 : null, bytes / median / 1e6, null, null, null, null,
                            sets > 1 ? null : "operands exceed " + (ROTATION_BYTES >> 20) + " MiB: no rotation needed");
                }
                driver.synchronize();
                progress.accept(String.format(Locale.ROOT, "kernels: %s %s %s %s: %s", s.arch().name(), s.layer(), s.shape(), kernel,
                        r.medianMs() != null ? String.format(Locale.ROOT, "%.4f ms", r.medianMs())
                                : String.format(Locale.ROOT, "%.3g thread-instructions", (double) r.threadInstructions())));
                return r;
            }
        }

        /** Read plus written bytes per second of a device-to-device copy, GB/s. */
        double copyGbPerS() {
            try (DeviceBuffers b = new DeviceBuffers(source, 0)) {
                long from = b.allocate(COPY_BYTES), to = b.allocate(COPY_BYTES);
                for (int i = 0; i < Math.max(1, options.warmup()); i++) driver.copy(to, from, COPY_BYTES);
                double[] ms = new double[options.repeats()];
                for (int i = 0; i < ms.length; i++) {
                    CudaDriver.Event start = driver.record();
                    driver.copy(to, from, COPY_BYTES);
                    ms[i] = driver.elapsedMillis(start, driver.record());
                }
                double gbs = 2.0 * COPY_BYTES / median(ms) / 1e6;
                progress.accept(String.format(Locale.ROOT, "kernels: device-to-device copy of %d MiB: %.0f GB/s", COPY_BYTES >> 20, gbs));
                return gbs;
            }
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
