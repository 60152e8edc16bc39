package io.qvit.api;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.model.VisionTransformer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model opened on a backend: runs batches of preprocessed images or image files and returns
 * their {@link Outputs}. Owns the backend's resources (its thread pool and what it built from the
 * weights; GPU memory once there is a CUDA backend): close it, best with try-with-resources.
 *
 * <p>Not thread-safe: one call at a time. Open one session per thread; they may share a
 * {@link Model}. The backend itself is parallel (see {@link SessionOptions#threads}).
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final SessionOptions options;
    private final Backend backend;
    private final Classifier classifier;
    private boolean closed;

    private Session(Model model, SessionOptions options, Backend backend, Classifier classifier) {
        this.model = model;
        this.options = options;
        this.backend = backend;
        this.classifier = classifier;
    }

    static Session open(Model model, SessionOptions options) {
        Backend backend = options.device().open(options.threads());
        try {
            return new Session(model, options, backend, model.classifier(backend));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The model this session runs. */
    public Model model() {
        return model;
    }

    /** The device it runs on: {@link Device#AUTO} resolved to CUDA or the CPU. */
    public Device device() {
        return options.device().resolved();
    }

    /** Why the device differs from the one asked for (AUTO without a GPU), if it does. */
    public Optional<String> notice() {
        return Optional.ofNullable(options.device().fallbackNotice());
    }

    /** The backend in words: device, threads, vector width. */
    public String description() {
        return backend.description();
    }

    /**
     * Runs {@code batch} preprocessed images, {@code [batch, 3, S, S]} row-major floats as
     * {@link Model#preprocess} makes them (S = {@link Model#inputSize}).
     */
    public Outputs run(float[] images, int batch) {
        checkOpen();
        int per = 3 * model.inputSize() * model.inputSize();
        if (batch < 1 || images.length != (long) batch * per)
            throw new QvitException("images must hold batch x 3 x " + model.inputSize() + " x " + model.inputSize() + " = "
                    + (long) Math.max(batch, 0) * per + " floats for batch " + batch + ", got " + images.length);
        for (int i = 0; i < images.length; i++) {
            if (Float.isFinite(images[i])) continue; // the fp32 forward would carry it into NaN logits (the quantized one refuses it)
            throw new QvitException("images[" + i + "] (image " + i / per + ") is " + images[i]
                    + "; a preprocessed image holds finite values only (Model.preprocess makes them)");
        }
        VisionTransformer.Output out = classifier.forward(images, batch);
        return new Outputs(batch, out.logits(), out.features());
    }

    /**
     * Decodes, preprocesses (the model's own eval transform) and runs image files (JPEG, PNG, PPM),
     * {@link SessionOptions#batchSize} at a time. Fails, naming the file, when an image cannot be read.
     */
    public Outputs run(List<Path> images) {
        checkOpen();
        if (images.isEmpty()) throw new QvitException("no images given");
        List<Sample> samples = images.stream().map(Sample::unlabelled).toList();
        int classes = model.numClasses(), dim = model.featureDim(), done = 0;
        float[] logits = new float[images.size() * classes], features = new float[images.size() * dim];
        try (ImageBatches batches = new ImageBatches(samples, classifier.transform(), options.batchSize(), options.decodeThreads())) {
            for (ImageBatches.Batch b : batches) {
                if (b.samples().isEmpty()) continue;
                VisionTransformer.Output out = classifier.forward(b.data(), b.samples().size());
                System.arraycopy(out.logits(), 0, logits, done * classes, out.logits().length);
                System.arraycopy(out.features(), 0, features, done * dim, out.features().length);
                done += b.samples().size();
            }
            if (!batches.failures().isEmpty()) {
                ImageBatches.Failure f = batches.failures().get(0);
                throw new QvitException("cannot read image " + f.file() + ": " + f.reason() + " (" + batches.failures().size()
                        + " of " + images.size() + " unreadable)");
            }
        }
        return new Outputs(images.size(), logits, features);
    }

    /** Releases the model's backend memory and the backend; calling it again does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            classifier.close();
        } finally {
            backend.close();
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the session is closed");
    }
}
