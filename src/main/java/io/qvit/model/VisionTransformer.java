package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;

/**
 * timm's VisionTransformer forward pass (ViT, DeiT, distilled DeiT, DeiT3), written once against
 * {@link Backend}. Weights are uploaded to the backend when the model is built; closing the model
 * releases them.
 *
 * <p>Not thread-safe: one forward at a time per instance.
 */
public final class VisionTransformer implements AutoCloseable {
    /** Logits {@code [batch, classes]} and pre-logits features {@code [batch, embedDim]}, row-major. */
    public record Output(int batch, float[] logits, float[] features) {}

    private final VitConfig cfg;
    private final Backend backend;
    private final VitParameters params;

    public VisionTransformer(VitConfig cfg, ModelWeights w, Backend backend) {
        this.cfg = cfg;
        this.backend = backend;
        params = new VitParameters(cfg, w, backend);
    }

    public VitConfig config() {
        return cfg;
    }

    /**
     * Runs a batch of preprocessed images, {@code [batch, 3, S, S]} row-major (NCHW).
     */
    public Output forward(float[] images, int batch) {
        int s = cfg.imgSize();
        long expected = (long) batch * cfg.inChans() * s * s;
        if (batch <= 0 || images.length != expected)
            throw new IllegalArgumentException("expected " + batch + "x" + cfg.inChans() + "x" + s + "x" + s
                    + " = " + expected + " floats, got " + images.length);
        int t = cfg.numTokens();
        Tensor x;
        try (Tensor in = backend.fromHost(images, batch, cfg.inChans(), s, s);
             Tensor patches = backend.patchEmbed(in, params.patchW, params.patchB, cfg.patchSize())) {
            x = backend.assembleTokens(patches, batch, params.prefix, params.pos, !cfg.noEmbedClass());
        }
        float scale = (float) (1.0 / Math.sqrt(cfg.headDim()));
        try (Tensor tokens = x) {
            for (VitParameters.Block b : params.blocks) {
                try (Tensor h = backend.layerNorm(tokens, b.norm1W(), b.norm1B(), cfg.normEps());
                     Tensor qkv = backend.linear(h, b.qkvW(), b.qkvB());
                     Tensor a = backend.attention(qkv, batch, t, cfg.numHeads(), scale);
                     Tensor o = backend.linear(a, b.projW(), b.projB())) {
                    backend.addInPlace(tokens, o, b.ls1());
                }
                try (Tensor h = backend.layerNorm(tokens, b.norm2W(), b.norm2B(), cfg.normEps());
                     Tensor f = backend.linear(h, b.fc1W(), b.fc1B())) {
                    backend.geluInPlace(f);
                    try (Tensor g = backend.linear(f, b.fc2W(), b.fc2B())) {
                        backend.addInPlace(tokens, g, b.ls2());
                    }
                }
            }
            try (Tensor n = backend.layerNorm(tokens, params.normW, params.normB, cfg.normEps())) {
                float[] features = head(n, batch, 0, null, null);
                float[] logits = head(n, batch, 0, params.headW, params.headB);
                if (cfg.distilled()) {
                    // timm's VisionTransformerDistilled at inference: the average of both heads and of both tokens
                    VitParameters.average(features, head(n, batch, 1, null, null));
                    VitParameters.average(logits, head(n, batch, 1, params.headDistW, params.headDistB));
                }
                return new Output(batch, logits, features);
            }
        }
    }

    /** Token {@code index} of each image, through the given linear head, or as features when the head is null. */
    private float[] head(Tensor normed, int batch, int index, Tensor w, Tensor b) {
        try (Tensor tok = backend.selectToken(normed, batch, cfg.numTokens(), index)) {
            if (w == null) return backend.toHost(tok);
            try (Tensor out = backend.linear(tok, w, b)) {
                return backend.toHost(out);
            }
        }
    }

    @Override
    public void close() {
        params.close();
    }
}
