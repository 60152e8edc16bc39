package io.qvit.backend.cpu;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.ElementType;
import io.qvit.backend.HostArrays;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;
import java.util.Arrays;
import java.util.List;

/**
 * The reference backend: fp32 on the CPU, parallel over rows, heads or images with its own thread
 * pool. Results do not depend on the thread count: every output element is computed by one thread
 * in a fixed order. {@link #linear} packs each weight tensor into GEMM panels on its first use and
 * keeps them with the tensor; quantized weights are unpacked into panels once, at upload. The
 * integer ops are {@link RowQuantizer}, {@link IntegerLinear} and {@link QuantizedAttention}.
 */
public final class CpuBackend implements Backend {
    private static final int ROW_GRAIN = 64;       // LayerNorm, residual and copy rows per task
    private static final int ELEMENT_GRAIN = 1 << 15; // GELU elements per task
    /** Rows per GEMM task: a multiple of the micro-tile height, small enough to balance 2-64 threads. */
    private static final int GEMM_ROWS = 16 * Kernels.MR;

    private final Parallel parallel;
    private final ThreadLocal<float[]> normedRows = ThreadLocal.withInitial(() -> new float[0]);
    private final BufferPool buffers = new BufferPool();
    private final Kernels kernels;
    private final Gemm gemm;
    private final Attention attention;
    private final IntegerLinear integerLinear;
    private final QuantizedAttention quantizedAttention;
    private volatile boolean closed;

    /** All available processors, Vector API when the module is present. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        this(threads, true);
    }

    /** {@code allowVectorApi=false} forces the scalar kernels (same results, slower; for tests). */
    public CpuBackend(int threads, boolean allowVectorApi) {
        if (threads < 1) throw new QvitException("CPU threads must be at least 1, got " + threads);
        this.parallel = new Parallel(threads);
        this.kernels = chooseKernels(allowVectorApi);
        this.gemm = new Gemm(kernels);
        this.attention = new Attention(gemm, kernels);
        this.integerLinear = new IntegerLinear(gemm, kernels);
        this.quantizedAttention = new QuantizedAttention(gemm, kernels);
        if (kernels instanceof VectorKernels) KernelWarmup.once(this);
    }

