package io.qvit.quant.model;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.inference.Classifier;
import io.qvit.model.ModelDefinition;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitParameters;

/**
 * A {@link QuantizedModel} executed with integer matrix products on the CPU ({@link IntegerOps}):
 * the reference the GPU kernels are tested against. It holds the packed codes and the float
 * parameters only. Not thread-safe: one forward at a time.
 */
public final class IntegerModel implements AutoCloseable {
    private final VitParameters params;
    private final QuantVit vit;

    public IntegerModel(QuantizedModel model, CpuBackend backend) {
        params = new VitParameters(model.config(), model::floatParam, backend);
        vit = new QuantVit(model.config(), params, new IntegerOps(model, backend, CodeProducts.int32(model)), backend);
    }

    /** A classifier of image files running the model; closing it releases the model. */
    public static Classifier classifier(ModelDefinition definition, QuantizedModel model, CpuBackend backend) {
        IntegerModel m = new IntegerModel(model, backend);
        return new Classifier(definition, m::forward, m);
    }

    /** Logits and features of a batch of preprocessed images {@code [batch, 3, S, S]}. */
    public VisionTransformer.Output forward(float[] images, int batch) {
        return vit.forward(images, batch);
    }

    @Override
    public void close() {
        params.close();
    }
}
