package io.qvit.check;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.quant.Granularity;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Every op of the backend contract (and so every kernel launcher of a device backend) on fresh random
 * inputs of ragged shapes, run on the CPU reference and on a device backend, and, where given, on a
 * second device backend (the PTX emulator beside a GPU): the device's outputs against the CPU twin's
 * (integer results and the ops the integer forward uses bit-identical; the fp32 GEMM and attention
 * within the bound written beside each case), and the GPU's against the emulator's (bit-identical,
 * except the cases whose kernels use approximate instructions, which get their CPU bound).
 */
public final class KernelChecks {
    /** ViT-Tiny's shapes (197 tokens, width 192) and ragged ones; small keeps the emulator's share to seconds. */
    public enum Size { SMALL, FULL }

    /** One output of a case: floats or ints, and the largest |device - CPU| allowed per element (null: bit-identical). */
    record Output(String what, float[] floats, int[] ints, double[] bound) {
        static Output exact(String what, float[] v) {
            return new Output(what, v, null, null);
        }

        static Output exact(String what, int[] v) {
            return new Output(what, null, v, null);
        }

        int length() {
            return floats != null ? floats.length : ints.length;
        }
    }

    /** An op on inputs drawn once (so every backend gets the same); {@code approximate} when its kernel uses .approx instructions. */
    record Case(String name, boolean approximate, Function<Backend, List<Output>> run) {}

    private KernelChecks() {}

    /**
     * Runs every case of {@code size} with inputs from {@code seed}: {@code device} against {@code cpu},
     * and against {@code emulator} unless it is null (then one skipped check says why).
     */
    public static void run(Backend cpu, Backend device, Backend emulator, String noEmulatorReason, Size size, long seed, CheckLog log) {
        for (Case c : cases(size, new Random(seed))) {
            List<Output> reference = c.run.apply(cpu);
            AtomicReference<List<Output>> onDevice = new AtomicReference<>();
            log.run("kernel " + c.name + ": vs CPU", () -> {
                onDevice.set(c.run.apply(device));
                return compare(reference, onDevice.get());
            });
            if (emulator == null) continue;
            if (onDevice.get() == null) {
                log.skip("kernel " + c.name + ": vs the emulator", "the device run failed");
                continue;
            }
            log.run("kernel " + c.name + ": vs the emulator", () -> compare(reference, onDevice.get(), c.run.apply(emulator), c.approximate));
        }
        if (emulator == null) log.skip("kernels vs the emulator", noEmulatorReason);
        log.run("kernel quantizeRows: a NaN input is reported, once", () -> reportsNaN(device));
    }

    /** A NaN reaching a quantized layer is reported at the next read back (the kernels flag it), then cleared. */
    private static CheckLog.Outcome reportsNaN(Backend device) {
        float[] x = new float[4 * 32];
        Arrays.fill(x, 0.5f);
        x[70] = Float.NaN;
        try (Tensor t = device.fromHost(x, 4, 32); QuantizedRows q = device.quantizeRows(t, RowQuantization.perRow(QuantFormat.asymmetric(8), null, false))) {
            try {
                device.toHost(q.scales());
                return CheckLog.Outcome.fail("the NaN went unreported");
            } catch (QvitException e) {
                if (!e.getMessage().contains("NaN or infinite")) return CheckLog.Outcome.fail("reported as: " + e.getMessage());
            }
            device.toHost(q.scales()); // cleared: a second read does not throw
            return CheckLog.Outcome.pass("reported at the next read back, then cleared");
        }
    }

    /** Each output of {@code actual} against {@code expected}: bit-identical unless the output has a bound. */
    private static CheckLog.Outcome compare(List<Output> expected, List<Output> actual) {
        StringBuilder ok = new StringBuilder();
        for (int o = 0; o < expected.size(); o++) {
            Output e = expected.get(o), a = actual.get(o);
            String bad = difference(e, a, e.bound);
            if (bad != null) return CheckLog.Outcome.fail(bad);
            if (ok.length() > 0) ok.append(", ");
            ok.append(e.what).append(e.bound == null ? " bit-identical" : String.format(Locale.ROOT, " within bound (largest %.2g)", largest(e, a)));
        }
        return CheckLog.Outcome.pass(ok.toString());
    }

