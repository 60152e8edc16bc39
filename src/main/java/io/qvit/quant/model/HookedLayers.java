package io.qvit.quant.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;
import io.qvit.model.AttentionLayer;
import io.qvit.model.LinearLayer;
import io.qvit.model.PatchLayer;
import io.qvit.model.VitConfig;
import io.qvit.model.VitLayers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Layers whose inputs pass an {@link ActivationHook} on the host first: a copy of the activation
 * goes to the hook, and what the hook returns, when it is not that copy, goes on to the layer.
 */
final class HookedLayers {
    private HookedLayers() {}

    /**
     * {@code layers} with every linear layer's input hooked under its {@link WeightLayer#inputKey}
     * (the patch embedding's on the NCHW images) and the attention cores that {@code attention}
     * gives per block. Owns {@code layers}.
     */
    static VitLayers hook(VitConfig cfg, VitLayers layers, ActivationHook hook, IntFunction<AttentionLayer> attention,
                          boolean finiteInputs, Backend backend) {
        List<VitLayers.Block> blocks = new ArrayList<>();
        for (int i = 0; i < layers.blocks().size(); i++) {
            VitLayers.Block b = layers.blocks().get(i);
            blocks.add(new VitLayers.Block(linear(b.qkv(), WeightLayer.QKV.inputKey(i), hook, backend), attention.apply(i),
                    linear(b.proj(), WeightLayer.PROJ.inputKey(i), hook, backend),
                    linear(b.fc1(), WeightLayer.FC1.inputKey(i), hook, backend),
                    linear(b.fc2(), WeightLayer.FC2.inputKey(i), hook, backend)));
        }
        ActivationKey headKey = WeightLayer.HEAD.inputKey(-1);
        return new VitLayers(patch(layers.patch(), cfg.imgSize(), hook, backend), blocks, linear(layers.head(), headKey, hook, backend),
                layers.headDist() == null ? null : linear(layers.headDist(), headKey, hook, backend), finiteInputs);
    }

    /** A copy of V ({@code [batch, heads, tokens, headDim]}) to the hook, which can only observe it; then the attention core. */
    static AttentionLayer observingV(AttentionLayer inner, int block, ActivationHook hook, Backend backend) {
        ActivationKey key = new ActivationKey(block, Site.V);
        return (qkv, batch, tokens, heads) -> {
            float[] x = backend.toHost(qkv);
            int dim = qkv.shape()[1] / 3, headDim = dim / heads;
            float[] v = new float[batch * tokens * dim];
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < tokens; t++)
                    for (int h = 0; h < heads; h++)
                        System.arraycopy(x, (b * tokens + t) * 3 * dim + 2 * dim + h * headDim, v, ((b * heads + h) * tokens + t) * headDim, headDim);
            hook.apply(key, v, headDim);
            return inner.apply(qkv, batch, tokens, heads);
        };
    }

    private static LinearLayer linear(LinearLayer inner, ActivationKey key, ActivationHook hook, Backend backend) {
        if (inner == null) return null;
        return new LinearLayer() {
            @Override
            public Tensor apply(Tensor x, boolean gelu) {
                float[] before = backend.toHost(x), after = hook.apply(key, before, x.shape()[1]);
                if (after == before) return inner.apply(x, gelu);
                try (Tensor hooked = backend.fromHost(after, x.shape())) {
                    return inner.apply(hooked, gelu);
                }
            }

            @Override
            public void addTo(Tensor residual, Tensor x, Tensor gamma) {
                float[] before = backend.toHost(x), after = hook.apply(key, before, x.shape()[1]);
                if (after == before) {
                    inner.addTo(residual, x, gamma);
                    return;
                }
                try (Tensor hooked = backend.fromHost(after, x.shape())) {
                    inner.addTo(residual, hooked, gamma);
                }
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    private static PatchLayer patch(PatchLayer inner, int imageSize, ActivationHook hook, Backend backend) {
        ActivationKey key = WeightLayer.PATCH_EMBED.inputKey(-1);
        return new PatchLayer() {
            @Override
            public Tensor embed(Tensor images) {
                float[] before = backend.toHost(images), after = hook.apply(key, before, imageSize);
                if (after == before) return inner.embed(images);
                try (Tensor hooked = backend.fromHost(after, images.shape())) {
                    return inner.embed(hooked);
                }
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
