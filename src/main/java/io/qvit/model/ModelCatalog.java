package io.qvit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.QvitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The timm architectures and pretrained tags qvit knows by name. The table is exported from timm
 * itself by {@code weights-converter/export_timm_configs.py} into {@code timm_models.json}.
 */
public final class ModelCatalog {
    private static final String RESOURCE = "timm_models.json";
    private static final JsonNode TABLE = load();

    private ModelCatalog() {}

    /** An architecture with one of its pretrained tags. */
    public record Entry(String architecture, VitConfig config, PretrainedCfg pretrained) {
        public String fullName() {
            return architecture + "." + pretrained.tag();
        }
    }

    public static List<String> architectures() {
        List<String> names = new ArrayList<>();
        TABLE.get("architectures").fieldNames().forEachRemaining(names::add);
        return names;
    }

    public static boolean knows(String architecture) {
        return TABLE.get("architectures").has(architecture);
    }

    /**
     * Looks up {@code name} or {@code name.tag}; without a tag, timm's default tag. Unknown names
     * and tags are errors that list what is known.
     */
    public static Entry lookup(String nameWithTag) {
        if (nameWithTag.contains("/") || nameWithTag.contains("\\") || nameWithTag.endsWith(".safetensors") || nameWithTag.endsWith(".pth"))
            throw new QvitException("'" + nameWithTag + "' is a path or hub spec, but an architecture is a timm name such as"
                    + " vit_tiny_patch16_224 (or NAME.TAG); give weights as the model, not as the architecture");
        int dot = nameWithTag.indexOf('.');
        String arch = dot < 0 ? nameWithTag : nameWithTag.substring(0, dot);
        JsonNode a = TABLE.get("architectures").get(arch);
        if (a == null)
            throw new QvitException("unknown architecture '" + arch + "'; known: " + String.join(", ", architectures())
                    + ". For another size, give a weights file with a timm config.json (--config).");
        String tag = dot < 0 ? a.get("default_tag").asText() : nameWithTag.substring(dot + 1);
        JsonNode tags = a.get("tags");
        JsonNode cfg = tags.get(tag);
        if (cfg == null) {
            List<String> known = new ArrayList<>();
            tags.fieldNames().forEachRemaining(known::add);
            throw new QvitException("unknown pretrained tag '" + tag + "' for " + arch + "; known tags: "
                    + String.join(", ", known));
        }
        String where = RESOURCE + " (" + arch + ")";
        return new Entry(arch, TimmJson.structure(a.get("structure"), where), TimmJson.pretrainedCfg(cfg, tag, where));
    }

    /** The timm version the table was exported from. */
    public static String timmVersion() {
        return TABLE.path("timm_version").asText("?");
    }

    private static JsonNode load() {
        try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " missing from the jar");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
