package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cpu.CpuTensor;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * timm's ViT forward (as {@link VisionTransformer}) on the CPU backend with an {@link ActivationHook}
 * at every {@link Site}. The backend does the float matrix products and the float ops; the
 * attention is {@link HookedAttention}, so that Q, K, V and P can be hooked. Activations pass
 * through the host without copies (CPU tensors wrap their arrays).
 *
 * <p>Not thread-safe: one forward at a time per instance.
 */
final class HookedVit implements AutoCloseable {
    private final VitConfig cfg;
    private final CpuBackend backend;
    private final ActivationHook hook;
    private final List<Tensor> owned = new ArrayList<>();
    private final Tensor patchW, patchB, pos, normW, normB, headW, headB, headDistW, headDistB;
    private final List<Tensor> prefix = new ArrayList<>();
    private final Block[] blocks;

    private record Block(Tensor norm1W, Tensor norm1B, Tensor qkvW, Tensor qkvB, Tensor projW, Tensor projB, Tensor ls1,
                         Tensor norm2W, Tensor norm2B, Tensor fc1W, Tensor fc1B, Tensor fc2W, Tensor fc2B, Tensor ls2) {}

    HookedVit(VitConfig cfg, ModelWeights w, CpuBackend backend, ActivationHook hook) {
        this.cfg = cfg;
        this.backend = backend;
        this.hook = hook;
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

    /** A batch of preprocessed images {@code [batch, 3, S, S]}; NaN or infinite pixels are an error. */
    VisionTransformer.Output forward(float[] images, int batch) {
        int s = cfg.imgSize();
        long expected = (long) batch * cfg.inChans() * s * s;
        if (batch <= 0 || images.length != expected)
            throw new IllegalArgumentException("expected " + batch + "x" + cfg.inChans() + "x" + s + "x" + s
                    + " = " + expected + " floats, got " + images.length);
        for (int i = 0; i < images.length; i++)
            if (!Float.isFinite(images[i]))
                throw new QvitException("image " + (i / (expected / batch)) + " of the batch has a NaN or infinite value at element "
                        + (i % (expected / batch)) + "; the quantized model needs finite inputs");
        int t = cfg.numTokens(), d = cfg.embedDim();
        float[] in = hook.apply(ActivationKey.global(Site.PATCH_INPUT), images, s);
        Tensor x;
        try (Tensor img = backend.fromHost(in, batch, cfg.inChans(), s, s);
             Tensor patches = backend.patchEmbed(img, patchW, patchB, cfg.patchSize())) {
            x = backend.assembleTokens(patches, batch, prefix, pos, !cfg.noEmbedClass());
        }
        HookedAttention attention = new HookedAttention(batch, t, cfg.numHeads(), d);
        try (Tensor tokens = x) {
            for (int i = 0; i < blocks.length; i++) {
                Block b = blocks[i];
                try (Tensor h = hooked(i, Site.QKV_INPUT, backend.layerNorm(tokens, b.norm1W, b.norm1B, cfg.normEps()));
                     Tensor qkv = backend.linear(h, b.qkvW, b.qkvB);
                     Tensor a = hooked(i, Site.PROJ_INPUT, backend.fromHost(attention.run(data(qkv), hook, i), batch * t, d));
                     Tensor o = backend.linear(a, b.projW, b.projB)) {
                    backend.addInPlace(tokens, o, b.ls1);
                }
                try (Tensor h = hooked(i, Site.FC1_INPUT, backend.layerNorm(tokens, b.norm2W, b.norm2B, cfg.normEps()));
                     Tensor f = backend.linear(h, b.fc1W, b.fc1B)) {
                    backend.geluInPlace(f);
                    try (Tensor f2 = hooked(i, Site.FC2_INPUT, f); Tensor g = backend.linear(f2, b.fc2W, b.fc2B)) {
                        backend.addInPlace(tokens, g, b.ls2);
                    }
                }
            }
            try (Tensor n = backend.layerNorm(tokens, normW, normB, cfg.normEps())) {
                float[] features = token(n, batch, 0);
                float[] logits = head(features, batch, headW, headB);
                if (cfg.distilled()) {
                    // timm's VisionTransformerDistilled at inference: the average of both heads and of both tokens
                    float[] dist = token(n, batch, 1);
                    average(logits, head(dist, batch, headDistW, headDistB));
                    average(features, dist);
                }
                return new VisionTransformer.Output(batch, logits, features);
            }
        }
    }

    /** The hooked values of t as a tensor; t is closed when the hook gave new values. */
    private Tensor hooked(int block, Site site, Tensor t) {
        float[] before = data(t);
        int[] shape = t.shape();
        float[] after = hook.apply(new ActivationKey(block, site), before, shape[shape.length - 1]);
        if (after == before) return t;
        t.close();
        return backend.fromHost(after, shape);
    }

    private float[] token(Tensor normed, int batch, int index) {
        try (Tensor tok = backend.selectToken(normed, batch, cfg.numTokens(), index)) {
            return backend.toHost(tok);
        }
    }

    private float[] head(float[] tokens, int batch, Tensor w, Tensor b) {
        float[] in = hook.apply(ActivationKey.global(Site.HEAD_INPUT), tokens.clone(), cfg.embedDim());
        try (Tensor x = backend.fromHost(in, batch, cfg.embedDim()); Tensor out = backend.linear(x, w, b)) {
            return backend.toHost(out);
        }
    }

    private static float[] data(Tensor t) {
        return ((CpuTensor) t).data();
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
