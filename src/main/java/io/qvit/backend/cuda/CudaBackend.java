package io.qvit.backend.cuda;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.launch.AssembleTokens;
import io.qvit.backend.cuda.launch.AttentionF32;
import io.qvit.backend.cuda.launch.Gelu;
import io.qvit.backend.cuda.launch.GemmF32;
import io.qvit.backend.cuda.launch.Im2col;
import io.qvit.backend.cuda.launch.LayerNormF32;
import io.qvit.backend.cuda.launch.ResidualAdd;
import io.qvit.backend.cuda.launch.SelectToken;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The backend contract on a CUDA device: every op one launch (or two: the patch embedding is im2col
 * then the GEMM) of a kept kernel, through a {@link CudaDriver} (a GPU through JCuda, or the PTX
 * emulator). Tensors live in pooled device memory; {@link #fromHost} copies and {@link #toHost}
 * copies back. The CPU backend is the specification each launch is tested against.
 */
public final class CudaBackend implements Backend {
    private final CudaDriver driver;
    private final DevicePool pool;
    private final PtxModules modules;
    private GemmF32 gemm;
    private Im2col im2col;
    private AssembleTokens assemble;
    private LayerNormF32 layerNorm;
    private AttentionF32 attention;
    private Gelu gelu;
    private ResidualAdd residual;
    private SelectToken select;

    /** Takes ownership of the driver: closing the backend closes it. */
    public CudaBackend(CudaDriver driver) {
        this.driver = driver;
        this.pool = new DevicePool(driver);
        this.modules = new PtxModules(driver);
    }

    @Override
    public String name() {
        return driver.deviceName();
    }

    /** Bytes of device memory the backend holds (in use or pooled). */
    public long deviceBytes() {
        return pool.bytesReserved();
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != data.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " floats, got " + data.length);
        CudaTensor t = allocate(shape);
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        driver.copyToDevice(t.address(), b);
        return t;
    }

    @Override
    public float[] toHost(Tensor t) {
        CudaTensor c = cuda(t, "tensor");
        return driver.downloadFloats(c.address(), (int) c.numel());
    }

    @Override
    public Tensor patchEmbed(Tensor images, Tensor weight, Tensor bias, int patch) {
        CudaTensor img = cuda(images, "images"), w = cuda(weight, "patch weight");
        int b = img.dim(0), c = img.dim(1), h = img.dim(2), wd = img.dim(3), d = w.dim(0), k = c * patch * patch;
        int rows = b * (h / patch) * (wd / patch);
        try (CudaTensor cols = allocate(rows, k)) {
            if (im2col == null) im2col = new Im2col(modules);
            im2col.launch(new Im2col.Params(img.address(), cols.address(), b, c, h, wd, patch));
            CudaTensor out = allocate(rows, d);
            gemm().launch(new GemmF32.Params(cols.address(), w.address(), address(bias), out.address(), rows, d, k, false));
            return out;
        }
    }

    @Override
    public Tensor assembleTokens(Tensor patches, int batch, List<Tensor> prefix, Tensor pos, boolean posCoversPrefix) {
        CudaTensor p = cuda(patches, "patches");
        int d = p.last(), perImage = p.dim(0) / batch;
        CudaTensor out = allocate(batch * (perImage + prefix.size()), d);
        try (CudaTensor tokens = prefixTokens(prefix, d)) {
            if (assemble == null) assemble = new AssembleTokens(modules);
            assemble.launch(new AssembleTokens.Params(p.address(), tokens == null ? 0 : tokens.address(), cuda(pos, "position embedding").address(),
                    out.address(), batch, perImage, prefix.size(), d, posCoversPrefix));
        }
        return out;
    }

    /** The prefix tokens side by side, [n, D] (tiny: at most two rows), or null for none. */
    private CudaTensor prefixTokens(List<Tensor> prefix, int d) {
        if (prefix.isEmpty()) return null;
        float[] all = new float[prefix.size() * d];
        for (int i = 0; i < prefix.size(); i++) System.arraycopy(toHost(prefix.get(i)), 0, all, i * d, d);
        return (CudaTensor) fromHost(all, prefix.size(), d);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        CudaTensor in = cuda(x, "x");
        int d = in.last(), rows = (int) (in.numel() / d);
        CudaTensor out = allocate(in.shape());
        if (layerNorm == null) layerNorm = new LayerNormF32(modules);
        layerNorm.launch(new LayerNormF32.Params(in.address(), cuda(gamma, "gamma").address(), cuda(beta, "beta").address(), out.address(), rows, d, eps));
        return out;
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        CudaTensor in = cuda(x, "x"), w = cuda(weight, "weight");
        int k = in.last(), m = (int) (in.numel() / k), n = w.dim(0);
        if (w.last() != k) throw new QvitException("linear: input has " + k + " features, weight " + Arrays.toString(w.shape()));
        CudaTensor out = allocate(m, n);
        gemm().launch(new GemmF32.Params(in.address(), w.address(), address(bias), out.address(), m, n, k, false));
        return out;
    }

    @Override
    public Tensor attention(Tensor qkv, int batch, int tokens, int heads, float scale) {
        CudaTensor in = cuda(qkv, "qkv");
        int d = in.last() / 3;
        CudaTensor out = allocate(batch * tokens, d);
        if (attention == null) attention = new AttentionF32(modules);
        attention.launch(new AttentionF32.Params(in.address(), out.address(), batch, tokens, heads, d / heads, scale));
        return out;
    }

    @Override
    public void geluInPlace(Tensor x) {
        CudaTensor t = cuda(x, "x");
        if (gelu == null) gelu = new Gelu(modules);
        gelu.launch(new Gelu.Params(t.address(), t.numel()));
    }

    @Override
    public void addInPlace(Tensor x, Tensor y, Tensor gamma) {
        CudaTensor a = cuda(x, "x"), b = cuda(y, "y");
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new QvitException("add: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
        if (residual == null) residual = new ResidualAdd(modules);
        residual.launch(new ResidualAdd.Params(a.address(), b.address(), address(gamma), a.numel(), a.last()));
    }

    @Override
    public Tensor selectToken(Tensor x, int batch, int tokens, int index) {
        CudaTensor in = cuda(x, "x");
        CudaTensor out = allocate(batch, in.last());
        if (select == null) select = new SelectToken(modules);
        select.launch(new SelectToken.Params(in.address(), out.address(), batch, tokens, in.last(), index));
        return out;
    }

    private GemmF32 gemm() {
        if (gemm == null) gemm = new GemmF32(modules);
        return gemm;
    }

    private CudaTensor allocate(int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return new CudaTensor(pool.allocate(4 * Math.max(n, 1)), shape);
    }

    private long address(Tensor optional) {
        return optional == null ? 0 : cuda(optional, "optional operand").address();
    }

    private static CudaTensor cuda(Tensor t, String what) {
        if (t instanceof CudaTensor c) return c;
        throw new IllegalArgumentException(what + " is a " + (t == null ? "null" : t.getClass().getSimpleName()) + ", not a tensor of this CUDA backend");
    }

    @Override
    public void close() {
        pool.close();
        driver.close();
    }
}
