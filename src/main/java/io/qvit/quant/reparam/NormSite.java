package io.qvit.quant.reparam;

import io.qvit.model.VitConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A post-LayerNorm activation: the output of one block's {@code norm1} (the input of {@code attn.qkv})
 * or {@code norm2} (the input of {@code mlp.fc1}).
 */
public record NormSite(int block, Norm norm) {
    /** Each block's two LayerNorms, with the linear layer that reads their output. */
    public enum Norm {
        NORM1("norm1", "attn.qkv"),
        NORM2("norm2", "mlp.fc1");

        private final String module, next;

        Norm(String module, String next) {
            this.module = module;
            this.next = next;
        }
    }

    /** Every site of the model, block by block, norm1 before norm2. */
    public static List<NormSite> all(VitConfig config) {
        List<NormSite> sites = new ArrayList<>();
        for (int b = 0; b < config.depth(); b++)
            for (Norm n : Norm.values()) sites.add(new NormSite(b, n));
        return sites;
    }

    /** timm's name of the LayerNorm's parameter ({@code weight} or {@code bias}). */
    String normParam(String param) {
        return "blocks." + block + "." + norm.module + "." + param;
    }

    /** timm's name of the next linear layer's parameter. */
    String linearParam(String param) {
        return "blocks." + block + "." + norm.next + "." + param;
    }

    @Override
    public String toString() {
        return "block " + block + " " + norm.module;
    }
}
