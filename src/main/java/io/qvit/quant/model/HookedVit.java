package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cpu.CpuTensor;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.model.VitParameters;

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
    private final VitParameters params;

    HookedVit(VitConfig cfg, ModelWeights w, CpuBackend backend, ActivationHook hook) {
        this.cfg = cfg;
        this.backend = backend;
        this.hook = hook;
        params = new VitParameters(cfg, w, backend);
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
             Tensor patches = backend.patchEmbed(img, params.patchW, params.patchB, cfg.patchSize())) {
            x = backend.assembleTokens(patches, batch, params.prefix, params.pos, !cfg.noEmbedClass());
        }
        HookedAttention attention = new HookedAttention(batch, t, cfg.numHeads(), d);
        try (Tensor tokens = x) {
            for (int i = 0; i < params.blocks.size(); i++) {
                VitParameters.Block b = params.blocks.get(i);
                try (Tensor h = hooked(i, Site.QKV_INPUT, backend.layerNorm(tokens, b.norm1W(), b.norm1B(), cfg.normEps()));
                     Tensor qkv = backend.linear(h, b.qkvW(), b.qkvB());
                     Tensor a = hooked(i, Site.PROJ_INPUT, backend.fromHost(attention.run(data(qkv), hook, i), batch * t, d));
                     Tensor o = backend.linear(a, b.projW(), b.projB())) {
                    backend.addInPlace(tokens, o, b.ls1());
                }
                try (Tensor h = hooked(i, Site.FC1_INPUT, backend.layerNorm(tokens, b.norm2W(), b.norm2B(), cfg.normEps()));
                     Tensor f = backend.linear(h, b.fc1W(), b.fc1B())) {
                    backend.geluInPlace(f);
                    try (Tensor f2 = hooked(i, Site.FC2_INPUT, f); Tensor g = backend.linear(f2, b.fc2W(), b.fc2B())) {
                        backend.addInPlace(tokens, g, b.ls2());
                    }
                }
            }
            try (Tensor n = backend.layerNorm(tokens, params.normW, params.normB, cfg.normEps())) {
                float[] features = token(n, batch, 0);
                float[] logits = head(features, batch, params.headW, params.headB);
                if (cfg.distilled()) {
                    // timm's VisionTransformerDistilled at inference: the average of both heads and of both tokens
                    float[] dist = token(n, batch, 1);
                    VitParameters.average(logits, head(dist, batch, params.headDistW, params.headDistB));
                    VitParameters.average(features, dist);
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

    @Override
    public void close() {
        params.close();
    }
}
