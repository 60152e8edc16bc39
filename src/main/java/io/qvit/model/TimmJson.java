package io.qvit.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.qvit.QvitException;

/** Reads timm's JSON forms (pretrained_cfg, model structure) into qvit's records. */
final class TimmJson {
    private TimmJson() {}

    /** A timm {@code pretrained_cfg} object; {@code where} names the file for error messages. */
    static PretrainedCfg pretrainedCfg(JsonNode cfg, String tag, String where) {
        JsonNode size = require(cfg, "input_size", where);
        if (!size.isArray() || size.size() != 3 || integer(size.get(0), "input_size", where) != 3
                || integer(size.get(1), "input_size", where) != integer(size.get(2), "input_size", where))
            throw new QvitException(where + ": input_size must be [3, S, S] (square), found " + size);
        PretrainedCfg pre = new PretrainedCfg(
                cfg.path("tag").asText(tag),
                size.get(2).intValue(),
                cfg.path("interpolation").asText("bicubic"),
                number(cfg, "crop_pct", 0.875, where),
                cfg.path("crop_mode").asText("center"),
                floats(require(cfg, "mean", where), 3, "mean", where),
                floats(require(cfg, "std", where), 3, "std", where),
                integer(cfg, "num_classes", 1000, where));
        // Checked here, where the file is known: every command needs the preprocessing.
        QvitException.withContext(where, pre::preprocessing);
        return pre;
    }

    /** The structure object of qvit's timm_models.json resource. */
    static VitConfig structure(JsonNode s, String where) {
        int[] img = ints(require(s, "img_size", where));
        int[] patch = ints(require(s, "patch_size", where));
        if (img[0] != img[1] || patch[0] != patch[1])
            throw new QvitException(where + ": only square images and patches are supported");
        return new VitConfig(img[0], patch[0], s.path("in_chans").asInt(3), require(s, "embed_dim", where).asInt(),
                require(s, "depth", where).asInt(), require(s, "num_heads", where).asInt(),
                require(s, "mlp_hidden", where).asInt(), s.path("qkv_bias").asBoolean(true),
                s.path("dist_token").asBoolean(false), s.path("no_embed_class").asBoolean(false),
                s.path("layer_scale").asBoolean(false), (float) s.path("norm_eps").asDouble(1e-6),
                s.path("num_classes").asInt(1000));
    }

    static JsonNode require(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) throw new QvitException(where + ": missing '" + key + "'");
        return v;
    }

    private static int[] ints(JsonNode n) {
        if (n.isInt()) return new int[] {n.asInt(), n.asInt()};
        return new int[] {n.get(0).asInt(), n.get(n.size() - 1).asInt()};
    }

    private static float[] floats(JsonNode n, int count, String key, String where) {
        if (!n.isArray() || n.size() != count)
            throw new QvitException(where + ": '" + key + "' must be a list of " + count + " numbers, found " + n);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            if (!n.get(i).isNumber()) throw new QvitException(where + ": '" + key + "' must be a list of " + count + " numbers, found " + n);
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    /** An int, strictly: JsonNode.asInt would read 1.5 as 1, 2^32+3 as 3 and "x" as 0. */
    static int integer(JsonNode v, String key, String where) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt())
            throw new QvitException(where + ": '" + key + "' must be an integer, found " + v);
        return v.intValue();
    }

    /** An optional int field of {@code parent}: {@code absent} when missing or null, else strictly an int. */
    static int integer(JsonNode parent, String key, int absent, String where) {
        JsonNode v = parent.get(key);
        return v == null || v.isNull() ? absent : integer(v, key, where);
    }

    /** An optional number field of {@code parent}: {@code absent} when missing or null, else a number, not text. */
    static double number(JsonNode parent, String key, double absent, String where) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) return absent;
        if (!v.isNumber()) throw new QvitException(where + ": '" + key + "' must be a number, found " + v);
        return v.doubleValue();
    }
}
