package io.qvit.quant.model;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.inference.Classifier;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.model.VitParameters;
import io.qvit.quant.Log2Quantizer;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import io.qvit.quant.reparam.InputTransform;
import java.util.HashMap;
import java.util.Map;

/**
 * The calibrated model simulated in float arithmetic on the CPU backend. With weights and
 * activations both quantized (every integer preset), it is the integer path's function computed
 * with float products: inputs quantized to codes, the codes minus their zero points multiplied by
 * the float GEMM, whose sums of small integers are exact ({@link FloatCodeProducts}), and
 * dequantized in the same epilogue; so its logits equal {@link IntegerModel}'s bit for bit, at the
 * float GEMM's speed. (Dequantizing first and summing the dequantized products in float rounds
 * differently, and in a ViT those last-bit differences flip codes downstream: at w4a4 17 of 64 real
 * images changed class.) With one side left in float (fp32, or --wbits/--abits 32), weights
 * are quantized then dequantized once, at construction, and activations quantized then dequantized
 * on the host as they pass each {@link Site}. Not thread-safe: one forward at a time.
 */
public final class FakeQuantModel implements AutoCloseable {
    private final VitParameters params;
    private final FloatCodeProducts products;
    private final QuantVit vit;

    public FakeQuantModel(CalibratedModel model, CpuBackend backend) {
        VitConfig cfg = model.config();
        if (QuantConfig.isFloat(model.quant().weightBits()) || QuantConfig.isFloat(model.quant().activationBits())) {
            params = new VitParameters(cfg, fakeQuantWeights(model), backend);
            products = null;
            vit = new QuantVit(cfg, params, new HookedOps(cfg, params, backend, hook(model)), backend);
        } else {
            QuantizedModel quantized = QuantizedModel.pack(model);
            params = new VitParameters(cfg, quantized::floatParam, backend);
            products = new FloatCodeProducts(quantized.packed(), backend);
            vit = new QuantVit(cfg, params, new IntegerOps(quantized, backend, products), backend);
        }
    }

    /** A classifier of image files running the calibrated model; closing it releases the model. */
    public static Classifier classifier(ModelDefinition definition, CalibratedModel model, CpuBackend backend) {
        FakeQuantModel m = new FakeQuantModel(model, backend);
        return new Classifier(definition, m::forward, m);
    }

    /** Logits and features of a batch of preprocessed images {@code [batch, 3, S, S]}. */
    public VisionTransformer.Output forward(float[] images, int batch) {
        return vit.forward(images, batch);
    }

    private static ModelWeights fakeQuantWeights(CalibratedModel model) {
        Map<String, float[]> replaced = new HashMap<>();
        for (Map.Entry<String, QuantParams> e : model.weightParams().entrySet())
            replaced.put(e.getKey(), new UniformQuantizer(e.getValue()).fakeQuant(e.getKey(), model.weights().get(e.getKey()).data()));
        return model.weights().withParams(replaced);
    }

    private static ActivationHook hook(CalibratedModel model) {
        Map<ActivationKey, UniformQuantizer> uniform = new HashMap<>();
        model.activationParams().forEach((k, p) -> uniform.put(k, new UniformQuantizer(p)));
        return (key, x, cols) -> {
            int bits = key.site().bits(model.quant());
            if (QuantConfig.isFloat(bits)) return x;
            String name = key.toString();
            if (key.site() == Site.PROBS)
                return RowChunks.map(x, cols, part -> Log2Quantizer.fakeQuantRows(name, part, cols, bits, Log2Quantizer.Base.SQRT_TWO));
            InputTransform transform = model.transforms().get(key);
            float[] in = transform == null ? x : transform.apply(x);
            if (key.site().dynamic())
                return RowChunks.map(in, cols, part -> new UniformQuantizer(key.site().rowParams(name, part, cols, model.quant())).fakeQuant(name, part));
            UniformQuantizer u = uniform.get(key);
            return RowChunks.map(in, cols, part -> u.fakeQuant(name, part));
        };
    }

    @Override
    public void close() {
        params.close();
        if (products != null) products.close();
    }
}
