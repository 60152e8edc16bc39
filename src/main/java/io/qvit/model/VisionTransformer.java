package io.qvit.model;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Replay;
import io.qvit.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * timm's VisionTransformer forward pass (ViT, DeiT, distilled DeiT, DeiT3), written once against
 * {@link Backend}, for every precision: each linear layer and attention core carries its own
 * ({@link VitLayers}: fp32, or quantized by {@code io.qvit.quant.model.QuantizedVit}), and
 * calibration observes activations through layers that wrap them. LayerNorm, residual additions,
 * GELU (fused into fc1 where the layer can) and the token assembly are the same fp32 ops at every
 * precision (a layer on codes fuses the LayerNorm before it into its input's quantization, and fc1's
 * output into fc2's). Parameters are uploaded when the model is built; closing the model releases them.
 *
 * <p>Not thread-safe: one forward at a time per instance.
 */
public final class VisionTransformer implements AutoCloseable {
    /** Logits {@code [batch, classes]} and pre-logits features {@code [batch, embedDim]}, row-major. */
    public record Output(int batch, float[] logits, float[] features) {}

    private final VitConfig cfg;
    private final Backend backend;
    private final VitParameters params;
    private final VitLayers layers;

    /** The fp32 model. */
    public VisionTransformer(VitConfig cfg, ModelWeights w, Backend backend) {
        this(cfg, byName(w), VitLayers.fp32(cfg, byName(w), backend), backend);
    }

    /** A parameter by timm name, or null when the model has none by that name. */
    public static Function<String, ModelWeights.Param> byName(ModelWeights w) {
        return name -> w.has(name) ? w.get(name) : null;
    }

    /**
     * A model of these layers; {@code floats} gives the float parameters by timm name (tokens,
     * position embedding, norms, LayerScale; null for a part the model lacks). Owns the layers.
     */
    public VisionTransformer(VitConfig cfg, Function<String, ModelWeights.Param> floats, VitLayers layers, Backend backend) {
        this.cfg = cfg;
        this.backend = backend;
        this.layers = layers;
        params = new VitParameters(cfg, floats, backend);
    }

    public VitConfig config() {
        return cfg;
    }

    /**
     * Runs a batch of preprocessed images, {@code [batch, 3, S, S]} row-major (NCHW).
     */
    public Output forward(float[] images, int batch) {
        checkImages(images, batch);
        int s = cfg.imgSize();
        try (Tensor in = backend.fromHost(images, batch, cfg.inChans(), s, s)) {
            List<Tensor> heads = heads(in, batch);
            try {
                return output(batch, heads);
            } finally {
                for (Tensor t : heads) t.close();
            }
        }
    }

    /**
     * The forward at a fixed batch size prepared once and replayed on every call: on a device
     * backend one captured graph (CUDA graphs) instead of a launch per op. Same results as
     * {@link #forward}. Close it before the model.
     */
    public Replayed replayed(int batch) {
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
        return new Replayed(batch);
    }

    /** See {@link #replayed}; the graph is recorded at the first call, with its images. */
    public final class Replayed implements AutoCloseable {
        private final int batch;
        private Tensor input;
        private Replay replay;

        private Replayed(int batch) {
            this.batch = batch;
        }

        public Output forward(float[] images) {
            checkImages(images, batch);
            int s = cfg.imgSize();
            if (input == null) input = backend.fromHost(images, batch, cfg.inChans(), s, s);
            else backend.copyFromHost(images, input);
            if (replay == null) replay = backend.prepareReplay(() -> heads(input, batch));
            return output(batch, replay.run());
        }

        /** Whether the forward runs as one captured device graph; known after the first call. */
        public boolean captured() {
            return replay != null && replay.captured();
        }

        @Override
        public void close() {
            try {
                if (replay != null) replay.close();
            } finally {
                if (input != null) input.close();
            }
        }
    }

    private void checkImages(float[] images, int batch) {
        int s = cfg.imgSize();
        long expected = (long) batch * cfg.inChans() * s * s;
        if (batch <= 0 || images.length != expected)
            throw new IllegalArgumentException("expected " + batch + "x" + cfg.inChans() + "x" + s + "x" + s
                    + " = " + expected + " floats, got " + images.length);
        if (layers.finiteInputs())
            for (int i = 0; i < images.length; i++)
                if (!Float.isFinite(images[i]))
                    throw new QvitException("image " + (i / (expected / batch)) + " of the batch has a NaN or infinite value at element "
                            + (i % (expected / batch)) + "; the quantized model needs finite inputs");
    }

    /**
     * The device part of the forward: for the class token (then the distillation token, when the
     * model has one) its features after the final norm, and its logits when the model has a head.
     */
    private List<Tensor> heads(Tensor in, int batch) {
        int t = cfg.numTokens();
        Tensor x;
        try (Tensor patches = layers.patch().embed(in)) {
            x = backend.assembleTokens(patches, batch, params.prefix, params.pos, !cfg.noEmbedClass());
        }
        try (Tensor tokens = x) {
            for (int i = 0; i < params.blocks.size(); i++) {
                VitParameters.Block p = params.blocks.get(i);
                VitLayers.Block l = layers.blocks().get(i);
                try (Tensor qkv = l.qkv().applyNormed(new NormLayer(backend, p.norm1W(), p.norm1B(), cfg.normEps()), tokens, false);
                     Tensor a = l.attention().apply(qkv, batch, t, cfg.numHeads())) {
                    l.proj().addTo(tokens, a, p.ls1());
                }
                l.fc1().mlpAddTo(tokens, new NormLayer(backend, p.norm2W(), p.norm2B(), cfg.normEps()), l.fc2(), p.ls2());
            }
            List<Tensor> out = new ArrayList<>();
            try (Tensor n = backend.layerNorm(tokens, params.normW, params.normB, cfg.normEps())) {
                head(n, batch, 0, layers.head(), out);
                // timm's VisionTransformerDistilled: the distillation token through its own head
                if (cfg.distilled()) head(n, batch, 1, layers.headDist(), out);
            } catch (RuntimeException e) {
                for (Tensor o : out) o.close();
                throw e;
            }
            return out;
        }
    }

    /** Token {@code index} of each image, and it through the head when there is one. */
    private void head(Tensor normed, int batch, int index, LinearLayer head, List<Tensor> out) {
        Tensor tok = backend.selectToken(normed, batch, cfg.numTokens(), index);
        out.add(tok);
        if (head != null) out.add(head.apply(tok, false));
    }

    /** Features and logits on the host from {@link #heads}' tensors; a distilled model averages both heads and both tokens, as timm at inference. */
    private Output output(int batch, List<Tensor> heads) {
        int i = 0;
        float[] features = backend.toHost(heads.get(i++));
        float[] logits = layers.head() == null ? features.clone() : backend.toHost(heads.get(i++));
        if (cfg.distilled()) {
            float[] distFeatures = backend.toHost(heads.get(i++));
            float[] distLogits = layers.headDist() == null ? distFeatures.clone() : backend.toHost(heads.get(i));
            VitParameters.average(features, distFeatures);
            VitParameters.average(logits, distLogits);
        }
        return new Output(batch, logits, features);
    }

    @Override
    public void close() {
        try {
            layers.close();
        } finally {
            params.close();
        }
    }
}
