package io.qvit.backend.cpu;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The reference backend: fp32 on the CPU, parallel over rows, heads or images with its own thread
 * pool. Results do not depend on the thread count: every output element is computed by one thread
 * in a fixed order. {@link #linear} packs each weight tensor once and keeps the packing until that
 * tensor is closed, so weights must not change after their first use.
 */
public final class CpuBackend implements Backend {
    private static final int ROW_GRAIN = 64;       // LayerNorm, residual and copy rows per task
    private static final int ELEMENT_GRAIN = 1 << 15; // GELU elements per task
    /** Rows per GEMM task: a multiple of the micro-tile height, small enough to balance 2-64 threads. */
    private static final int GEMM_ROWS = 16 * Kernels.MR;

    private final Parallel parallel;
    private final Kernels kernels;
    private final Gemm gemm;
    private final Attention attention;
    private final Map<CpuTensor, PackedWeights> packed = Collections.synchronizedMap(new WeakHashMap<>());
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

    /** Wraps {@code data} without copying; the tensor and the caller share the array. */
    @Override
    public CpuTensor fromHost(float[] data, int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new QvitException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new QvitException("shape " + Arrays.toString(shape) + " needs " + n + " floats, the array has " + data.length);
        }
        return new CpuTensor(data, shape);
    }

    @Override
    public float[] toHost(Tensor t) {
        return cpu(t, "tensor").data().clone();
    }

    @Override
    public Tensor patchEmbed(Tensor images, Tensor weight, Tensor bias, int patch) {
        CpuTensor x = cpu(images, "images"), w = cpu(weight, "patch weight");
        requireRank(x, 4, "images [B,C,H,W]");
        requireRank(w, 4, "patch weight [D,C,p,p]");
        int b = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), d = w.dim(0);
        if (patch < 1 || h % patch != 0 || wd % patch != 0) {
            throw new QvitException("image size " + h + "x" + wd + " is not a multiple of the patch size " + patch);
        }
        if (w.dim(1) != c || w.dim(2) != patch || w.dim(3) != patch) {
            throw new QvitException("patch weight " + Arrays.toString(w.shape()) + " does not fit " + c + " channels and patch " + patch);
        }
        int gy = h / patch, gx = wd / patch, k = c * patch * patch;
        float[] src = x.data();
        float[] cols = new float[b * gy * gx * k];
        parallel.forRange(b * gy, 1, (from, to) -> Im2col.rows(src, c, h, wd, patch, cols, from, to));
        return linear(cols, b * gy * gx, k, w, d, bias);
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
            for (int r = from; r < to; r++) LayerNorm.row(src, r * d, d, g, b, eps, out);
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
        return linear(in.data(), in.dim(0), in.dim(1), w, w.dim(0), bias);
    }

    /** {@code x[m,k] . w^T + bias}, w being any tensor of n*k floats (the patch weight is 4-D). */
    private CpuTensor linear(float[] x, int m, int k, CpuTensor w, int n, Tensor bias) {
        PackedWeights pw = packed(w, n, k);
        float[] bv = bias == null ? null : vector(bias, n, "bias");
        float[] y = new float[m * n];
        parallel.forRange(m, GEMM_ROWS, (from, to) -> {
            if (bv != null) for (int r = from; r < to; r++) System.arraycopy(bv, 0, y, r * n, n);
            gemm.multiplyAdd(x, from * k, k, to - from, pw, y, from * n, n);
        });
        return new CpuTensor(y, m, n);
    }

    private PackedWeights packed(CpuTensor w, int n, int k) {
        checkOpen();
        synchronized (packed) {
            PackedWeights pw = packed.get(w);
            if (pw == null) {
                pw = PackedWeights.pack(w.data(), 0, k, 1, n, k, gemm.nr());
                packed.put(w, pw);
                w.onClose(() -> packed.remove(w));
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
    public void close() {
        closed = true;
        parallel.close();
        packed.clear();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CPU backend is closed");
    }

    private CpuTensor cpu(Tensor t, String what) {
        checkOpen();
        if (t == null) throw new QvitException(what + " is missing (null)");
        if (!(t instanceof CpuTensor c)) throw new QvitException(what + " belongs to another backend: " + t);
        c.data(); // fail now on a closed tensor
        return c;
    }

    private float[] vector(Tensor t, int n, String what) {
        CpuTensor c = cpu(t, what);
        if (c.numel() != n) throw new QvitException(what + " " + Arrays.toString(c.shape()) + " should have " + n + " elements");
        return c.data();
    }

    private static void requireRank(CpuTensor t, int rank, String what) {
        if (t.rank() != rank) throw new QvitException("expected " + what + ", got " + Arrays.toString(t.shape()));
    }
}
