package io.qvit.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.QvitException;
import io.qvit.model.weights.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Hugging Face timm {@code config.json}: {@code architecture}, {@code num_classes},
 * {@code pretrained_cfg} and, optionally, {@code model_args}. Known architectures take their
 * structure from {@link ModelCatalog}; others are read off the tensors, with the head count from
 * {@code model_args.num_heads} or the size in the name (tiny, small, base, large, huge).
 */
public final class HfConfig {
    private static final Map<String, Integer> HEADS_BY_SIZE =
            Map.of("tiny", 3, "small", 6, "base", 12, "large", 16, "huge", 16);

    private final Path file;
    private final JsonNode root;

    private HfConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    public static HfConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            // Jackson's own message ends in a "[Source: REDACTED ...]" note; the line and column say more.
            JsonLocation at = e.getLocation();
            throw new QvitException("model config " + file + " is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; expected a timm config.json with 'architecture' and 'pretrained_cfg'", e);
        } catch (IOException e) {
            throw new QvitException("cannot read model config " + file + ": " + e.getMessage()
                    + " (expected a timm config.json with 'architecture' and 'pretrained_cfg')", e);
        }
        if (root == null || !root.isObject())
            throw new QvitException("model config " + file + " is not a JSON object");
        return new HfConfig(file, root);
    }

    public String architecture() {
        return TimmJson.require(root, "architecture", file.toString()).asText();
    }

    /** The definition for these tensors (needed only for architectures qvit does not know by name). */
    public ModelDefinition resolve(Map<String, WeightTensor> tensors) {
        String where = file.toString();
        String arch = architecture();
        JsonNode pc = root.get("pretrained_cfg");
        ModelCatalog.Entry known = ModelCatalog.knows(arch) ? ModelCatalog.lookup(arch) : null;
        PretrainedCfg pre = pc != null ? TimmJson.pretrainedCfg(pc, pc.path("tag").asText("custom"), where)
                : known != null ? known.pretrained() : null;
        if (pre == null) throw new QvitException(where + ": missing 'pretrained_cfg' for unknown architecture " + arch);
        int classes = TimmJson.integer(root, "num_classes", pre.numClasses(), where);
        VitConfig cfg = known != null ? checked(() -> known.config().withNumClasses(classes)) : inferStructure(arch, tensors, pre, classes);
        String name = pre.tag().isEmpty() ? arch : arch + "." + pre.tag();
        return new ModelDefinition(name, cfg, pre);
    }

    private VitConfig inferStructure(String arch, Map<String, WeightTensor> t, PretrainedCfg pre, int classes) {
        String where = file + " (architecture " + arch + ")";
        if (!(arch.startsWith("vit_") || arch.startsWith("deit")))
            throw new QvitException(where + ": not a ViT/DeiT/DeiT3 architecture; qvit runs timm VisionTransformer models only");
        JsonNode args = root.path("model_args");
        int[] proj = shapeOf(t, "patch_embed.proj.weight", where);
        int depth = 0;
        while (t.containsKey("blocks." + depth + ".norm1.weight")) depth++;
        if (depth == 0) throw new QvitException(where + ": no tensors named blocks.N.norm1.weight; not a timm ViT checkpoint");
        int heads = TimmJson.integer(args, "num_heads", 0, where);
        if (heads == 0) {
            for (Map.Entry<String, Integer> e : HEADS_BY_SIZE.entrySet())
                if (arch.contains("_" + e.getKey() + "_")) heads = e.getValue();
        }
        if (heads == 0)
            throw new QvitException(where + ": cannot tell the number of attention heads; add \"model_args\": {\"num_heads\": N} to the config");
        int patches = shapeOf(t, "pos_embed", where)[1];
        boolean distilled = t.containsKey("dist_token");
        int side = pre.inputSize() / proj[2];
        int blocks = depth, numHeads = heads, mlp = shapeOf(t, "blocks.0.mlp.fc1.weight", where)[0];
        float eps = (float) TimmJson.number(args, "norm_eps", 1e-6, where);
        return checked(() -> new VitConfig(pre.inputSize(), proj[2], proj[1], proj[0], blocks, numHeads, mlp,
                t.containsKey("blocks.0.attn.qkv.bias"), distilled, patches == side * side, t.containsKey("blocks.0.ls1.gamma"),
                eps, classes));
    }

    /** VitConfig checks its numbers but cannot know which file they came from. */
    private VitConfig checked(Supplier<VitConfig> make) {
        return QvitException.withContext(file.toString(), make);
    }

    private static int[] shapeOf(Map<String, WeightTensor> t, String name, String where) {
        WeightTensor w = t.get(name);
        if (w == null) throw new QvitException(where + ": tensor '" + name + "' is missing");
        return w.shape();
    }
}