    /** The GPU's outputs against the emulator's: bit-identical, or within the CPU bound for approximate kernels. */
    private static CheckLog.Outcome compare(List<Output> cpuBounds, List<Output> gpu, List<Output> emu, boolean approximate) {
        StringBuilder ok = new StringBuilder();
        for (int o = 0; o < emu.size(); o++) {
            Output e = emu.get(o), g = gpu.get(o);
            double[] bound = approximate ? cpuBounds.get(o).bound : null;
            String bad = difference(e, g, bound);
            if (bad != null) return CheckLog.Outcome.fail(bad + " (the emulator's)");
            if (ok.length() > 0) ok.append(", ");
            long differing = differing(e, g);
            ok.append(e.what).append(differing == 0 ? " bit-identical" : String.format(Locale.ROOT, " %d of %d differ, largest %.2g, within bound",
                    differing, e.length(), largest(e, g)));
        }
        return CheckLog.Outcome.pass(ok.toString());
    }

    /** Null when {@code actual} matches; else the first offending element and how many differ. */
    static String difference(Output expected, Output actual, double[] bound) {
        if (expected.length() != actual.length()) return expected.what + ": " + actual.length() + " elements, expected " + expected.length();
        int first = -1;
        long bad = 0;
        for (int i = 0; i < expected.length(); i++) {
            boolean same;
            if (expected.ints != null) same = expected.ints[i] == actual.ints[i];
            else if (bound == null) same = Float.floatToRawIntBits(expected.floats[i]) == Float.floatToRawIntBits(actual.floats[i]);
            else same = Math.abs((double) actual.floats[i] - expected.floats[i]) <= bound[i]; // NaN (an unwritten element) fails
            if (!same && bad++ == 0) first = i;
        }
        if (bad == 0) return null;
        String got = expected.ints != null ? actual.ints[first] + ", expected " + expected.ints[first]
                : actual.floats[first] + ", expected " + expected.floats[first] + (bound == null ? "" : " (bound " + bound[first] + ")");
        return String.format(Locale.ROOT, "%s: %d of %d elements differ; first [%d] = %s", expected.what, bad, expected.length(), first, got);
    }

    private static long differing(Output a, Output b) {
        long n = 0;
        for (int i = 0; i < a.length(); i++)
            if (a.ints != null ? a.ints[i] != b.ints[i] : Float.floatToRawIntBits(a.floats[i]) != Float.floatToRawIntBits(b.floats[i])) n++;
        return n;
    }

    private static double largest(Output a, Output b) {
        double m = 0;
        for (int i = 0; i < a.length(); i++)
            m = Math.max(m, a.ints != null ? Math.abs((double) a.ints[i] - b.ints[i]) : Math.abs((double) a.floats[i] - b.floats[i]));
        return m;
    }

    /**
     * The bound for an fp32 {@code y = x w^T + b} computed in another order: two dot products of K terms
     * differ by at most {@code 2 (K + 1) u sum |x w|} with {@code u = 2^-24} (Higham's gamma_K).
     */
    public static double[] linearBound(float[] x, float[] w, float[] b, int m, int k, int n) {
        double[] bound = new double[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++) {
                double s = b == null ? 0 : Math.abs(b[j]);
                for (int c = 0; c < k; c++) s += Math.abs((double) x[r * k + c] * w[j * k + c]);
                bound[r * n + j] = 2.0 * (k + 1) * 0x1p-24 * s;
            }
        return bound;
    }

    /**
     * The fp32 attention's bound: outputs are convex combinations of V (|v| <= 2 here); scores, exp and
     * sums in other orders and exp through ex2.approx stay within 2e-5 absolute.
     */
    public static final double ATTENTION_BOUND = 2e-5;

