package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The float parameters of a ViT outside its linear layers ({@link VitLayers}), uploaded to a backend:
 * tokens, position embedding, LayerNorms and LayerScale, at every precision. Optional parts
 * (distillation token, LayerScale) are null when the model has none. Closing it releases every tensor.
 */
public final class VitParameters implements AutoCloseable {
    /** One transformer block's parameters; {@code ls1} and {@code ls2} may be null. */
    public record Block(Tensor norm1W, Tensor norm1B, Tensor ls1, Tensor norm2W, Tensor norm2B, Tensor ls2) {}

    private final Backend backend;
    private final Function<String, ModelWeights.Param> params;
    private final List<Tensor> owned = new ArrayList<>();
    public final Tensor pos, normW, normB;
    /** The class token, then the distillation token for distilled DeiT. */
    public final List<Tensor> prefix;
    public final List<Block> blocks;

    /** Uploads what {@code params} gives by timm name; a name it has no tensor for (null) leaves that field null. */
    public VitParameters(VitConfig cfg, Function<String, ModelWeights.Param> params, Backend backend) {
        this.backend = backend;
        this.params = params;
        prefix = cfg.distilled() ? List.of(upload("cls_token"), upload("dist_token")) : List.of(upload("cls_token"));
        pos = upload("pos_embed");
        List<Block> blockList = new ArrayList<>();
        for (int i = 0; i < cfg.depth(); i++) {
            String b = "blocks." + i + ".";
            blockList.add(new Block(upload(b + "norm1.weight"), upload(b + "norm1.bias"), upload(b + "ls1.gamma"),
                    upload(b + "norm2.weight"), upload(b + "norm2.bias"), upload(b + "ls2.gamma")));
        }
        blocks = List.copyOf(blockList);
        normW = upload("norm.weight");
        normB = upload("norm.bias");
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
