package io.qvit.model;

import io.qvit.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The layers of a ViT whose precision is chosen per layer: the patch embedding, each block's qkv,
 * attention core, proj, fc1 and fc2, and the head (null for a model without one: its logits are its
 * features) and the distillation head (or null). Closing it
 * closes every layer.
 *
 * @param finiteInputs whether the graph must reject NaN or infinite pixels first (a quantized
 *                     input has no code for them)
 */
public record VitLayers(PatchLayer patch, List<Block> blocks, LinearLayer head, LinearLayer headDist, boolean finiteInputs)
        implements AutoCloseable {
    public record Block(LinearLayer qkv, AttentionLayer attention, LinearLayer proj, LinearLayer fc1, LinearLayer fc2) {}

    public VitLayers {
        blocks = List.copyOf(blocks);
    }

    /** The fp32 layers of {@code weights} (by timm name). */
    public static VitLayers fp32(VitConfig cfg, Function<String, ModelWeights.Param> weights, Backend backend) {
        Function<String, LinearLayer> linear = module -> {
            ModelWeights.Param w = weights.apply(module + ".weight"), b = weights.apply(module + ".bias");
            return new FloatLinear(backend, w.data(), w.shape()[0], b == null ? null : b.data());
        };
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.depth(); i++) {
            String p = "blocks." + i + ".";
            blocks.add(new Block(linear.apply(p + "attn.qkv"), AttentionLayer.fp32(backend), linear.apply(p + "attn.proj"),
                    linear.apply(p + "mlp.fc1"), linear.apply(p + "mlp.fc2")));
        }
        return new VitLayers(PatchLayer.of(backend, cfg.patchSize(), linear.apply("patch_embed.proj")), blocks,
                weights.apply("head.weight") == null ? null : linear.apply("head"), cfg.distilled() ? linear.apply("head_dist") : null, false);
    }

    @Override
    public void close() {
        patch.close();
        for (Block b : blocks) {
            b.qkv().close();
            b.proj().close();
            b.fc1().close();
            b.fc2().close();
        }
        if (head != null) head.close();
        if (headDist != null) headDist.close();
    }
}