    static List<Case> cases(Size size, Random rnd) {
        boolean full = size == Size.FULL;
        List<Case> cases = new ArrayList<>();
        for (int[] s : full ? new int[][] {{197, 192, 576}, {65, 128, 130}, {3, 768, 7}} : new int[][] {{33, 64, 40}, {3, 96, 7}})
            cases.add(linear(rnd, s[0], s[1], s[2]));
        cases.add(layerNorm(rnd, full ? 197 : 17, full ? 192 : 64, 1e-6f));
        cases.add(layerNorm(rnd, 9, 195, 1e-5f)); // a width past a multiple of 4
        cases.add(elementwise(rnd, full ? 197 : 17, full ? 192 : 64));
        for (int[] p : full ? new int[][] {{8, 1, 1}, {16, 2, 1}, {8, 1, 0}} : new int[][] {{8, 1, 1}, {8, 2, 0}})
            cases.add(patchesAndTokens(rnd, p[0], p[1], p[2] == 1));
        for (int[] a : full ? new int[][] {{2, 65, 4, 128}, {1, 197, 3, 192}} : new int[][] {{2, 17, 2, 64}})
            cases.add(attention(rnd, a[0], a[1], a[2], a[3]));
        Object[][] rows = full
                ? new Object[][] {{197, 192, 4, true, true, true}, {65, 128, 8, false, false, true}, {37, 768, 4, false, true, true},
                        {11, 96, 8, true, false, false}, {197, 64, 6, false, false, true}}
                : new Object[][] {{17, 64, 4, true, true, true}, {11, 96, 8, true, false, false}, {9, 64, 6, false, false, true}};
        for (Object[] r : rows) cases.add(quantizeRows(rnd, (int) r[0], (int) r[1], (int) r[2], (boolean) r[3], (boolean) r[4], (boolean) r[5]));
        for (Object[] r : full ? new Object[][] {{197, 192, 4, true, true}, {65, 198, 8, false, false}} : new Object[][] {{17, 64, 4, true, true}, {9, 66, 8, false, false}})
            cases.add(layerNormQuantizeRows(rnd, (int) r[0], (int) r[1], (int) r[2], (boolean) r[3], (boolean) r[4]));
        Object[][] gemms = full
                ? new Object[][] {{197, 130, 192, 4, 4, false, false}, {65, 128, 384, 8, 8, false, true}, {70, 50, 64, 8, 4, false, false},
                        {33, 96, 96, 4, 8, true, false}, {197, 192, 768, 4, 4, false, true}, {5, 1000, 192, 8, 8, false, false}}
                : new Object[][] {{33, 40, 64, 4, 4, false, false}, {17, 32, 96, 8, 8, true, false}, {9, 24, 64, 8, 4, false, true}};
        for (Object[] g : gemms)
            cases.add(integerLinear(rnd, (int) g[0], (int) g[1], (int) g[2], (int) g[3], (int) g[4], (boolean) g[5], (boolean) g[6]));
        cases.add(integerLinearRequantized(rnd, full ? 197 : 17, full ? 768 : 128, full ? 192 : 64, 4));
        for (int[] a : full ? new int[][] {{2, 65, 4, 128, 4}, {1, 197, 3, 192, 8}, {2, 17, 2, 64, 4}} : new int[][] {{2, 17, 2, 64, 4}, {1, 9, 2, 32, 8}})
            cases.add(quantizedAttention(rnd, a[0], a[1], a[2], a[3], a[4]));
        return cases;
    }

    private static float[] uniform(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        return a;
    }

    private static Case linear(Random rnd, int m, int k, int n) {
        float[] x = uniform(rnd, m * k, 2f), w = uniform(rnd, n * k, 0.2f), b = uniform(rnd, n, 1f);
        double[] bound = linearBound(x, w, b, m, k, n);
        return new Case("linear (gemm_f32) " + m + "x" + k + "x" + n, false, be -> {
            try (Tensor xt = be.fromHost(x, m, k); Tensor wt = be.fromHost(w, n, k); Tensor bt = be.fromHost(b, n); Tensor y = be.linear(xt, wt, bt)) {
                return List.of(new Output("y", be.toHost(y), null, bound));
            }
        });
    }

    private static Case layerNorm(Random rnd, int m, int d, float eps) {
        float[] x = uniform(rnd, m * d, 3f), g = uniform(rnd, d, 1.5f), b = uniform(rnd, d, 0.5f);
        return new Case("layerNorm " + m + "x" + d, false, be -> {
            try (Tensor xt = be.fromHost(x, m, d); Tensor gt = be.fromHost(g, d); Tensor bt = be.fromHost(b, d); Tensor y = be.layerNorm(xt, gt, bt, eps)) {
                return List.of(Output.exact("y", be.toHost(y)));
            }
        });
    }

    /** GELU (with erfc's asymptotic branch), the residual add with and without LayerScale, and selectToken. */
    private static Case elementwise(Random rnd, int m, int d) {
        float[] x = uniform(rnd, m * d, 3f), y = uniform(rnd, m * d, 1f), g = uniform(rnd, d, 1.5f);
        y[0] = -12f;
        y[1] = 7f;
        return new Case("gelu, residual add, selectToken " + m + "x" + d, false, be -> {
            try (Tensor xt = be.fromHost(x, m, d); Tensor yt = be.fromHost(y, m, d); Tensor gt = be.fromHost(g, d); Tensor plain = be.fromHost(x, m, d)) {
                be.geluInPlace(yt);
                float[] gelu = be.toHost(yt);
                be.addInPlace(xt, yt, gt);
                be.addInPlace(plain, yt, null);
                try (Tensor s = be.selectToken(plain, 1, m, Math.min(5, m - 1))) {
                    return List.of(Output.exact("gelu", gelu), Output.exact("add with LayerScale", be.toHost(xt)),
                            Output.exact("add", be.toHost(plain)), Output.exact("selectToken", be.toHost(s)));
                }
            }
        });
    }

