package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;
import java.util.ArrayList;
import java.util.List;

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
    private final List<Tensor> owned = new ArrayList<>();
    private final Tensor patchW, patchB, pos, normW, normB, headW, headB, headDistW, headDistB;
    private final List<Tensor> prefix = new ArrayList<>();
    private final Block[] blocks;

    private record Block(Tensor norm1W, Tensor norm1B, Tensor qkvW, Tensor qkvB, Tensor projW, Tensor projB, Tensor ls1,
                         Tensor norm2W, Tensor norm2B, Tensor fc1W, Tensor fc1B, Tensor fc2W, Tensor fc2B, Tensor ls2) {}

    public VisionTransformer(VitConfig cfg, ModelWeights w, Backend backend) {
        this.cfg = cfg;
        this.backend = backend;
        patchW = upload(w, "patch_embed.proj.weight");
        patchB = upload(w, "patch_embed.proj.bias");
        prefix.add(upload(w, "cls_token"));
        if (cfg.distilled()) prefix.add(upload(w, "dist_token"));
        pos = upload(w, "pos_embed");
        blocks = new Block[cfg.depth()];
        for (int i = 0; i < blocks.length; i++) {
            String b = "blocks." + i + ".";
            blocks[i] = new Block(upload(w, b + "norm1.weight"), upload(w, b + "norm1.bias"),
                    upload(w, b + "attn.qkv.weight"), uploadOptional(w, b + "attn.qkv.bias"),
                    upload(w, b + "attn.proj.weight"), upload(w, b + "attn.proj.bias"), uploadOptional(w, b + "ls1.gamma"),
                    upload(w, b + "norm2.weight"), upload(w, b + "norm2.bias"),
                    upload(w, b + "mlp.fc1.weight"), upload(w, b + "mlp.fc1.bias"),
                    upload(w, b + "mlp.fc2.weight"), upload(w, b + "mlp.fc2.bias"), uploadOptional(w, b + "ls2.gamma"));
        }
        normW = upload(w, "norm.weight");
        normB = upload(w, "norm.bias");
        headW = upload(w, "head.weight");
        headB = upload(w, "head.bias");
        headDistW = uploadOptional(w, "head_dist.weight");
        headDistB = uploadOptional(w, "head_dist.bias");
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
             Tensor patches = backend.patchEmbed(in, patchW, patchB, cfg.patchSize())) {
            x = backend.assembleTokens(patches, batch, prefix, pos, !cfg.noEmbedClass());
        }
        float scale = (float) (1.0 / Math.sqrt(cfg.headDim()));
        try (Tensor tokens = x) {
            for (Block b : blocks) {
                try (Tensor h = backend.layerNorm(tokens, b.norm1W, b.norm1B, cfg.normEps());
                     Tensor qkv = backend.linear(h, b.qkvW, b.qkvB);
                     Tensor a = backend.attention(qkv, batch, t, cfg.numHeads(), scale);
                     Tensor o = backend.linear(a, b.projW, b.projB)) {
                    backend.addInPlace(tokens, o, b.ls1);
                }
                try (Tensor h = backend.layerNorm(tokens, b.norm2W, b.norm2B, cfg.normEps());
                     Tensor f = backend.linear(h, b.fc1W, b.fc1B)) {
                    backend.geluInPlace(f);
                    try (Tensor g = backend.linear(f, b.fc2W, b.fc2B)) {
                        backend.addInPlace(tokens, g, b.ls2);
                    }
                }
            }
            try (Tensor n = backend.layerNorm(tokens, normW, normB, cfg.normEps())) {
                float[] features = head(n, batch, 0, null, null);
                float[] logits = head(n, batch, 0, headW, headB);
                if (cfg.distilled()) {
                    // timm's VisionTransformerDistilled at inference: the average of both heads and of both tokens
                    average(features, head(n, batch, 1, null, null));
                    average(logits, head(n, batch, 1, headDistW, headDistB));
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

    private static void average(float[] acc, float[] other) {
        for (int i = 0; i < acc.length; i++) acc[i] = (acc[i] + other[i]) / 2;
    }

    private Tensor upload(ModelWeights w, String name) {
        ModelWeights.Param p = w.get(name);
        Tensor t = backend.fromHost(p.data(), p.shape());
        owned.add(t);
        return t;
    }

    private Tensor uploadOptional(ModelWeights w, String name) {
        return w.has(name) ? upload(w, name) : null;
    }

    @Override
    public void close() {
        owned.forEach(Tensor::close);
        owned.clear();
    }
}
