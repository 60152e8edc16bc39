package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import io.qvit.quant.reparam.InputTransform;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A calibrated model as the integer path runs it and {@code qvit convert} stores it: every
 * quantized weight as packed codes with its per-channel params (no float copy), the parameters
 * that stay float (norms, biases, tokens, position embedding, LayerScale), and the activation
 * params and input transforms of {@link CalibratedModel}.
 *
 * @param floats every float parameter by timm name, the quantized weights excepted
 * @param packed every quantized weight by timm name
 */
public record QuantizedModel(VitConfig config, QuantConfig quant, Map<String, ModelWeights.Param> floats,
                             Map<String, PackedWeight> packed, Map<ActivationKey, QuantParams> activationParams,
                             Map<ActivationKey, InputTransform> transforms) {
    /** A weight's codes as stored, with timm's shape (the patch embedding's is 4-D; its codes are [D, C·p·p]). */
    public record PackedWeight(int[] shape, PackedCodes codes, QuantParams params) {}

    public QuantizedModel {
        if (QuantConfig.isFloat(quant.weightBits()) || QuantConfig.isFloat(quant.activationBits()))
            throw new QvitException("integer execution needs quantized weights and activations, got " + quant
                    + "; run this setting as fake-quant (qvit predict --preset/--wbits/--abits) instead");
        floats = Map.copyOf(floats);
        packed = Map.copyOf(packed);
        activationParams = Map.copyOf(activationParams);
        transforms = Map.copyOf(transforms);
    }

    /** Quantizes and packs the calibrated weights; the float weights of the quantized layers are dropped. */
    public static QuantizedModel pack(CalibratedModel m) {
        Map<String, PackedWeight> packed = new LinkedHashMap<>();
        for (Map.Entry<String, QuantParams> e : m.weightParams().entrySet()) {
            ModelWeights.Param p = m.weights().get(e.getKey());
            int rows = p.shape()[0], k = p.data().length / rows;
            int[] codes = new UniformQuantizer(e.getValue()).quantize(e.getKey(), p.data());
            packed.put(e.getKey(), new PackedWeight(p.shape(), PackedCodes.pack(codes, rows, k, e.getValue().format()), e.getValue()));
        }
        Map<String, ModelWeights.Param> floats = new HashMap<>();
        for (String name : ModelWeights.expectedShapes(m.config()).keySet())
            if (!packed.containsKey(name) && m.weights().has(name)) floats.put(name, m.weights().get(name));
        return new QuantizedModel(m.config(), m.quant(), floats, packed, m.activationParams(), m.transforms());
    }

    /** A float parameter, or null when the model has none by that name (optional parts, packed weights). */
    public ModelWeights.Param floatParam(String name) {
        return floats.get(name);
    }

    /** Bytes of the stored parameters: packed codes, their scales and zero points, and the float parameters. */
    public long parameterBytes() {
        long bytes = 0;
        for (PackedWeight w : packed.values()) bytes += w.codes().data().length + 8L * w.params().groups();
        for (ModelWeights.Param p : floats.values()) bytes += 4L * p.data().length;
        return bytes;
    }
}
