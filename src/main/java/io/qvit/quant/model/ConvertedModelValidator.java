package io.qvit.quant.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qvit.QvitException;
import io.qvit.backend.ProbabilityCodes;
import io.qvit.data.Interpolation;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.PretrainedCfg;
import io.qvit.model.VitConfig;
import io.qvit.model.weights.DType;
import io.qvit.model.weights.StoredTensor;
import io.qvit.model.weights.WeightTensor;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantRules;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks everything a converted file ({@link QuantizedModelFile}) says before a model is built from
 * it, so that a file that passes runs the model the converter wrote and any other is refused with a
 * {@link QvitException} naming the file, the field or tensor, and what it should be: the metadata
 * (format, a strictly typed definition and bit widths, each number in its range), then every tensor's
 * presence, dtype and shape against the architecture (so the depth and every width must agree with
 * what is stored, and no tensor may be unknown), then the values (codes inside their bits' range,
 * scales finite and at least {@link QuantRules#MIN_SCALE}, zero points whole and inside their code range, divisors finite and
 * positive, rotations of the layer's width, float parameters finite).
 */
final class ConvertedModelValidator {
    /** No coercion: a depth of 2.5, "12" or true is an error, not 2, 12 or 1; a missing field is named, not 0. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    /** timm's LayerNorm epsilons are 1e-6 and 1e-5; a large one flattens every activation. */
    private static final float MAX_NORM_EPS = 0.1f;
    /** Sites whose input transform may be stored; QKV_INPUT's and FC1_INPUT's divisors live in their LayerNorm. */
    private static final Site[] TRANSFORMED = {Site.QKV_INPUT, Site.PROJ_INPUT, Site.FC1_INPUT, Site.FC2_INPUT, Site.HEAD_INPUT};

    private final Path file;
    private final Map<String, WeightTensor> tensors;

    private ConvertedModelValidator(Path file, Map<String, WeightTensor> tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    /** The definition in the metadata, checked field by field. */
    static ModelDefinition definition(Path file, Map<String, String> meta) {
        ModelDefinition d = parse(file, meta, "qvit.definition", ModelDefinition.class);
        if (d.name().isBlank()) throw metadata(file, "qvit.definition name", "is empty", "the model's name");
        VitConfig c = d.config();
        if (!(c.normEps() <= MAX_NORM_EPS))
            throw metadata(file, "qvit.definition config.normEps", "is " + c.normEps(), "a LayerNorm epsilon in (0, " + MAX_NORM_EPS + "]");
        if ((long) c.patchesPerSide() * c.patchesPerSide() + c.numPrefixTokens() > Integer.MAX_VALUE)
            throw metadata(file, "qvit.definition config.imgSize", "is " + c.imgSize() + " for patches of " + c.patchSize(), "a size whose tokens can be counted");
        PretrainedCfg p = d.pretrained();
        if (p.inputSize() != c.imgSize())
            throw metadata(file, "qvit.definition pretrained.inputSize", "is " + p.inputSize(), "the model's image size " + c.imgSize());
        if (p.numClasses() < 1)
            throw metadata(file, "qvit.definition pretrained.numClasses", "is " + p.numClasses(), "a positive number of classes");
        if (!"center".equals(p.cropMode()))
            throw metadata(file, "qvit.definition pretrained.cropMode", "is '" + p.cropMode() + "'", "'center'");
        checkChannels(file, "mean", p.mean(), c.inChans(), false);
        checkChannels(file, "std", p.std(), c.inChans(), true);
        try {
            Interpolation.parse(p.interpolation());
            p.preprocessing();
        } catch (QvitException e) {
            throw new QvitException(file + ": qvit.definition pretrained: " + e.getMessage() + "; convert the model again");
        }
        return d;
    }

    /** The bit widths in the metadata: what the integer path runs (weights and activations quantized). */
    static QuantConfig quant(Path file, Map<String, String> meta) {
        StoredBits b = parse(file, meta, "qvit.quant", StoredBits.class);
        String method = meta.get("qvit.method");
        QuantConfig q;
        try {
            q = new QuantConfig(b.weightBits(), b.activationBits(), b.attentionBits(), b.softmaxBits(),
                    method == null ? QuantMethod.QVIT : QuantMethod.parse(method));
        } catch (QvitException e) {
            throw metadata(file, method == null ? "qvit.quant" : "qvit.quant or qvit.method", "is not valid (" + e.getMessage() + ")", "what qvit convert writes");
        }
        if (QuantConfig.isFloat(q.weightBits()) || QuantConfig.isFloat(q.activationBits()))
            throw metadata(file, "qvit.quant", "is " + q, "quantized weights and activations (2 to 8 bits each)");
        return q;
    }

    /** The bit widths as {@code qvit.quant} stores them (the method is {@code qvit.method}). */
    private record StoredBits(int weightBits, int activationBits, int attentionBits, int softmaxBits) {}

    /** Every tensor against the architecture and the bits, then every value against its range. */
    static void tensors(Path file, Map<String, WeightTensor> tensors, VitConfig cfg, QuantConfig quant) {
        ConvertedModelValidator v = new ConvertedModelValidator(file, tensors);
        v.checkDepth(cfg);
        Map<String, Integer> packedK = v.checkNamesDtypesAndShapes(cfg, quant);
        for (Map.Entry<String, WeightTensor> e : tensors.entrySet()) v.checkValues(e.getKey(), e.getValue(), cfg, quant, packedK.get(e.getKey()));
    }

    /** The stored blocks are 0 to depth-1: checked first, so that a lying depth sizes nothing. */
    private void checkDepth(VitConfig cfg) {
        int stored = 0;
        for (String name : tensors.keySet()) {
            String rest = name.startsWith("act.") ? name.substring(4) : name;
            if (!rest.startsWith("blocks.")) continue;
            int dot = rest.indexOf('.', 7);
            try {
                stored = Math.max(stored, 1 + Integer.parseInt(rest.substring(7, dot < 0 ? rest.length() : dot)));
            } catch (NumberFormatException e) {
                throw new QvitException(file + ": tensor " + name + " names no block of a ViT (blocks.N. with N from 0); convert the model again");
            }
        }
        if (stored != cfg.depth())
            throw metadata(file, "qvit.definition config.depth", "is " + cfg.depth() + " but the file stores " + stored + " blocks",
                    "the number of stored blocks");
    }

    private record Expected(DType dtype, int[] shape, String what) {}

    /** Missing, unknown, mistyped and mis-shaped tensors, all in one error; returns the packed weights' K by name. */
    private Map<String, Integer> checkNamesDtypesAndShapes(VitConfig cfg, QuantConfig quant) {
        Map<String, Expected> required = new LinkedHashMap<>(), optional = new LinkedHashMap<>();
        Set<String> quantized = new HashSet<>(WeightLayer.weightNames(cfg));
        Map<String, Integer> packedK = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : ModelWeights.expectedShapes(cfg).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            if (quantized.contains(name)) {
                int rows = shape[0], k = (int) (QuantizedModelFile.numel(shape) / rows), bits = WeightLayer.bits(name, quant);
                packedK.put(name, k);
                required.put(name, new Expected(DType.U8, new int[] {rows, PackedCodes.rowBytes(WeightLayer.format(name, quant), k)},
                        rows + " rows of " + k + " packed " + bits + "-bit codes"));
                required.put(name + ".scale", new Expected(DType.F32, new int[] {rows}, "a scale per row of " + name));
                required.put(name + ".zero_point", new Expected(DType.F32, new int[] {rows}, "a zero point per row of " + name));
            } else {
                required.put(name, new Expected(DType.F32, shape, "a float parameter"));
            }
        }
        List<ActivationKey> statics = new ArrayList<>();
        for (Site site : Site.values()) {
            if (site.dynamic(quant) || QuantConfig.isFloat(site.bits(quant))) continue;
            if (site == Site.PROBS && quant.method().probabilityCodes() == ProbabilityCodes.LOG2_ROW_MAX) continue;
            if (site.global()) statics.add(ActivationKey.global(site));
            else for (int b = 0; b < cfg.depth(); b++) statics.add(new ActivationKey(b, site));
        }
        for (ActivationKey key : statics) {
            required.put("act." + key + ".scale", new Expected(DType.F32, new int[] {1}, "the scale of " + key));
            required.put("act." + key + ".zero_point", new Expected(DType.F32, new int[] {1}, "the zero point of " + key));
        }
        for (ActivationKey key : quant.method() == QuantMethod.QVIT ? transformable(cfg) : List.<ActivationKey>of()) {
            int k = channels(key.site(), cfg);
            if (!key.site().postLayerNorm())
                optional.put("act." + key + ".divisor", new Expected(DType.F32, new int[] {k}, "a divisor per input channel of " + key));
            optional.put("act." + key + ".rotation", new Expected(DType.F32, new int[] {1}, "the " + k + " input channels of " + key));
        }
        List<String> missing = new ArrayList<>(), wrong = new ArrayList<>(), unknown = new ArrayList<>();
        for (String name : required.keySet()) if (!tensors.containsKey(name)) missing.add(name);
        for (Map.Entry<String, WeightTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            WeightTensor t = e.getValue();
            Expected x = required.containsKey(name) ? required.get(name) : optional.get(name);
            if (x == null) unknown.add(name);
            else if (t.dtype() != x.dtype() || !Arrays.equals(t.shape(), x.shape()))
                wrong.add(name + " is " + t.dtype() + " " + Arrays.toString(t.shape()) + ", expected " + x.dtype() + " "
                        + Arrays.toString(x.shape()) + " (" + x.what() + ")");
        }
        if (!missing.isEmpty() || !wrong.isEmpty() || !unknown.isEmpty()) {
            StringBuilder m = new StringBuilder(file + " does not hold the " + quant + " model its metadata describes ("
                    + cfg.depth() + " blocks, width " + cfg.embedDim() + ", MLP " + cfg.mlpHidden() + ", " + cfg.numClasses() + " classes):");
            list(m, "missing tensors", missing);
            list(m, "tensors of the wrong dtype or shape", wrong);
            list(m, "unknown tensors", unknown);
            throw new QvitException(m.append("\nConvert the model again with qvit convert.").toString());
        }
        return packedK;
    }

    private void checkValues(String name, WeightTensor t, VitConfig cfg, QuantConfig quant, Integer packedK) {
        if (packedK != null) {
            checkCodes(name, t, packedK, WeightLayer.format(name, quant));
            return;
        }
        float[] v = t.toFloats();
        if (name.endsWith(".scale")) {
            for (int i = 0; i < v.length; i++)
                if (!(v[i] >= QuantRules.MIN_SCALE && Float.isFinite(v[i])))
                    throw value(name, i, v[i], "a scale, finite and at least 2^-23 (the smallest any quantization rule makes)");
        } else if (name.endsWith(".zero_point")) {
            // symmetric codes: zero point 0; unsigned codes (activations, repq's weights): a zero point among them
            boolean activation = name.startsWith("act.");
            QuantFormat f = activation ? ActivationKey.parse(name.substring(4, name.length() - 11)).site().format(quant)
                    : WeightLayer.format(name.substring(0, name.length() - 11), quant);
            int hi = f.symmetric() ? 0 : f.qmax();
            for (int i = 0; i < v.length; i++)
                if (!(v[i] == Math.rint(v[i]) && v[i] >= 0 && v[i] <= hi))
                    throw value(name, i, v[i], f.symmetric() ? "0 (symmetric codes)" : "a whole number from 0 to " + hi + " (" + f.bits() + "-bit codes)");
        } else if (name.startsWith("act.") && name.endsWith(".divisor")) {
            for (int i = 0; i < v.length; i++)
                if (!(v[i] > 0 && Float.isFinite(v[i]))) throw value(name, i, v[i], "a divisor, finite and > 0");
        } else if (name.startsWith("act.") && name.endsWith(".rotation")) {
            int k = channels(ActivationKey.parse(name.substring(4, name.length() - 9)).site(), cfg);
            if (v[0] != k) throw value(name, 0, v[0], k + ", the layer's input channels");
        } else {
            for (int i = 0; i < v.length; i++) if (!Float.isFinite(v[i])) throw value(name, i, v[i], "a finite number");
        }
    }

    /** Codes inside the bits' range (signed codes in two's complement, unsigned ones as they are), and the nibble that pads an odd K at 2 to 4 bits ({@link io.qvit.quant.Int4Packing}) 0. */
    private void checkCodes(String name, WeightTensor t, int k, QuantFormat f) {
        ByteBuffer b = ((StoredTensor) t).bytes();
        int rows = t.shape()[0], rowBytes = t.shape()[1];
        boolean nibbles = f.bits() <= 4;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                int v = nibbles ? b.get(r * rowBytes + c / 2) >> (4 * (c % 2)) & 0xF : b.get(r * rowBytes + c) & 0xFF;
                if (f.symmetric()) v = signed(v, nibbles ? 4 : 8);
                if (v < f.qmin() || v > f.qmax())
                    throw new QvitException(file + ": " + name + " row " + r + " holds code " + v + " at column " + c + ", outside the "
                            + f.bits() + "-bit range " + f.qmin() + " to " + f.qmax() + " that qvit.quant gives it; convert the model again");
            }
            if (nibbles && k % 2 == 1 && (b.get(r * rowBytes + rowBytes - 1) & 0xF0) != 0)
                throw new QvitException(file + ": " + name + " row " + r + " pads its odd " + k + " codes with a non-zero nibble, should be 0; convert the model again");
        }
    }

    private static int signed(int v, int bits) {
        return v >= 1 << (bits - 1) ? v - (1 << bits) : v;
    }

    /** The layer inputs that may carry a transform, by block. */
    private static List<ActivationKey> transformable(VitConfig cfg) {
        List<ActivationKey> keys = new ArrayList<>();
        for (Site s : TRANSFORMED) {
            if (s.global()) keys.add(ActivationKey.global(s));
            else for (int b = 0; b < cfg.depth(); b++) keys.add(new ActivationKey(b, s));
        }
        return keys;
    }

    /** The input width of the layers that read a site. */
    private static int channels(Site s, VitConfig cfg) {
        return s == Site.FC2_INPUT ? cfg.mlpHidden() : cfg.embedDim();
    }

    private QvitException value(String name, int index, float v, String should) {
        return new QvitException(file + ": " + name + "[" + index + "] is " + v + ", should be " + should + "; convert the model again");
    }

    private static QvitException metadata(Path file, String field, String is, String should) {
        return new QvitException(file + ": " + field + " " + is + ", should be " + should + "; convert the model again");
    }

    private static void checkChannels(Path file, String field, float[] v, int channels, boolean positive) {
        if (v.length != channels)
            throw metadata(file, "qvit.definition pretrained." + field, "has " + v.length + " values", "one per input channel (" + channels + ")");
        for (float x : v)
            if (!Float.isFinite(x) || positive && !(x > 0))
                throw metadata(file, "qvit.definition pretrained." + field, "is " + Arrays.toString(v), positive ? "finite and > 0" : "finite");
    }

    private static <T> T parse(Path file, Map<String, String> meta, String key, Class<T> type) {
        String json = meta.get(key);
        if (json == null) throw new QvitException(file + " has no " + key + " in its metadata; convert the model again");
        try {
            T value = STRICT.readValue(json, type);
            if (value == null) throw new QvitException(file + ": " + key + " is null in its metadata; convert the model again");
            return value;
        } catch (JsonProcessingException e) {
            String why = e.getCause() instanceof QvitException q ? q.getMessage() : e.getOriginalMessage();
            throw new QvitException(file + ": " + key + " in its metadata is not valid (" + abbreviate(why) + "); convert the model again");
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void list(StringBuilder m, String what, List<String> items) {
        if (items.isEmpty()) return;
        m.append("\n  ").append(items.size()).append(' ').append(what).append(": ");
        m.append(String.join(", ", items.subList(0, Math.min(items.size(), 12))));
        if (items.size() > 12) m.append(", ... (").append(items.size() - 12).append(" more)");
    }
}
