package io.qvit.quant.model;

import io.qvit.model.VitConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The linear layers whose weights are quantized: all of them, per output channel, symmetric, at
 * {@link QuantConfig#weightBits()}. The patch embedding and the head are not kept at 8 bits:
 * RepQ-ViT's {@code quant_model} gives the first and last layers the same weight bits as the rest.
 * Biases stay in fp32 (the integer path adds them in its float epilogue).
 */
public enum WeightLayer {
    PATCH_EMBED("patch_embed.proj", Site.PATCH_INPUT),
    QKV("attn.qkv", Site.QKV_INPUT),
    PROJ("attn.proj", Site.PROJ_INPUT),
    FC1("mlp.fc1", Site.FC1_INPUT),
    FC2("mlp.fc2", Site.FC2_INPUT),
    HEAD("head", Site.HEAD_INPUT),
    HEAD_DIST("head_dist", Site.HEAD_INPUT);

    private final String module;
    private final Site input;

    WeightLayer(String module, Site input) {
        this.module = module;
        this.input = input;
    }

    /** The activation this layer multiplies. */
    public Site input() {
        return input;
    }

    /** timm's module name, with the block prefix for block layers (block is ignored for the others). */
    public String module(int block) {
        return input.global() ? module : "blocks." + block + "." + module;
    }

    /** The key of this layer's input activation in a block (or globally). */
    public ActivationKey inputKey(int block) {
        return input.global() ? ActivationKey.global(input) : new ActivationKey(block, input);
    }

    /** timm's names of every quantized weight of a model. */
    public static List<String> weightNames(VitConfig c) {
        List<String> names = new ArrayList<>();
        names.add(PATCH_EMBED.module + ".weight");
        for (int b = 0; b < c.depth(); b++)
            for (WeightLayer l : new WeightLayer[] {QKV, PROJ, FC1, FC2}) names.add(l.module(b) + ".weight");
        names.add(HEAD.module + ".weight");
        if (c.distilled()) names.add(HEAD_DIST.module + ".weight");
        return names;
    }
}