    private static Kernels chooseKernels(boolean allowVectorApi) {
        if (allowVectorApi) {
            try {
                return new VectorKernels();
            } catch (LinkageError e) {
                // jdk.incubator.vector not resolved (JVM started without --add-modules): use scalar.
            }
        }
        return new ScalarKernels();
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** For example {@code cpu, 2 threads, Vector API 512-bit}. */
    @Override
    public String description() {
        return "cpu, " + threads() + (threads() == 1 ? " thread, " : " threads, ") + kernels.describe();
    }

    public int threads() {
        return parallel.threads();
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        HostArrays.requireShape(data.length, shape);
        checkOpen();
        return new CpuTensor(data.clone(), shape);
    }

    @Override
    public void copyFromHost(float[] data, Tensor dst) {
        CpuTensor t = cpu(dst, "destination");
        if (t.type() != ElementType.F32 || t.numel() != data.length)
            throw new QvitException("copyFromHost: " + data.length + " floats do not fit " + t);
        t.overwrite(data);
    }

    @Override
    public float[] toHost(Tensor t) {
        return cpu(t, "tensor").data().clone();
    }

    @Override
    public int[] toHostInts(Tensor t) {
        CpuTensor c = cpu(t, "tensor");
        if (c.type() == ElementType.I32) return c.ints().clone();
        if (c.type() == ElementType.F32) throw new QvitException("toHostInts: " + c + " holds floats; use toHost");
        int rows = c.dim(0), k = c.dim(1);
        int[] out = new int[rows * k], row = new int[k];
        for (int r = 0; r < rows; r++) {
            Codes.unpackRow(c.bytes(), c.type(), r, k, row);
            System.arraycopy(row, 0, out, r * k, k);
        }
        return out;
    }

    @Override
    public QuantizedWeights uploadWeights(PackedCodes codes, QuantParams params) {
        checkOpen();
        int n = codes.rows(), k = codes.k();
        if (params.groups() != 1 && params.groups() != n)
            throw new QvitException("weight params have " + params.groups() + " scales for " + n + " rows; use one, or one per row");
        if (!params.format().equals(codes.format())) throw new QvitException("weight codes are " + codes.format() + ", their params " + params.format());
        float[] scales = new float[n];
        int[] zeros = new int[n];
        for (int j = 0; j < n; j++) {
            scales[j] = params.scaleOfRow(j);
            zeros[j] = params.zeroPointOfRow(j);
        }
        CpuTensor c = new CpuTensor(ElementType.codes(codes.format()), codes.data().clone(), n, k);
        // the codes minus their zero points as floats, packed into GEMM panels once
        float[] centred = new float[n * k];
        int[] row = new int[k];
        float max = 0;
        for (int j = 0; j < n; j++) {
            codes.unpackRow(j, row);
            for (int i = 0; i < k; i++) {
                centred[j * k + i] = row[i] - zeros[j];
                max = Math.max(max, Math.abs(centred[j * k + i]));
            }
        }
        c.panels(PackedWeights.pack(centred, 0, k, 1, n, k, gemm.nr()), max);
        return new QuantizedWeights(c, new CpuTensor(scales, n), new CpuTensor(ElementType.I32, zeros, n), codes.format());
    }

    @Override
    public Tensor patchRows(Tensor images, int patch) {
        CpuTensor x = cpu(images, "images");
        requireRank(x, 4, "images [B,C,H,W]");
        int b = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        if (patch < 1 || h % patch != 0 || wd % patch != 0) {
            throw new QvitException("image size " + h + "x" + wd + " is not a multiple of the patch size " + patch);
        }
        int gy = h / patch, gx = wd / patch, k = c * patch * patch;
        float[] src = x.data();
        float[] cols = new float[b * gy * gx * k];
        parallel.forRange(b * gy, 1, (from, to) -> Im2col.rows(src, c, h, wd, patch, cols, from, to));
        return new CpuTensor(cols, b * gy * gx, k);
    }

    @Override
    public Tensor assembleTokens(Tensor patches, int batch, List<Tensor> prefix, Tensor pos, boolean posCoversPrefix) {
        CpuTensor p = cpu(patches, "patches"), e = cpu(pos, "position embedding");
        requireRank(p, 2, "patches [B*P,D]");
        int d = p.dim(1);
        if (batch < 1 || p.dim(0) % batch != 0) throw new QvitException("patch rows " + p.dim(0) + " do not split into batch " + batch);
        int np = p.dim(0) / batch, nx = prefix.size(), t = np + nx;
        int posRows = posCoversPrefix ? t : np;
        if (e.numel() != (long) posRows * d) {
            throw new QvitException("position embedding " + Arrays.toString(e.shape()) + " should be [1," + posRows + "," + d + "]");
        }
        float[][] pre = new float[nx][];
        for (int i = 0; i < nx; i++) {
            CpuTensor tok = cpu(prefix.get(i), "prefix token " + i);
            if (tok.numel() != d) throw new QvitException("prefix token " + i + " " + Arrays.toString(tok.shape()) + " should be [1,1," + d + "]");
            pre[i] = tok.data();
        }
        float[] src = p.data(), pe = e.data(), out = new float[batch * t * d];
        int posSkip = posCoversPrefix ? 0 : nx; // token index minus this is the pos row, if >= 0
        parallel.forRange(batch * t, ROW_GRAIN, (from, to) -> {
            for (int row = from; row < to; row++) {
                int img = row / t, tok = row % t, o = row * d;
                float[] s = tok < nx ? pre[tok] : src;
                int so = tok < nx ? 0 : (img * np + tok - nx) * d;
                int pr = tok - posSkip;
                for (int j = 0; j < d; j++) out[o + j] = pr >= 0 ? s[so + j] + pe[pr * d + j] : s[so + j];
            }
        });
        return new CpuTensor(out, batch * t, d);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        CpuTensor in = cpu(x, "input");
        requireRank(in, 2, "input [rows,D]");
        int m = in.dim(0), d = in.dim(1);
        float[] g = vector(gamma, d, "LayerNorm weight"), b = vector(beta, d, "LayerNorm bias");
        float[] src = in.data(), out = new float[m * d];
        parallel.forRange(m, ROW_GRAIN, (from, to) -> {
            for (int r = from; r < to; r++) LayerNorm.row(src, r * d, d, g, b, eps, out, r * d);
        });
        return new CpuTensor(out, m, d);
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        CpuTensor in = cpu(x, "input"), w = cpu(weight, "weight");
        requireRank(in, 2, "input [M,K]");
        requireRank(w, 2, "weight [N,K]");
        if (w.dim(1) != in.dim(1)) {
            throw new QvitException("linear: input " + Arrays.toString(in.shape()) + " does not match weight " + Arrays.toString(w.shape()));
        }
        float[] src = in.data();
        int m = in.dim(0), k = in.dim(1), n = w.dim(0);
        PackedWeights pw = panels(w, n, k);
        float[] bv = bias == null ? null : vector(bias, n, "bias");
        float[] y = new float[m * n];
        parallel.forRange(m, GEMM_ROWS, (from, to) -> {
            if (bv != null) for (int r = from; r < to; r++) System.arraycopy(bv, 0, y, r * n, n);
            gemm.multiplyAdd(src, from * k, k, to - from, pw, y, from * n, n);
        });
        return new CpuTensor(y, m, n);
    }

    private PackedWeights panels(CpuTensor w, int n, int k) {
        synchronized (w) {
            PackedWeights pw = w.panels();
            if (pw == null) {
                pw = PackedWeights.pack(w.data(), 0, k, 1, n, k, gemm.nr());
                w.panels(pw, 0);
            }
            return pw;
        }
    }

    @Override
    public Tensor attention(Tensor qkv, int batch, int tokens, int heads, float scale) {
        CpuTensor in = cpu(qkv, "qkv");
        requireRank(in, 2, "qkv [B*T,3D]");
        int d = in.dim(1) / 3;
        if (batch < 1 || tokens < 1 || heads < 1 || in.dim(0) != batch * tokens || in.dim(1) != 3 * d || d % heads != 0) {
            throw new QvitException("attention: qkv " + Arrays.toString(in.shape()) + " does not fit batch " + batch
                    + ", tokens " + tokens + ", heads " + heads);
        }
        if (!(scale > 0)) throw new QvitException("attention scale must be positive, got " + scale);
        float[] src = in.data(), out = new float[batch * tokens * d];
        parallel.forEach(batch * heads, task -> attention.head(src, out, task / heads, task % heads, tokens, d, heads, scale));
        return new CpuTensor(out, batch * tokens, d);
    }

    @Override
    public void geluInPlace(Tensor x) {
        float[] v = cpu(x, "input").data();
        parallel.forRange(v.length, ELEMENT_GRAIN, (from, to) -> kernels.gelu(v, from, to));
    }

    @Override
    public void addInPlace(Tensor x, Tensor y, Tensor gamma) {
        CpuTensor a = cpu(x, "x"), b = cpu(y, "y");
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new QvitException("add: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
        }
        int d = a.rank() == 0 ? 1 : a.dim(a.rank() - 1), m = (int) (a.numel() / Math.max(d, 1));
        float[] g = gamma == null ? null : vector(gamma, d, "LayerScale gamma");
        float[] dst = a.data(), src = b.data();
        parallel.forRange(m, ROW_GRAIN, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                if (g == null) for (int j = 0; j < d; j++) dst[o + j] += src[o + j];
                else for (int j = 0; j < d; j++) dst[o + j] += g[j] * src[o + j];
            }
        });
    }

    @Override
    public Tensor selectToken(Tensor x, int batch, int tokens, int index) {
        CpuTensor in = cpu(x, "input");
        requireRank(in, 2, "input [B*T,D]");
        if (batch < 1 || in.dim(0) != batch * tokens || index < 0 || index >= tokens) {
            throw new QvitException("selectToken: " + Arrays.toString(in.shape()) + " with batch " + batch + ", tokens " + tokens + ", index " + index);
        }
        int d = in.dim(1);
        float[] src = in.data(), out = new float[batch * d];
        for (int b = 0; b < batch; b++) System.arraycopy(src, (b * tokens + index) * d, out, b * d, d);
        return new CpuTensor(out, batch, d);
    }

    @Override
    public QuantizedRows quantizeRows(Tensor x, RowQuantization recipe) {
        CpuTensor in = cpu(x, "input");
        requireRank(in, 2, "input [rows,K]");
        int m = in.dim(0), k = in.dim(1);
        RowQuantizer q = rowQuantizer(recipe, k);
        float[] src = in.data();
        QuantizedRows out = q.allocate(m, buffers);
        parallel.forRange(m, ROW_GRAIN, (from, to) -> q.rows(src, from, to, from, out));
        return out;
    }

    @Override
    public QuantizedRows layerNormQuantizeRows(Tensor x, Tensor gamma, Tensor beta, float eps, RowQuantization recipe) {
        CpuTensor in = cpu(x, "input");
        requireRank(in, 2, "input [rows,D]");
        int m = in.dim(0), d = in.dim(1);
        float[] g = vector(gamma, d, "LayerNorm weight"), b = vector(beta, d, "LayerNorm bias");
        RowQuantizer q = rowQuantizer(recipe, d);
        float[] src = in.data();
        QuantizedRows out = q.allocate(m, buffers);
        parallel.forRange(m, ROW_GRAIN, (from, to) -> {
            // the task's normalised rows only, in the thread's scratch: a whole [m, d] copy would be a
            // fresh array of megabytes on every call
            float[] normed = normedRows.get();
            if (normed.length < ROW_GRAIN * d) normedRows.set(normed = new float[ROW_GRAIN * d]);
            for (int r = from; r < to; r++) LayerNorm.row(src, r * d, d, g, b, eps, normed, (r - from) * d);
            q.rows(normed, from, to, 0, out);
        });
        return out;
    }

    @Override
    public Tensor integerLinear(QuantizedRows x, QuantizedWeights w, Epilogue epilogue) {
        IntegerLinear.Operands op = operands(x, w, epilogue);
        boolean residual = epilogue.residual() != null;
        float[] y = residual ? null : new float[op.m() * op.n()];
        parallel.forRange(op.m(), GEMM_ROWS, (from, to) -> integerLinear.rows(op, from, to, y, null, null));
        return residual ? null : new CpuTensor(y, op.m(), op.n());
    }

    @Override
    public QuantizedRows integerLinearRequantized(QuantizedRows x, QuantizedWeights w, Epilogue epilogue, RowQuantization next) {
        if (epilogue.residual() != null) throw new QvitException("a requantized output cannot also be added to a residual");
        IntegerLinear.Operands op = operands(x, w, epilogue);
        RowQuantizer q = rowQuantizer(next, op.n());
        QuantizedRows out = q.allocate(op.m(), buffers);
        parallel.forRange(op.m(), GEMM_ROWS, (from, to) -> integerLinear.rows(op, from, to, null, q, out));
        return out;
    }

    @Override
    public Tensor quantizedAttention(Tensor qkv, int batch, int tokens, int heads, AttentionQuantization quant) {
        CpuTensor in = cpu(qkv, "qkv");
        requireRank(in, 2, "qkv [B*T,3D]");
        int d = in.dim(1) / 3;
        if (batch < 1 || tokens < 1 || heads < 1 || in.dim(0) != batch * tokens || in.dim(1) != 3 * d || d % heads != 0) {
            throw new QvitException("quantized attention: qkv " + Arrays.toString(in.shape()) + " does not fit batch " + batch
                    + ", tokens " + tokens + ", heads " + heads);
        }
        float[] src = in.data(), out = new float[batch * tokens * d];
        parallel.forEach(batch * heads, task -> quantizedAttention.head(src, out, task / heads, task % heads, tokens, d, heads, quant));
        return new CpuTensor(out, batch * tokens, d);
    }

    private RowQuantizer rowQuantizer(RowQuantization recipe, int k) {
        float[] divisors = recipe.divisors() == null ? null : vector(recipe.divisors(), k, "divisors");
        return new RowQuantizer(recipe, divisors, k, kernels);
    }

    private IntegerLinear.Operands operands(QuantizedRows x, QuantizedWeights w, Epilogue e) {
        CpuTensor codes = cpu(x.codes(), "input codes"), wc = cpu(w.codes(), "weight codes");
        int m = codes.dim(0), k = codes.dim(1), n = wc.dim(0);
        if (wc.dim(1) != k) throw new QvitException("integer linear: input " + Arrays.toString(codes.shape()) + " does not match weight " + Arrays.toString(wc.shape()));
        if (wc.panels() == null) throw new QvitException("weight codes " + wc + " were not uploaded with uploadWeights");
        if (codes.centred() == null) throw new QvitException("input codes " + codes + " were not made by quantizeRows");
        float[] bias = e.bias() == null ? null : vector(e.bias(), n, "bias");
        float[] gamma = e.gamma() == null ? null : vector(e.gamma(), n, "LayerScale gamma");
        float[] residual = null;
        if (e.residual() != null) {
            CpuTensor r = cpu(e.residual(), "residual");
            if (r.rank() != 2 || r.dim(0) != m || r.dim(1) != n)
                throw new QvitException("integer linear: residual " + Arrays.toString(r.shape()) + " should be [" + m + ", " + n + "]");
            residual = r.data();
        }
        return new IntegerLinear.Operands(m, n, k, codes.centred(), vector(x.scales(), m, "input scales"), wc.panels(), wc.maxAbsCode(),
                vector(w.scales(), n, "weight scales"), bias, e.gelu(), residual, gamma);
    }

    @Override
    public void close() {
        closed = true;
        parallel.close();
        buffers.clear();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CPU backend is closed");
    }

    private CpuTensor cpu(Tensor t, String what) {
        checkOpen();
        if (t == null) throw new QvitException(what + " is missing (null)");
        if (!(t instanceof CpuTensor c)) throw new QvitException(what + " belongs to another backend: " + t);
        c.checkOpen(); // fail now on a closed tensor
        return c;
    }

    private float[] vector(Tensor t, int n, String what) {
        CpuTensor c = cpu(t, what);
        if (c.type() != ElementType.F32) throw new QvitException(what + " should be F32, got " + c);
        if (c.numel() != n) throw new QvitException(what + " " + Arrays.toString(c.shape()) + " should have " + n + " elements");
        return c.data();
    }

    private static void requireRank(CpuTensor t, int rank, String what) {
        if (t.rank() != rank) throw new QvitException("expected " + what + ", got " + Arrays.toString(t.shape()));
    }
}
