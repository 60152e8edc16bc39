package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.model.VitParameters;

/**
 * timm's ViT forward (as {@link VisionTransformer}) on the CPU backend, with the matrix products
 * and the attention core left to {@link VitOps}: observed or fake-quantized float ({@link HookedOps})
 * or on codes ({@link IntegerOps}: the integer model, and the simulation of integer presets). One loop for both, so that simulation and integer execution
 * cannot drift apart in anything but what they are meant to differ in.
 *
 * <p>Not thread-safe: one forward at a time per instance.
 */
final class QuantVit {
    private final VitConfig cfg;
    private final CpuBackend backend;
    private final VitParameters params;
    private final VitOps ops;

    /** params: at least the float parameters (norms, tokens, position embedding, LayerScale). */
    QuantVit(VitConfig cfg, VitParameters params, VitOps ops, CpuBackend backend) {
        this.cfg = cfg;
        this.backend = backend;
        this.params = params;
        this.ops = ops;
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
        Tensor x;
        try (Tensor patches = ops.patchEmbed(images, batch)) {
            x = backend.assembleTokens(patches, batch, params.prefix, params.pos, !cfg.noEmbedClass());
        }
        try (Tensor tokens = x) {
            for (int i = 0; i < params.blocks.size(); i++) {
                VitParameters.Block b = params.blocks.get(i);
                try (Tensor h = backend.layerNorm(tokens, b.norm1W(), b.norm1B(), cfg.normEps());
                     Tensor qkv = ops.linear(WeightLayer.QKV, i, h);
                     Tensor a = ops.attention(i, qkv, batch);
                     Tensor o = ops.linear(WeightLayer.PROJ, i, a)) {
                    backend.addInPlace(tokens, o, b.ls1());
                }
                try (Tensor h = backend.layerNorm(tokens, b.norm2W(), b.norm2B(), cfg.normEps());
                     Tensor f = ops.linear(WeightLayer.FC1, i, h)) {
                    backend.geluInPlace(f);
                    try (Tensor g = ops.linear(WeightLayer.FC2, i, f)) {
                        backend.addInPlace(tokens, g, b.ls2());
                    }
                }
            }
            try (Tensor n = backend.layerNorm(tokens, params.normW, params.normB, cfg.normEps())) {
                float[] features = token(n, batch, 0);
                float[] logits = head(WeightLayer.HEAD, features, batch);
                if (cfg.distilled()) {
                    // timm's VisionTransformerDistilled at inference: the average of both heads and of both tokens
                    float[] dist = token(n, batch, 1);
                    VitParameters.average(logits, head(WeightLayer.HEAD_DIST, dist, batch));
                    VitParameters.average(features, dist);
                }
                return new VisionTransformer.Output(batch, logits, features);
            }
        }
    }

    private float[] token(Tensor normed, int batch, int index) {
        try (Tensor tok = backend.selectToken(normed, batch, cfg.numTokens(), index)) {
            return backend.toHost(tok);
        }
    }

    private float[] head(WeightLayer layer, float[] tokens, int batch) {
        try (Tensor x = backend.fromHost(tokens.clone(), batch, cfg.embedDim()); Tensor out = ops.linear(layer, -1, x)) {
            return backend.toHost(out);
        }
    }
}
