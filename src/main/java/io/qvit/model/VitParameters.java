package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A ViT's parameters uploaded to a backend, grouped as the forward pass uses them. Optional parts
 * (distillation token and head, qkv bias, LayerScale) are null when the model has none. Closing it
 * releases every tensor.
 */
public final class VitParameters implements AutoCloseable {
    /** One transformer block's parameters; {@code qkvB}, {@code ls1} and {@code ls2} may be null. */
    public record Block(Tensor norm1W, Tensor norm1B, Tensor qkvW, Tensor qkvB, Tensor projW, Tensor projB, Tensor ls1,
                        Tensor norm2W, Tensor norm2B, Tensor fc1W, Tensor fc1B, Tensor fc2W, Tensor fc2B, Tensor ls2) {}

    private final Backend backend;
    private final Function<String, ModelWeights.Param> params;
    private final List<Tensor> owned = new ArrayList<>();
    public final Tensor patchW, patchB, pos, normW, normB, headW, headB, headDistW, headDistB;
    /** The class token, then the distillation token for distilled DeiT. */
    public final List<Tensor> prefix;
    public final List<Block> blocks;

    public VitParameters(VitConfig cfg, ModelWeights weights, Backend backend) {
        this(cfg, name -> weights.has(name) ? weights.get(name) : null, backend);
    }

    /**
     * Uploads what {@code params} gives by timm name; a name it has no tensor for (null) leaves that
     * field null: the optional parts, and the linear layers of a quantized model, which holds their
     * weights as packed codes rather than float tensors.
     */
    public VitParameters(VitConfig cfg, Function<String, ModelWeights.Param> params, Backend backend) {
        this.backend = backend;
        this.params = params;
        patchW = upload("patch_embed.proj.weight");
        patchB = upload("patch_embed.proj.bias");
        prefix = cfg.distilled() ? List.of(upload("cls_token"), upload("dist_token")) : List.of(upload("cls_token"));
        pos = upload("pos_embed");
        List<Block> blockList = new ArrayList<>();
        for (int i = 0; i < cfg.depth(); i++) {
            String b = "blocks." + i + ".";
            blockList.add(new Block(upload(b + "norm1.weight"), upload(b + "norm1.bias"),
                    upload(b + "attn.qkv.weight"), upload(b + "attn.qkv.bias"),
                    upload(b + "attn.proj.weight"), upload(b + "attn.proj.bias"), upload(b + "ls1.gamma"),
                    upload(b + "norm2.weight"), upload(b + "norm2.bias"),
                    upload(b + "mlp.fc1.weight"), upload(b + "mlp.fc1.bias"),
                    upload(b + "mlp.fc2.weight"), upload(b + "mlp.fc2.bias"), upload(b + "ls2.gamma")));
        }
        blocks = List.copyOf(blockList);
        normW = upload("norm.weight");
        normB = upload("norm.bias");
        headW = upload("head.weight");
        headB = upload("head.bias");
        headDistW = upload("head_dist.weight");
        headDistB = upload("head_dist.bias");
    }

    /** {@code acc = (acc + other) / 2}: timm's distilled DeiT averages both tokens and both heads at inference. */
    public static void average(float[] acc, float[] other) {
        for (int i = 0; i < acc.length; i++) acc[i] = (acc[i] + other[i]) / 2;
    }

    private Tensor upload(String name) {
        ModelWeights.Param p = params.apply(name);
        if (p == null) return null;
        Tensor t = backend.fromHost(p.data(), p.shape());
        owned.add(t);
        return t;
    }

    @Override
    public void close() {
        owned.forEach(Tensor::close);
        owned.clear();
    }
}
