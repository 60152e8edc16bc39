package io.qvit.quant.model;

import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import io.qvit.quant.QuantParams;
import io.qvit.quant.reparam.InputTransform;
import java.util.Map;

/**
 * Everything a quantized forward needs, fixed by calibration: the fp32 weights with the rotations
 * and smoothing divisors folded in (not yet quantized), the per-channel params of every quantized
 * weight by timm name, the per-tensor params of every statically ranged activation, and the input
 * transforms of the layers that have them
 * ({@link InputTransform}: smoothing divisors and a rotation, applied by the forward before
 * quantizing; the weights already hold the inverse). Tensors left in float have no entry. The maps are
 * unmodifiable; the params' arrays are shared, not to be written.
 */
public record CalibratedModel(VitConfig config, QuantConfig quant, ModelWeights weights,
                              Map<String, QuantParams> weightParams,
                              Map<ActivationKey, QuantParams> activationParams,
                              Map<ActivationKey, InputTransform> transforms) {
    public CalibratedModel {
        // a calibrated range is one scale and zero point for the whole activation (RowQuantization.fixed)
        activationParams.forEach((key, p) -> {
            if (p.groups() != 1) throw new IllegalArgumentException(key + " has " + p.groups() + " scales; activations are per-tensor");
        });
        weightParams = Map.copyOf(weightParams);
        activationParams = Map.copyOf(activationParams);
        transforms = Map.copyOf(transforms);
    }
}
