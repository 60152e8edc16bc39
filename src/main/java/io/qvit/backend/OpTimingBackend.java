package io.qvit.backend;

import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A backend that passes every op to another and, while {@link #recording}, marks its start and end on
 * the other's {@link DeviceClock}: where a forward's time goes, by op. Marks are read only in
 * {@link #drain}, so on a GPU the events do not synchronise the ops they time. Owns the backend it wraps.
 */
public final class OpTimingBackend implements Backend {
    private record Span(String op, DeviceClock.Mark start, DeviceClock.Mark end) {}

    private final Backend inner;
    private final DeviceClock clock;
    private final List<Span> spans = new ArrayList<>();
    private boolean recording;

    public OpTimingBackend(Backend inner) {
        this.inner = inner;
        this.clock = inner.clock();
    }

    /** Starts or stops marking ops. */
    public void recording(boolean on) {
        recording = on;
    }

    /** Milliseconds per op name summed over what was recorded since the last drain, which it forgets. */
    public Map<String, Double> drain() {
        Map<String, Double> ms = new TreeMap<>();
        for (Span s : spans) ms.merge(s.op(), clock.millis(s.start(), s.end()), Double::sum);
        spans.clear();
        return ms;
    }

    private <T> T timed(String op, Supplier<T> body) {
        if (!recording) return body.get();
        DeviceClock.Mark start = clock.mark();
        T result = body.get();
        spans.add(new Span(op, start, clock.mark()));
        return result;
    }

    private void timed(String op, Runnable body) {
        timed(op, () -> {
            body.run();
            return null;
        });
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public DeviceFacts facts() {
        return inner.facts();
    }

    @Override
    public DeviceClock clock() {
        return clock;
    }

    @Override
    public OptionalLong deviceBytes() {
        return inner.deviceBytes();
    }

    @Override
    public KernelBench kernelBench() {
        return inner.kernelBench();
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        return timed("upload", () -> inner.fromHost(data, shape));
    }

    @Override
    public void copyFromHost(float[] data, Tensor dst) {
        timed("upload", () -> inner.copyFromHost(data, dst));
    }

    /** The wrapped backend's replay (a captured graph where it has them); its ops are not marked. */
    @Override
    public Replay prepareReplay(Supplier<List<Tensor>> work) {
        return inner.prepareReplay(work);
    }

    @Override
    public float[] toHost(Tensor t) {
        return timed("download", () -> inner.toHost(t));
    }

    @Override
    public int[] toHostInts(Tensor t) {
        return timed("download", () -> inner.toHostInts(t));
    }

    @Override
    public QuantizedWeights uploadWeights(PackedCodes codes, QuantParams params) {
        return timed("upload", () -> inner.uploadWeights(codes, params));
    }

    @Override
    public Tensor patchRows(Tensor images, int patch) {
        return timed("patch rows", () -> inner.patchRows(images, patch));
    }

    @Override
    public Tensor assembleTokens(Tensor patches, int batch, List<Tensor> prefix, Tensor pos, boolean posCoversPrefix) {
        return timed("tokens", () -> inner.assembleTokens(patches, batch, prefix, pos, posCoversPrefix));
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return timed("layernorm", () -> inner.layerNorm(x, gamma, beta, eps));
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return timed("linear f32", () -> inner.linear(x, weight, bias));
    }

    @Override
    public Tensor attention(Tensor qkv, int batch, int tokens, int heads, float scale) {
        return timed("attention f32", () -> inner.attention(qkv, batch, tokens, heads, scale));
    }

    @Override
    public void geluInPlace(Tensor x) {
        timed("gelu", () -> inner.geluInPlace(x));
    }

    @Override
    public void addInPlace(Tensor x, Tensor y, Tensor gamma) {
        timed("residual add", () -> inner.addInPlace(x, y, gamma));
    }

    @Override
    public Tensor selectToken(Tensor x, int batch, int tokens, int index) {
        return timed("select token", () -> inner.selectToken(x, batch, tokens, index));
    }

    @Override
    public QuantizedRows quantizeRows(Tensor x, RowQuantization recipe) {
        return timed("quantize rows", () -> inner.quantizeRows(x, recipe));
    }

    @Override
    public QuantizedRows layerNormQuantizeRows(Tensor x, Tensor gamma, Tensor beta, float eps, RowQuantization recipe) {
        return timed("layernorm quantize rows", () -> inner.layerNormQuantizeRows(x, gamma, beta, eps, recipe));
    }

    @Override
    public Tensor integerLinear(QuantizedRows x, QuantizedWeights w, Epilogue epilogue) {
        return timed("linear int", () -> inner.integerLinear(x, w, epilogue));
    }

    @Override
    public QuantizedRows integerLinearRequantized(QuantizedRows x, QuantizedWeights w, Epilogue epilogue, RowQuantization next) {
        return timed("linear int + quantize rows", () -> inner.integerLinearRequantized(x, w, epilogue, next));
    }

    @Override
    public Tensor quantizedAttention(Tensor qkv, int batch, int tokens, int heads, AttentionQuantization quant) {
        return timed("attention int", () -> inner.quantizedAttention(qkv, batch, tokens, heads, quant));
    }

    @Override
    public void close() {
        inner.close();
    }
}
