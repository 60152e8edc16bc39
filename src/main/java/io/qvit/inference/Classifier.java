package io.qvit.inference;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageBatches;
import io.qvit.data.Preprocessing;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelDefinition;
import io.qvit.model.VisionTransformer;
import java.util.List;

/**
 * A model on a backend together with the eval transform of its pretrained_cfg: image files in,
 * logits and features out, batch by batch. Closing it releases the model's backend memory (not the
 * backend, which the caller owns).
 *
 * <p>Not thread-safe: one {@link #run} at a time.
 */
public final class Classifier implements AutoCloseable {
    /** Receives each batch with the model's output for it, in sample order. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(ImageBatches.Batch batch, VisionTransformer.Output output);
    }

    private final ModelDefinition definition;
    private final EvalTransform transform;
    private final Forward model;
    private final AutoCloseable owned;

    /** A batched forward pass over preprocessed images: the fp32 model's, or a quantized one's. */
    @FunctionalInterface
    public interface Forward {
        VisionTransformer.Output forward(float[] images, int batch);
    }

    public Classifier(LoadedModel loaded, Backend backend) {
        this(checked(loaded.definition()), new VisionTransformer(loaded.definition().config(), loaded.weights(), backend));
    }

    private Classifier(ModelDefinition definition, VisionTransformer model) {
        this(definition, model::forward, model);
    }

    /** Any forward pass of this model definition; {@code owned} is closed with the classifier. */
    public Classifier(ModelDefinition definition, Forward model, AutoCloseable owned) {
        this.definition = checked(definition);
        transform = new EvalTransform(definition.pretrained().preprocessing());
        this.model = model;
        this.owned = owned;
    }

    /** The definition, once its preprocessing is known to fit the network (checked before any model is built). */
    private static ModelDefinition checked(ModelDefinition definition) {
        Preprocessing pre = definition.pretrained().preprocessing();
        int size = definition.config().imgSize();
        if (pre.height() != size || pre.width() != size)
            throw new QvitException(definition.name() + ": its pretrained_cfg input size " + pre.height() + "x" + pre.width()
                    + " differs from the network's " + size + "x" + size + "; fix input_size in the config");
        return definition;
    }

    public ModelDefinition definition() {
        return definition;
    }

    /** The eval transform of the model's pretrained_cfg, which {@link #run} applies to each image. */
    public EvalTransform transform() {
        return transform;
    }

    /** Logits and features of preprocessed images {@code [batch, 3, S, S]}. */
    public VisionTransformer.Output forward(float[] images, int batch) {
        return model.forward(images, batch);
    }

    /**
     * Decodes, preprocesses and classifies every sample. Unreadable images are left out of the batches
     * and returned, by name with the reason, never dropped silently.
     *
     * @param decodeThreads threads decoding and resizing ahead of the forward pass
     */
    public List<ImageBatches.Failure> run(List<Sample> samples, int batchSize, int decodeThreads, BatchConsumer consumer) {
        try (ImageBatches batches = new ImageBatches(samples, transform, batchSize, decodeThreads)) {
            for (ImageBatches.Batch b : batches) {
                if (b.samples().isEmpty()) continue;
                consumer.accept(b, model.forward(b.data(), b.samples().size()));
            }
            return batches.failures();
        }
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the model failed", e);
        }
    }
}