    private static Case patchesAndTokens(Random rnd, int patch, int prefix, boolean posCoversPrefix) {
        int b = 3, c = 3, s = 32, d = 64, p = (s / patch) * (s / patch), posRows = p + (posCoversPrefix ? prefix : 0);
        float[] img = uniform(rnd, b * c * s * s, 2f), patches = uniform(rnd, b * p * d, 1f), pos = uniform(rnd, posRows * d, 1f);
        List<float[]> tokens = new ArrayList<>();
        for (int i = 0; i < prefix; i++) tokens.add(uniform(rnd, d, 1f));
        return new Case("patchRows (im2col) patch " + patch + ", assembleTokens prefix " + prefix + (posCoversPrefix ? "" : ", pos without prefix"),
                false, be -> {
            List<Tensor> pre = new ArrayList<>();
            try (Tensor it = be.fromHost(img, b, c, s, s); Tensor rows = be.patchRows(it, patch); Tensor pt = be.fromHost(patches, b * p, d);
                 Tensor post = be.fromHost(pos, 1, posRows, d)) {
                for (float[] t : tokens) pre.add(be.fromHost(t, 1, 1, d));
                try (Tensor out = be.assembleTokens(pt, b, pre, post, posCoversPrefix)) {
                    return List.of(Output.exact("patchRows", be.toHost(rows)), Output.exact("assembleTokens", be.toHost(out)));
                }
            } finally {
                pre.forEach(Tensor::close);
            }
        });
    }

    private static Case attention(Random rnd, int batch, int tokens, int heads, int dim) {
        float[] qkv = uniform(rnd, batch * tokens * 3 * dim, 2f);
        float scale = (float) (1 / Math.sqrt(dim / heads));
        double[] bound = new double[batch * tokens * dim];
        Arrays.fill(bound, ATTENTION_BOUND);
        return new Case("attention (attention_f32) batch " + batch + ", " + tokens + " tokens, " + heads + " heads, dim " + dim, true, be -> {
            try (Tensor t = be.fromHost(qkv, batch * tokens, 3 * dim); Tensor y = be.attention(t, batch, tokens, heads, scale)) {
                return List.of(new Output("y", be.toHost(y), null, bound));
            }
        });
    }

    private static Case quantizeRows(Random rnd, int m, int k, int bits, boolean divide, boolean rotate, boolean perRow) {
        float[] x = uniform(rnd, m * k, 4f);
        x[rnd.nextInt(x.length)] = 60f; // an outlier, as ViT tokens have
        float[] divisors = new float[k];
        for (int i = 0; i < k; i++) divisors[i] = 0.25f + rnd.nextFloat() * 4;
        QuantFormat f = QuantFormat.asymmetric(bits);
        return new Case("quantizeRows " + m + "x" + k + " at " + bits + " bits" + (divide ? ", divisors" : "") + (rotate ? ", rotated" : "")
                + (perRow ? "" : ", fixed range"), false, be -> {
            try (Tensor xt = be.fromHost(x, m, k); Tensor dt = be.fromHost(divisors, k);
                 QuantizedRows q = be.quantizeRows(xt, new RowQuantization(f, divide ? dt : null, rotate, perRow, 0.07f, 5))) {
                return List.of(Output.exact("codes", be.toHostInts(q.codes())), Output.exact("scales", be.toHost(q.scales())),
                        Output.exact("zero points", be.toHostInts(q.zeroPoints())));
            }
        });
    }

    /** LayerNorm fused with the row quantization (layernorm_quantize), as the inputs of qkv and fc1 take it. */
    private static Case layerNormQuantizeRows(Random rnd, int m, int k, int bits, boolean divide, boolean rotate) {
        float[] x = uniform(rnd, m * k, 3f), g = uniform(rnd, k, 1.5f), b = uniform(rnd, k, 0.5f), divisors = new float[k];
        for (int i = 0; i < k; i++) divisors[i] = 0.25f + rnd.nextFloat() * 4;
        QuantFormat f = QuantFormat.asymmetric(bits);
        return new Case("layerNormQuantizeRows " + m + "x" + k + " at " + bits + " bits" + (divide ? ", divisors" : "") + (rotate ? ", rotated" : ""),
                false, be -> {
            try (Tensor xt = be.fromHost(x, m, k); Tensor gt = be.fromHost(g, k); Tensor bt = be.fromHost(b, k); Tensor dt = be.fromHost(divisors, k);
                 QuantizedRows q = be.layerNormQuantizeRows(xt, gt, bt, 1e-6f, RowQuantization.perRow(f, divide ? dt : null, rotate))) {
                return List.of(Output.exact("codes", be.toHostInts(q.codes())), Output.exact("scales", be.toHost(q.scales())),
                        Output.exact("zero points", be.toHostInts(q.zeroPoints())));
            }
        });
    }

