package io.qvit.backend.cuda;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.ProbabilityCodes;
import io.qvit.backend.Backend;
import io.qvit.backend.DeviceClock;
import io.qvit.backend.DeviceFacts;
import io.qvit.backend.ElementType;
import io.qvit.backend.HostArrays;
import io.qvit.backend.KernelBench;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.Replay;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.backend.cuda.bench.CudaKernelBench;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.backend.cuda.launch.AssembleTokens;
import io.qvit.backend.cuda.launch.AttentionF32;
import io.qvit.backend.cuda.launch.AttentionInt;
import io.qvit.backend.cuda.launch.Gelu;
import io.qvit.backend.cuda.launch.GemmF32;
import io.qvit.backend.cuda.launch.GemmInt;
import io.qvit.backend.cuda.launch.Im2col;
import io.qvit.backend.cuda.launch.LayerNormF32;
import io.qvit.backend.cuda.launch.LayerNormQuantize;
import io.qvit.backend.cuda.launch.QuantizeRows;
import io.qvit.backend.cuda.launch.ResidualAdd;
import io.qvit.backend.cuda.launch.SelectToken;
import io.qvit.quant.Int4Packing;
import io.qvit.quant.Int8Packing;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.reparam.HadamardRotation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The backend contract on a CUDA device: every op one launch of a kept kernel (two for the patch
 * embedding's rows and a requantized linear layer, four for quantized attention: Q, K and V's codes,
 * then the core), through a {@link CudaDriver}: a GPU through JCuda, or the PTX emulator. Tensors live
 * in pooled device memory; {@link #fromHost} copies and {@link #toHost} copies back. The CPU backend is
 * the specification each launch is tested against: integer results bit for bit.
 *
 * <p>Non-finite inputs to a quantization are flagged by the kernels and reported at the next
 * {@link #toHost} (the CPU reports them at once), so a forward pays for one check, not one per layer.
 */
public final class CudaBackend implements Backend {
    private final CudaDriver driver;
    private final DevicePool pool;
    private final PtxModules modules;
    private final DeviceBuffer nonfinite;
    private final Map<String, GemmInt> integerGemms = new HashMap<>();
    private GemmF32 gemm;
    private Im2col im2col;
    private AssembleTokens assemble;
    private LayerNormF32 layerNorm;
    private AttentionF32 attention;
    private AttentionInt attentionInt;
    private QuantizeRows quantizeRows;
    private LayerNormQuantize layerNormQuantize;
    private Gelu gelu;
    private ResidualAdd residual;
    private SelectToken select;
    private final boolean poison;

    /** Takes ownership of the driver: closing the backend closes it. */
    public CudaBackend(CudaDriver driver) {
        this(driver, false);
    }

    /** With {@code poison}, every new tensor is filled with 0xff bytes (NaN, code 15 or 255, -1) first: what a kernel leaves unwritten shows. */
    CudaBackend(CudaDriver driver, boolean poison) {
        this.poison = poison;
        this.driver = driver;
        this.pool = new DevicePool(driver);
        this.modules = new PtxModules(driver);
        this.nonfinite = pool.allocate(4);
        driver.memset(nonfinite.address(), 0, 4);
    }

    @Override
    public String name() {
        return driver.deviceName();
    }

    /** The driver underneath (the emulator's profile, a GPU's events). */
    public CudaDriver driver() {
        return driver;
    }

    /** Every allocation the pool holds, in use or cached, at its size class (a power of two from 256 bytes). */
    @Override
    public OptionalLong deviceBytes() {
        return OptionalLong.of(pool.bytesReserved());
    }

    @Override
    public DeviceFacts facts() {
        return new DeviceFacts(driver.deviceName(), driver.driverVersion(), driver.clocks());
    }

    /** The driver's events: device time on a GPU, host time on the emulator. */
    @Override
    public DeviceClock clock() {
        record Event(CudaDriver.Event event) implements DeviceClock.Mark {}
        return new DeviceClock() {
            @Override
            public Mark mark() {
                return new Event(driver.record());
            }

            @Override
            public double millis(Mark start, Mark end) {
                return driver.elapsedMillis(((Event) start).event(), ((Event) end).event());
            }

            @Override
            public String method() {
                return driver instanceof EmuDriver ? "the emulator's events (host time, no meaning as GPU time)" : "CUDA events on the stream";
            }
        };
    }

    @Override
    public KernelBench kernelBench() {
        return new CudaKernelBench(driver, modules);
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        HostArrays.requireShape(data.length, shape);
        CudaTensor t = allocate(ElementType.F32, shape);
        copyFromHost(data, t);
        return t;
    }

    @Override
    public void copyFromHost(float[] data, Tensor dst) {
        CudaTensor t = f32(dst, "destination");
        if (t.numel() != data.length) throw new QvitException("copyFromHost: " + data.length + " floats do not fit " + t);
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        if (data.length > 0) driver.copyToDevice(t.address(), b);
    }

    @Override
    public float[] toHost(Tensor t) {
        CudaTensor c = cuda(t, "tensor");
        if (c.type() != ElementType.F32) throw new QvitException("toHost: " + c + " does not hold floats; use toHostInts");
        float[] out = driver.downloadFloats(c.address(), (int) c.numel());
        checkFinite();
        return out;
    }

    @Override
    public int[] toHostInts(Tensor t) {
        CudaTensor c = cuda(t, "tensor");
        if (c.type() == ElementType.F32) throw new QvitException("toHostInts: " + c + " holds floats; use toHost");
        ByteBuffer b = ByteBuffer.allocate((int) CudaTensor.bytes(c.type(), c.shape())).order(ByteOrder.LITTLE_ENDIAN);
        if (b.capacity() > 0) driver.copyToHost(b, c.address());
        checkFinite();
        if (c.type() == ElementType.I32) {
            int[] out = new int[(int) c.numel()];
            b.asIntBuffer().get(out);
            return out;
        }
        int k = c.last(), rows = (int) (c.numel() / k);
        boolean signed = c.type() == ElementType.I4 || c.type() == ElementType.I8;
        int[] out = new int[rows * k], row = new int[k];
        for (int r = 0; r < rows; r++) {
            if (c.type() == ElementType.U4 || c.type() == ElementType.I4) Int4Packing.unpackRow(b.array(), r, k, signed, row);
            else Int8Packing.unpackRow(b.array(), r, k, signed, row);
            System.arraycopy(row, 0, out, r * k, k);
        }
        return out;
    }

    @Override
    public QuantizedWeights uploadWeights(PackedCodes codes, QuantParams params) {
        int n = codes.rows(), k = codes.k();
        if (params.groups() != 1 && params.groups() != n)
            throw new QvitException("weight params have " + params.groups() + " scales for " + n + " rows; use one, or one per row");
        if (!params.format().equals(codes.format())) throw new QvitException("weight codes are " + codes.format() + ", their params " + params.format());
        float[] scales = new float[n];
        int[] zeros = new int[n], sums = new int[n], row = new int[k];
        for (int j = 0; j < n; j++) {
            scales[j] = params.scaleOfRow(j);
            zeros[j] = params.zeroPointOfRow(j);
            codes.unpackRow(j, row);
            for (int c = 0; c < k; c++) sums[j] += row[c];
        }
        ElementType type = ElementType.codes(codes.format());
        DeviceBuffer data = pool.allocate(codes.data().length), codeSums = pool.allocate(4L * n);
        driver.copyToDevice(data.address(), ByteBuffer.wrap(codes.data()));
        driver.copyToDevice(codeSums.address(), ints(sums));
        return new QuantizedWeights(new CudaTensor(data, type, codeSums, n, k), fromHost(scales, n), upload(zeros), codes.format());
    }

    @Override
    public Tensor patchRows(Tensor images, int patch) {
        CudaTensor img = f32(images, "images");
        if (img.rank() != 4) throw new QvitException("expected images [B,C,H,W], got " + Arrays.toString(img.shape()));
        int b = img.dim(0), c = img.dim(1), h = img.dim(2), wd = img.dim(3);
        if (patch < 1 || h % patch != 0 || wd % patch != 0)
            throw new QvitException("image size " + h + "x" + wd + " is not a multiple of the patch size " + patch);
        CudaTensor rows = allocate(ElementType.F32, b * (h / patch) * (wd / patch), c * patch * patch);
        if (im2col == null) im2col = new Im2col(modules);
        im2col.launch(new Im2col.Params(img.address(), rows.address(), b, c, h, wd, patch));
        return rows;
    }

    @Override
    public Tensor assembleTokens(Tensor patches, int batch, List<Tensor> prefix, Tensor pos, boolean posCoversPrefix) {
        CudaTensor p = f32(patches, "patches");
        if (batch < 1 || p.dim(0) % batch != 0) throw new QvitException("patch rows " + p.dim(0) + " do not split into batch " + batch);
        int d = p.last(), perImage = p.dim(0) / batch;
        CudaTensor e = f32(pos, "position embedding");
        int posRows = perImage + (posCoversPrefix ? prefix.size() : 0);
        if (e.numel() != (long) posRows * d) throw new QvitException("position embedding " + Arrays.toString(e.shape()) + " should be [1," + posRows + "," + d + "]");
        long[] tokens = new long[2];
        for (int i = 0; i < prefix.size() && i < 2; i++) tokens[i] = vector(prefix.get(i), d, "prefix token " + i);
        CudaTensor out = allocate(ElementType.F32, batch * (perImage + prefix.size()), d);
        if (assemble == null) assemble = new AssembleTokens(modules);
        assemble.launch(new AssembleTokens.Params(p.address(), tokens[0], tokens[1], e.address(), out.address(), batch, perImage,
                prefix.size(), d, posCoversPrefix));
        return out;
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        CudaTensor in = f32(x, "x");
        int d = in.last(), rows = (int) (in.numel() / d);
        CudaTensor out = allocate(ElementType.F32, in.shape());
        if (layerNorm == null) layerNorm = new LayerNormF32(modules);
        layerNorm.launch(new LayerNormF32.Params(in.address(), vector(gamma, d, "LayerNorm gamma"), vector(beta, d, "LayerNorm beta"),
                out.address(), rows, d, eps));
        return out;
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        CudaTensor in = f32(x, "x"), w = f32(weight, "weight");
        int k = in.last(), m = (int) (in.numel() / k), n = w.dim(0);
        if (w.rank() != 2 || w.last() != k)
            throw new QvitException("linear: input " + Arrays.toString(in.shape()) + " does not match weight " + Arrays.toString(w.shape()));
        CudaTensor out = allocate(ElementType.F32, m, n);
        gemm().launch(new GemmF32.Params(in.address(), w.address(), bias == null ? 0 : vector(bias, n, "bias"), out.address(), m, n, k));
        return out;
    }

    @Override
    public Tensor attention(Tensor qkv, int batch, int tokens, int heads, float scale) {
        CudaTensor in = f32(qkv, "qkv");
        int d = checkQkv(in, batch, tokens, heads, "attention");
        if (!(scale > 0)) throw new QvitException("attention scale must be positive, got " + scale);
        CudaTensor out = allocate(ElementType.F32, batch * tokens, d);
        if (attention == null) attention = new AttentionF32(modules);
        attention.launch(new AttentionF32.Params(in.address(), out.address(), batch, tokens, heads, d / heads, scale));
        return out;
    }

    @Override
    public void geluInPlace(Tensor x) {
        CudaTensor t = f32(x, "x");
        if (gelu == null) gelu = new Gelu(modules);
        gelu.launch(new Gelu.Params(t.address(), t.numel()));
    }

    @Override
    public void addInPlace(Tensor x, Tensor y, Tensor gamma) {
        CudaTensor a = f32(x, "x"), b = f32(y, "y");
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new QvitException("add: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
        if (residual == null) residual = new ResidualAdd(modules);
        residual.launch(new ResidualAdd.Params(a.address(), b.address(), gamma == null ? 0 : vector(gamma, a.last(), "LayerScale gamma"),
                a.numel(), a.last()));
    }

    @Override
    public Tensor selectToken(Tensor x, int batch, int tokens, int index) {
        CudaTensor in = f32(x, "x");
        if (in.rank() != 2 || in.dim(0) != batch * tokens || index < 0 || index >= tokens)
            throw new QvitException("selectToken: " + Arrays.toString(in.shape()) + " with batch " + batch + ", tokens " + tokens + ", index " + index);
        CudaTensor out = allocate(ElementType.F32, batch, in.last());
        if (select == null) select = new SelectToken(modules);
        select.launch(new SelectToken.Params(in.address(), out.address(), batch, tokens, in.last(), index));
        return out;
    }

    // ---- integer ops ----

    @Override
    public QuantizedRows quantizeRows(Tensor x, RowQuantization recipe) {
        CudaTensor in = f32(x, "rows to quantize");
        int k = in.last(), rows = (int) (in.numel() / k);
        return quantize(in.address(), 1, k, rows, k, recipe.divisors() == null ? 0 : vector(recipe.divisors(), k, "divisors"),
                recipe.rotate(), recipe.format(), recipe.perRow(), recipe.scale(), recipe.zeroPoint(), ElementType.codes(recipe.format()));
    }

    @Override
    public QuantizedRows layerNormQuantizeRows(Tensor x, Tensor gamma, Tensor beta, float eps, RowQuantization recipe) {
        CudaTensor in = f32(x, "rows to normalise and quantize");
        int k = in.last(), rows = (int) (in.numel() / k);
        QuantFormat format = recipe.format();
        ElementType type = ElementType.codes(format);
        checkActivationCodes(format, type, k);
        long g = vector(gamma, k, "LayerNorm weight"), b = vector(beta, k, "LayerNorm bias");
        CudaTensor codes = allocate(type, rows, k), scales = allocate(ElementType.F32, rows), zeros = allocate(ElementType.I32, rows);
        if (layerNormQuantize == null) layerNormQuantize = new LayerNormQuantize(modules);
        boolean perRow = recipe.perRow();
        layerNormQuantize.launch(new LayerNormQuantize.Params(in.address(), g, b, eps, recipe.divisors() == null ? 0 : vector(recipe.divisors(), k, "divisors"),
                recipe.rotate() ? HadamardRotation.block(k) : 0, rows, k, format.bits(), type == ElementType.U4, perRow, perRow ? 1f : recipe.scale(),
                perRow ? 0 : recipe.zeroPoint(), scales.address(), zeros.address(), codes.address(), nonfinite.address()));
        return new QuantizedRows(codes, scales, zeros, format);
    }

    /** The activation codes the integer GEMM takes: unsigned, and two per byte only for an even row. */
    private static void checkActivationCodes(QuantFormat format, ElementType type, int k) {
        if (format.symmetric()) throw new QvitException("the CUDA backend quantizes activations to unsigned (asymmetric) codes; got " + format);
        if (type == ElementType.U4 && k % 2 != 0) throw new QvitException("the CUDA backend packs 4-bit codes of even rows only; this input has " + k + " columns");
    }

    /** Rows of {@code k} at {@code x}, {@code perLine} per line of {@code ld} floats, into codes of {@code type}. */
    private QuantizedRows quantize(long x, int perLine, int ld, int rows, int k, long divisors, boolean rotate, QuantFormat format,
                                   boolean perRow, float scale, int zeroPoint, ElementType type) {
        checkActivationCodes(format, type, k);
        boolean nibbles = type == ElementType.U4;
        CudaTensor codes = allocate(type, rows, k), scales = allocate(ElementType.F32, rows), zeros = allocate(ElementType.I32, rows);
        if (quantizeRows == null) quantizeRows = new QuantizeRows(modules);
        quantizeRows.launch(new QuantizeRows.Params(x, perLine, ld, divisors, rotate ? HadamardRotation.block(k) : 0, rows, k, format.bits(),
                nibbles, perRow, perRow ? 1f : scale, perRow ? 0 : zeroPoint, scales.address(), zeros.address(), codes.address(), nonfinite.address()));
        return new QuantizedRows(codes, scales, zeros, format);
    }

    @Override
    public Tensor integerLinear(QuantizedRows x, QuantizedWeights w, Epilogue epilogue) {
        CudaTensor codes = cuda(x.codes(), "input codes"), wc = cuda(w.codes(), "weight codes");
        int m = codes.dim(0), k = codes.dim(1), n = wc.dim(0);
        if (wc.codeSums() == 0) throw new QvitException("weight codes " + wc + " were not uploaded with uploadWeights");
        if (wc.dim(1) != k) throw new QvitException("integer linear: input " + Arrays.toString(codes.shape()) + " does not match weight " + Arrays.toString(wc.shape()));
        if (codes.type() != ElementType.U4 && codes.type() != ElementType.U8)
            throw new QvitException("the CUDA integer GEMM takes unsigned activation codes, got " + codes);
        long residualAddress = 0;
        if (epilogue.residual() != null) {
            CudaTensor r = f32(epilogue.residual(), "residual");
            if (r.rank() != 2 || r.dim(0) != m || r.dim(1) != n)
                throw new QvitException("integer linear: residual " + Arrays.toString(r.shape()) + " should be [" + m + ", " + n + "]");
            residualAddress = r.address();
        }
        CudaTensor y = residualAddress == 0 ? allocate(ElementType.F32, m, n) : null;
        boolean signed = wc.type() == ElementType.I4 || wc.type() == ElementType.I8;
        int aBits = x.format().bits(), wBits = w.format().bits();
        GemmInt launcher = integerGemms.computeIfAbsent(aBits + "/" + wBits + "/" + signed, key -> new GemmInt(modules, aBits, wBits, signed));
        launcher.launch(new GemmInt.Params(codes.address(), vectorInts(x.zeroPoints(), m, "input zero points"), vector(x.scales(), m, "input scales"), true,
                wc.address(), vectorInts(w.zeroPoints(), n, "weight zero points"), vector(w.scales(), n, "weight scales"), wc.codeSums(),
                epilogue.bias() == null ? 0 : vector(epilogue.bias(), n, "bias"), epilogue.gelu(), residualAddress,
                epilogue.gamma() == null ? 0 : vector(epilogue.gamma(), n, "LayerScale gamma"), y == null ? 0 : y.address(), m, n, k, aBits, wBits));
        return y;
    }

    @Override
    public QuantizedRows integerLinearRequantized(QuantizedRows x, QuantizedWeights w, Epilogue epilogue, RowQuantization next) {
        if (epilogue.residual() != null) throw new QvitException("a requantized output cannot also be added to a residual");
        try (Tensor y = integerLinear(x, w, epilogue)) {
            return quantizeRows(y, next);
        }
    }

    /**
     * Runs the work once (loading its kernels and sizing the pool), then records it as a CUDA graph.
     * The pool keeps the graph's scratch buffers out of other hands until the replay is closed.
     */
    @Override
    public Replay prepareReplay(Supplier<List<Tensor>> work) {
        for (Tensor t : work.get()) t.close();
        pool.startRecording();
        driver.beginCapture();
        List<Tensor> outputs = List.of();
        RuntimeException failure = null;
        try {
            outputs = List.copyOf(work.get());
        } catch (RuntimeException e) {
            failure = e;
        }
        CudaDriver.Graph graph = null;
        try {
            graph = driver.endCapture();
        } catch (RuntimeException e) {
            if (failure == null) failure = e;
            else failure.addSuppressed(e);
        }
        CapturedForward replay = new CapturedForward(graph, outputs, pool.stopRecording());
        if (failure != null) {
            replay.close();
            throw failure;
        }
        return replay;
    }

    /** A captured graph with the outputs it writes and the scratch buffers it holds. */
    private record CapturedForward(CudaDriver.Graph graph, List<Tensor> outputs, List<DeviceBuffer> scratch) implements Replay {
        @Override
        public List<Tensor> run() {
            graph.launch();
            return outputs;
        }

        @Override
        public boolean captured() {
            return true;
        }

        @Override
        public void close() {
            if (graph != null) graph.close();
            for (Tensor t : outputs) t.close();
            for (DeviceBuffer b : scratch) b.close();
        }
    }

    @Override
    public Tensor quantizedAttention(Tensor qkv, int batch, int tokens, int heads, AttentionQuantization quant) {
        CudaTensor in = f32(qkv, "qkv");
        int d = checkQkv(in, batch, tokens, heads, "quantized attention"), hd = d / heads, rows = batch * tokens * heads;
        if (quant.qk() == null || quant.v() == null || quant.probBits() == 0)
            throw new QvitException("the CUDA backend runs attention with Q, K, V and the probabilities all quantized (every integer preset); "
                    + "attention or softmax bits of 32 run on the CPU (--device cpu)");
        if (!quant.qkPerRow() || quant.probCodes() != ProbabilityCodes.LOG2_ROW_MAX)
            throw new QvitException("the CUDA backend's attention kernel ranges Q and K per row and codes the probabilities at each row's maximum "
                    + "(--method qvit); calibrated Q, K or probability ranges (--method repq, minmax) run on the CPU (--device cpu)");
        long base = in.address();
        try (QuantizedRows q = quantize(base, heads, 3 * d, rows, hd, 0, false, quant.qk(), true, 1f, 0, ElementType.U8);
             QuantizedRows k = quantize(base + 4L * d, heads, 3 * d, rows, hd, 0, false, quant.qk(), true, 1f, 0, ElementType.U8);
             QuantizedRows v = quantize(base + 8L * d, heads, 3 * d, rows, hd, 0, false, quant.v(), false, quant.vScale(), quant.vZeroPoint(), ElementType.U8)) {
            CudaTensor out = allocate(ElementType.F32, batch * tokens, d);
            if (attentionInt == null) attentionInt = new AttentionInt(modules);
            attentionInt.launch(new AttentionInt.Params(address(q.codes()), address(q.scales()), address(q.zeroPoints()), address(k.codes()),
                    address(k.scales()), address(k.zeroPoints()), address(v.codes()), quant.vScale(), quant.vZeroPoint(), out.address(),
                    batch, tokens, heads, hd, (float) (1.0 / Math.sqrt(hd)), quant.probBits(), true));
            return out;
        }
    }

    private int checkQkv(CudaTensor in, int batch, int tokens, int heads, String op) {
        int d = in.last() / 3;
        if (in.rank() != 2 || batch < 1 || tokens < 1 || heads < 1 || in.dim(0) != batch * tokens || in.last() != 3 * d || d % heads != 0)
            throw new QvitException(op + ": qkv " + Arrays.toString(in.shape()) + " does not fit batch " + batch + ", tokens " + tokens + ", heads " + heads);
        return d;
    }

    /** Throws (and clears the flag) when a quantization since the last check saw a NaN or infinity. */
    private void checkFinite() {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        driver.copyToHost(b, nonfinite.address());
        if (b.getInt(0) != 0) {
            driver.memset(nonfinite.address(), 0, 4);
            throw new QvitException("quantizing rows: a NaN or infinite value reached a quantized layer's input; quantization needs finite inputs: "
                    + "check the checkpoint and the images");
        }
    }

    private GemmF32 gemm() {
        if (gemm == null) gemm = new GemmF32(modules);
        return gemm;
    }

    private CudaTensor allocate(ElementType type, int... shape) {
        long bytes = Math.max(1, CudaTensor.bytes(type, shape));
        CudaTensor t = new CudaTensor(pool.allocate(bytes), type, null, shape);
        if (poison) driver.memset(t.address(), 0xff, bytes);
        return t;
    }

    private CudaTensor upload(int[] values) {
        CudaTensor t = allocate(ElementType.I32, values.length);
        driver.copyToDevice(t.address(), ints(values));
        return t;
    }

    private static ByteBuffer ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b;
    }

    private long vector(Tensor t, int n, String what) {
        CudaTensor c = f32(t, what);
        if (c.numel() != n) throw new QvitException(what + " " + Arrays.toString(c.shape()) + " should have " + n + " elements");
        return c.address();
    }

    private long vectorInts(Tensor t, int n, String what) {
        CudaTensor c = cuda(t, what);
        if (c.type() != ElementType.I32 || c.numel() != n) throw new QvitException(what + " " + c + " should be I32 with " + n + " elements");
        return c.address();
    }

    private static long address(Tensor t) {
        return ((CudaTensor) t).address();
    }

    private static CudaTensor f32(Tensor t, String what) {
        CudaTensor c = cuda(t, what);
        if (c.type() != ElementType.F32) throw new QvitException(what + " should be F32, got " + c);
        return c;
    }

    private static CudaTensor cuda(Tensor t, String what) {
        if (t == null) throw new QvitException(what + " is missing (null)");
        if (t instanceof CudaTensor c) return c;
        throw new QvitException(what + " belongs to another backend: " + t);
    }

    @Override
    public void close() {
        pool.close();
        driver.close();
    }
}
