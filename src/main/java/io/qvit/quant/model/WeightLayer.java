package io.qvit.quant.model;

import io.qvit.model.VitConfig;
import io.qvit.quant.QuantFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The linear layers whose weights are quantized: all of them, per output channel, at
 * {@link QuantConfig#weightBits()} in the method's format ({@link QuantMethod#weightFormat}); under
 * {@link QuantMethod#QVIT} the patch embedding's weights are never below
 * {@link QuantConfig#PATCH_WEIGHT_BITS} (8), like its input (as PTQ4ViT and APQ-ViT keep it; the
 * README says what 4 bits cost). The head takes the common bits. Biases stay in fp32
 * (the integer path adds them in its float epilogue).
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

    /** The bits of a quantized weight, by timm name, or {@link QuantConfig#FLOAT}. */
    public static int bits(String weightName, QuantConfig c) {
        if (QuantConfig.isFloat(c.weightBits())) return QuantConfig.FLOAT;
        return weightName.startsWith(PATCH_EMBED.module) ? c.method().patchWeightBits(c.weightBits()) : c.weightBits();
    }

    /** The format of a quantized weight, by timm name (not for weights left in float). */
    public static QuantFormat format(String weightName, QuantConfig c) {
        return c.method().weightFormat(bits(weightName, c));
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