    /** fc1 with GELU whose output is quantized for fc2 (rotated, per row), as the MLP of a model on codes runs. */
    private static Case integerLinearRequantized(Random rnd, int m, int n, int k, int bits) {
        float[] x = uniform(rnd, m * k, 3f), wv = uniform(rnd, n * k, 0.1f), bias = uniform(rnd, n, 1f);
        QuantFormat fa = QuantFormat.asymmetric(bits), fw = QuantFormat.symmetric(bits);
        QuantParams pw = QuantParams.minMax("w", wv, n, fw, Granularity.PER_CHANNEL);
        PackedCodes wCodes = PackedCodes.pack(new UniformQuantizer(pw).quantize("w", wv), n, k, fw);
        return new Case("integerLinearRequantized (gemm_int, quantize_rows) " + m + "x" + n + "x" + k + ", w" + bits + "a" + bits + ", GELU", false, be -> {
            try (Tensor xt = be.fromHost(x, m, k); Tensor bt = be.fromHost(bias, n); QuantizedWeights w = be.uploadWeights(wCodes, pw);
                 QuantizedRows a = be.quantizeRows(xt, RowQuantization.perRow(fa, null, false));
                 QuantizedRows y = be.integerLinearRequantized(a, w, new Backend.Epilogue(bt, true, null, null), RowQuantization.perRow(fa, null, true))) {
                return List.of(Output.exact("codes", be.toHostInts(y.codes())), Output.exact("scales", be.toHost(y.scales())),
                        Output.exact("zero points", be.toHostInts(y.zeroPoints())));
            }
        });
    }

    private static Case integerLinear(Random rnd, int m, int n, int k, int bitsA, int bitsW, boolean gelu, boolean residual) {
        float[] x = uniform(rnd, m * k, 3f), wv = uniform(rnd, n * k, 0.1f), bias = uniform(rnd, n, 1f), gamma = uniform(rnd, n, 1f),
                res = uniform(rnd, m * n, 2f);
        QuantFormat fa = QuantFormat.asymmetric(bitsA), fw = QuantFormat.symmetric(bitsW);
        QuantParams pw = QuantParams.minMax("w", wv, n, fw, Granularity.PER_CHANNEL);
        PackedCodes wCodes = PackedCodes.pack(new UniformQuantizer(pw).quantize("w", wv), n, k, fw);
        return new Case("integerLinear (gemm_int) " + m + "x" + n + "x" + k + ", a" + bitsA + " w" + bitsW + (gelu ? ", GELU" : "")
                + (residual ? ", residual" : ""), false, be -> {
            try (Tensor xt = be.fromHost(x, m, k); Tensor bt = be.fromHost(bias, n); Tensor gt = be.fromHost(gamma, n); Tensor rt = be.fromHost(res, m, n);
                 QuantizedWeights w = be.uploadWeights(wCodes, pw); QuantizedRows a = be.quantizeRows(xt, RowQuantization.perRow(fa, null, false))) {
                Tensor y = be.integerLinear(a, w, new Backend.Epilogue(bt, gelu, residual ? rt : null, residual ? gt : null));
                if (y == null) return List.of(Output.exact("residual", be.toHost(rt)));
                try (y) {
                    return List.of(Output.exact("y", be.toHost(y)));
                }
            }
        });
    }

    private static Case quantizedAttention(Random rnd, int batch, int tokens, int heads, int dim, int bits) {
        float[] qkv = uniform(rnd, batch * tokens * 3 * dim, 2f);
        QuantFormat f = QuantFormat.asymmetric(bits);
        AttentionQuantization q = new AttentionQuantization(f, f, 4f / ((1 << bits) - 1), (1 << bits) / 2, bits);
        return new Case("quantizedAttention (attention_int) batch " + batch + ", " + tokens + " tokens, " + heads + " heads, dim " + dim + ", "
                + bits + " bits", false, be -> {
            try (Tensor t = be.fromHost(qkv, batch * tokens, 3 * dim); Tensor y = be.quantizedAttention(t, batch, tokens, heads, q)) {
                return List.of(Output.exact("y", be.toHost(y)));
            }
        });
    }
}
