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
    PATCH_EMBED("patch_embed.proj"),
    QKV("attn.qkv"),
    PROJ("attn.proj"),
    FC1("mlp.fc1"),
    FC2("mlp.fc2"),
    HEAD("head"),
    HEAD_DIST("head_dist");

    private final String module;

    WeightLayer(String module) {
        this.module = module;
    }

    /** timm's names of every quantized weight of a model. */
    public static List<String> weightNames(VitConfig c) {
        List<String> names = new ArrayList<>();
        names.add(PATCH_EMBED.module + ".weight");
        for (int b = 0; b < c.depth(); b++)
            for (WeightLayer l : new WeightLayer[] {QKV, PROJ, FC1, FC2}) names.add("blocks." + b + "." + l.module + ".weight");
        names.add(HEAD.module + ".weight");
        if (c.distilled()) names.add(HEAD_DIST.module + ".weight");
        return names;
    }
}
