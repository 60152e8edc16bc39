package io.qvit.quant.model;

import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.inference.Classifier;
import io.qvit.model.AttentionLayer;
import io.qvit.model.LinearLayer;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.PatchLayer;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.model.VitLayers;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import io.qvit.quant.reparam.InputTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The quantized models as {@link VisionTransformer}s: the same graph as fp32, with each layer's
 * precision in the layer.
 * <ul>
 *   <li>{@link #of(QuantizedModel, Backend)}: every linear layer on codes ({@link QuantizedLinear}:
 *       its input quantized per row after its {@link InputTransform}, or at the patch input's
 *       calibrated range), the attention cores quantized ({@link Backend#quantizedAttention}).</li>
 *   <li>{@link #simulate}: a calibrated model. With weights and activations both quantized (every
 *       integer preset) it packs the model and runs it as above, so the simulation and a converted
 *       file compute the same logits bit for bit. With one side in float (--wbits/--abits 32), the
 *       weights are quantized then dequantized once and the linear layers' inputs on the host as they
 *       pass each {@link Site} ({@link HookedLayers}); attention as above. Nothing quantized is the
 *       fp32 model.</li>
 * </ul>
 */
public final class QuantizedVit {
    private QuantizedVit() {}

    /** The packed model on {@code backend}, its weights uploaded as codes; the caller closes it. */
    public static VisionTransformer of(QuantizedModel m, Backend backend) {
        VitConfig cfg = m.config();
        List<VitLayers.Block> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.depth(); i++)
            blocks.add(new VitLayers.Block(linear(m, WeightLayer.QKV, i, backend),
                    AttentionLayer.quantized(backend, attention(m.quant(), m.activationParams(), i)),
                    linear(m, WeightLayer.PROJ, i, backend), linear(m, WeightLayer.FC1, i, backend), linear(m, WeightLayer.FC2, i, backend)));
        VitLayers layers = new VitLayers(PatchLayer.of(backend, cfg.patchSize(), linear(m, WeightLayer.PATCH_EMBED, -1, backend)), blocks,
                linear(m, WeightLayer.HEAD, -1, backend), cfg.distilled() ? linear(m, WeightLayer.HEAD_DIST, -1, backend) : null, true);
        return new VisionTransformer(cfg, m::floatParam, layers, backend);
    }

    /** The calibrated model on {@code backend} (see the class comment); the caller closes it. */
    public static VisionTransformer simulate(CalibratedModel m, Backend backend) {
        QuantConfig quant = m.quant();
        VitConfig cfg = m.config();
        if (!quant.quantizes()) return new VisionTransformer(cfg, m.weights(), backend);
        if (!QuantConfig.isFloat(quant.weightBits()) && !QuantConfig.isFloat(quant.activationBits())) return of(QuantizedModel.pack(m), backend);
        ModelWeights weights = fakeQuantWeights(m);
        VitLayers layers = HookedLayers.hook(cfg, VitLayers.fp32(cfg, VisionTransformer.byName(weights), backend), fakeQuantInputs(m),
                i -> AttentionLayer.quantized(backend, attention(quant, m.activationParams(), i)), true, backend);
        return new VisionTransformer(cfg, VisionTransformer.byName(weights), layers, backend);
    }

    /** A classifier of image files running the calibrated model; closing it releases the model. */
    public static Classifier classifier(ModelDefinition definition, CalibratedModel model, Backend backend) {
        VisionTransformer m = simulate(model, backend);
        return new Classifier(definition, m::forward, m);
    }

    /** A classifier of image files running the packed model; closing it releases the model. */
    public static Classifier classifier(ModelDefinition definition, QuantizedModel model, Backend backend) {
        VisionTransformer m = of(model, backend);
        return new Classifier(definition, m::forward, m);
    }

    /**
     * The attention precision of a block: Q and K per row or at their calibrated ranges, V at its
     * calibrated range, the probabilities as the method codes them ({@link QuantMethod}).
     */
    static AttentionQuantization attention(QuantConfig quant, Map<ActivationKey, QuantParams> activations, int block) {
        QuantFormat qk = QuantConfig.isFloat(quant.attentionBits()) ? null : Site.Q.format(quant);
        QuantParams v = activations.get(new ActivationKey(block, Site.V));
        QuantParams q = activations.get(new ActivationKey(block, Site.Q)), k = activations.get(new ActivationKey(block, Site.K));
        QuantParams p = activations.get(new ActivationKey(block, Site.PROBS));
        int probBits = QuantConfig.isFloat(quant.softmaxBits()) ? 0 : quant.softmaxBits();
        return new AttentionQuantization(qk, q == null ? Float.NaN : q.scaleOfRow(0), q == null ? 0 : q.zeroPointOfRow(0),
                k == null ? Float.NaN : k.scaleOfRow(0), k == null ? 0 : k.zeroPointOfRow(0),
                v == null ? null : v.format(), v == null ? Float.NaN : v.scaleOfRow(0), v == null ? 0 : v.zeroPointOfRow(0),
                probBits, quant.method().probabilityCodes(), p == null ? Float.NaN : p.scaleOfRow(0));
    }

    private static LinearLayer linear(QuantizedModel m, WeightLayer layer, int block, Backend backend) {
        String module = layer.module(block);
        QuantizedModel.PackedWeight w = m.packed().get(module + ".weight");
        ModelWeights.Param bias = m.floatParam(module + ".bias");
        ActivationKey key = layer.inputKey(block);
        InputTransform t = m.transforms().get(key);
        RowQuantization input;
        if (key.site().dynamic(m.quant())) {
            Tensor divisors = t == null || t.divisors() == null ? null : backend.fromHost(t.divisors(), t.k());
            input = RowQuantization.perRow(key.site().format(m.quant()), divisors, t != null && t.rotated());
        } else {
            if (t != null) throw new IllegalStateException(key + " has a fixed range and an input transform; only per-row inputs are transformed");
            QuantParams p = m.activationParams().get(key);
            input = RowQuantization.fixed(p.format(), p.scaleOfRow(0), p.zeroPointOfRow(0));
        }
        return new QuantizedLinear(backend, backend.uploadWeights(w.codes(), w.params()),
                bias == null ? null : backend.fromHost(bias.data(), bias.data().length), input);
    }

    private static ModelWeights fakeQuantWeights(CalibratedModel model) {
        Map<String, float[]> replaced = new HashMap<>();
        for (Map.Entry<String, QuantParams> e : model.weightParams().entrySet())
            replaced.put(e.getKey(), new UniformQuantizer(e.getValue()).fakeQuant(e.getKey(), model.weights().get(e.getKey()).data()));
        return model.weights().withParams(replaced);
    }

    /** Each linear layer's input through its transform, quantized and dequantized: per row, or at its calibrated range. */
    private static ActivationHook fakeQuantInputs(CalibratedModel model) {
        Map<ActivationKey, UniformQuantizer> uniform = new HashMap<>();
        model.activationParams().forEach((k, p) -> uniform.put(k, new UniformQuantizer(p)));
        return (key, x, cols) -> {
            if (QuantConfig.isFloat(key.site().bits(model.quant()))) return x;
            String name = key.toString();
            InputTransform transform = model.transforms().get(key);
            float[] in = transform == null ? x : transform.apply(x);
            if (key.site().dynamic(model.quant())) return new UniformQuantizer(key.site().rowParams(name, in, cols, model.quant())).fakeQuant(name, in);
            return uniform.get(key).fakeQuant(name, in);
        };
    }
}
