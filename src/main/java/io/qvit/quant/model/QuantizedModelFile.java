package io.qvit.quant.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.QvitException;
import io.qvit.files.AtomicFile;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import io.qvit.model.weights.DType;
import io.qvit.model.weights.SafetensorsReader;
import io.qvit.model.weights.SafetensorsWriter;
import io.qvit.model.weights.StoredTensor;
import io.qvit.model.weights.WeightTensor;
import io.qvit.quant.Granularity;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.reparam.InputTransform;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link QuantizedModel} as a safetensors file ({@code qvit convert}). Tensors:
 * <ul>
 *   <li>each quantized weight {@code NAME} (timm's name) as U8 {@code [rows, row bytes]}: its packed
 *       codes ({@link io.qvit.quant.Int4Packing} at 2 to 4 bits, one byte a code at 5 to 8, signed
 *       codes in two's complement), with F32 {@code NAME.scale} and {@code NAME.zero_point} {@code [rows]};</li>
 *   <li>every other parameter as F32 under timm's name and shape;</li>
 *   <li>each statically ranged activation {@code KEY} ({@link ActivationKey#toString()}, e.g.
 *       {@code blocks.3.v}) as F32 {@code act.KEY.scale} and {@code act.KEY.zero_point} {@code [1]};</li>
 *   <li>each layer input's {@link InputTransform}: smoothing divisors as F32 {@code act.KEY.divisor}
 *       {@code [K]}, and a rotation ({@link io.qvit.quant.reparam.HadamardRotation}) as F32
 *       {@code act.KEY.rotation} {@code [1]} holding K.</li>
 * </ul>
 * {@code __metadata__} holds {@code qvit.format} ({@value #FORMAT}), the model definition
 * (architecture and preprocessing, JSON), the bit widths ({@code qvit.quant}), the
 * {@link QuantMethod} ({@code qvit.method}, its id; files written before it existed have none and
 * are {@code qvit}'s), and what the caller adds (source, calibration). The methods with static
 * ranges store one for Q, K and the probabilities ({@code act.blocks.N.probs.scale}, zero point 0)
 * and for every linear layer's input; {@code repq} stores weights as unsigned codes with a zero
 * point per row. Everything is stored exactly, so a loaded model computes the converter's logits bit
 * for bit.
 */
public final class QuantizedModelFile {
    /** 3: qkv's and fc1's inputs are ranged per row and may be rotated, probabilities scaled per row (2 stored static ranges for them). */
    public static final String FORMAT = "qvit-quantized-vit-3";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a converted file holds. */
    public record Contents(ModelDefinition definition, QuantizedModel model, Map<String, String> metadata) {}

    private QuantizedModelFile() {}

    /** Writes atomically (first clearing what a killed write of it left); {@code notes} go into the metadata as {@code qvit.KEY}. */
    public static void write(Path file, ModelDefinition definition, QuantizedModel model, Map<String, String> notes) {
        AtomicFile.removeStale(file);
        SafetensorsWriter w = new SafetensorsWriter();
        w.metadata("qvit.format", FORMAT);
        try {
            w.metadata("qvit.definition", JSON.writeValueAsString(definition));
            QuantConfig q = model.quant();
            Map<String, Integer> bits = new LinkedHashMap<>();
            bits.put("weightBits", q.weightBits());
            bits.put("activationBits", q.activationBits());
            bits.put("attentionBits", q.attentionBits());
            bits.put("softmaxBits", q.softmaxBits());
            w.metadata("qvit.quant", JSON.writeValueAsString(bits));
            w.metadata("qvit.method", q.method().id());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the model definition", e);
        }
        notes.forEach((k, v) -> w.metadata("qvit." + k, v));
        for (Map.Entry<String, int[]> e : ModelWeights.expectedShapes(model.config()).entrySet()) {
            String name = e.getKey();
            QuantizedModel.PackedWeight p = model.packed().get(name);
            if (p != null) {
                PackedCodes c = p.codes();
                w.add(name, DType.U8, new int[] {c.rows(), PackedCodes.rowBytes(c.format(), c.k())}, c.data());
                w.add(name + ".scale", DType.F32, new int[] {c.rows()}, p.params().scales());
                w.add(name + ".zero_point", DType.F32, new int[] {c.rows()}, floats(p.params().zeroPoints()));
            } else if (model.floats().containsKey(name)) {
                ModelWeights.Param f = model.floats().get(name);
                w.add(name, DType.F32, f.shape(), f.data());
            }
        }
        model.activationParams().forEach((key, p) -> {
            w.add("act." + key + ".scale", DType.F32, new int[] {1}, p.scales());
            w.add("act." + key + ".zero_point", DType.F32, new int[] {1}, floats(p.zeroPoints()));
        });
        model.transforms().forEach((key, tr) -> {
            if (tr.divisors() != null) w.add("act." + key + ".divisor", DType.F32, new int[] {tr.k()}, tr.divisors());
            if (tr.rotated()) w.add("act." + key + ".rotation", DType.F32, new int[] {1}, new float[] {tr.k()});
        });
        w.write(file);
    }

    /** Whether a model spec names a safetensors file written by {@code qvit convert}. */
    public static boolean isConverted(String spec) {
        Path file = Path.of(spec);
        if (!spec.endsWith(".safetensors") || !Files.isRegularFile(file)) return false;
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return r.metadata().containsKey("qvit.format");
        }
    }

    /** Reads a converted file; everything in it is checked ({@link ConvertedModelValidator}) before the model is built. */
    public static Contents read(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            Map<String, String> meta = r.metadata();
            if (!FORMAT.equals(meta.get("qvit.format")))
                throw new QvitException(file + " is not a model written by qvit convert in format " + FORMAT
                        + " (its qvit.format is " + meta.get("qvit.format") + "); convert the model again with this version");
            ModelDefinition definition = ConvertedModelValidator.definition(file, meta);
            QuantConfig quant = ConvertedModelValidator.quant(file, meta);
            ConvertedModelValidator.tensors(file, r.tensors(), definition.config(), quant);
            return new Contents(definition, model(r.tensors(), definition.config(), quant), meta);
        }
    }

    private static QuantizedModel model(Map<String, WeightTensor> t, VitConfig cfg, QuantConfig quant) {
        Map<String, QuantizedModel.PackedWeight> packed = new LinkedHashMap<>();
        Map<String, ModelWeights.Param> floats = new HashMap<>();
        for (Map.Entry<String, int[]> e : ModelWeights.expectedShapes(cfg).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            WeightTensor x = t.get(name);
            if (x.dtype() == DType.U8) {
                QuantFormat weightFormat = WeightLayer.format(name, quant);
                int rows = shape[0], k = (int) (numel(shape) / rows);
                QuantParams p = new QuantParams(weightFormat, Granularity.PER_CHANNEL, t.get(name + ".scale").toFloats(),
                        ints(t.get(name + ".zero_point").toFloats()));
                packed.put(name, new QuantizedModel.PackedWeight(shape, new PackedCodes(bytes(x), rows, k, weightFormat), p));
            } else {
                floats.put(name, new ModelWeights.Param(shape, x.toFloats()));
            }
        }
        Map<ActivationKey, QuantParams> activations = new HashMap<>();
        Map<ActivationKey, InputTransform> transforms = new HashMap<>();
        for (String name : t.keySet()) {
            if (!name.startsWith("act.")) continue;
            String keyName = name.substring(4, name.lastIndexOf('.'));
            ActivationKey key = ActivationKey.parse(keyName);
            if (name.endsWith(".scale")) {
                activations.put(key, new QuantParams(key.site().format(quant), Granularity.PER_TENSOR, t.get(name).toFloats(),
                        ints(t.get("act." + keyName + ".zero_point").toFloats())));
            } else if ((name.endsWith(".divisor") || name.endsWith(".rotation")) && !transforms.containsKey(key)) {
                WeightTensor d = t.get("act." + keyName + ".divisor"), r = t.get("act." + keyName + ".rotation");
                int k = d != null ? (int) d.numel() : (int) r.toFloats()[0];
                transforms.put(key, new InputTransform(d == null ? null : d.toFloats(), r != null, k));
            }
        }
        return new QuantizedModel(cfg, quant, floats, packed, activations, transforms);
    }

    private static byte[] bytes(WeightTensor x) {
        ByteBuffer b = ((StoredTensor) x).bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    private static float[] floats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }

    /** Zero points, whole numbers once validated. */
    private static int[] ints(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }
}
