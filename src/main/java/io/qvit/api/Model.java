package io.qvit.api;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.data.Datasets;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageDecoder;
import io.qvit.files.OutputFolder;
import io.qvit.inference.Classifier;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelDefinition;
import io.qvit.ood.ClassifierHead;
import io.qvit.quant.model.CalibratedModel;
import io.qvit.quant.model.CalibrationImages;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedModelFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Vision Transformer ready to run: float32 weights, a quantized model calibrated in memory (run
 * as the fake-quant simulation, which computes the integer path's logits in float arithmetic), or
 * a converted model (packed codes, run with integer matrix products). Made by {@link Qvit#load}, {@link #quantize} and
 * {@link #convert}; run through a {@link Session} from {@link #openSession}.
 *
 * <p>Immutable and thread-safe: share one model between threads and open a session per thread.
 * It holds its weights on the Java heap; sessions hold what a backend builds from them.
 */
public final class Model {
    private final ModelDefinition definition;
    private final Precision precision;
    private final LoadedModel loaded;          // float weights, or the source of a fake-quant model
    private final CalibratedModel calibrated;  // fake-quant
    private final QuantizedModel packed;       // converted: integer execution

    private Model(ModelDefinition definition, Precision precision, LoadedModel loaded, CalibratedModel calibrated, QuantizedModel packed) {
        this.definition = definition;
        this.precision = precision;
        this.loaded = loaded;
        this.calibrated = calibrated;
        this.packed = packed;
    }

    static Model float32(LoadedModel loaded) {
        return new Model(loaded.definition(), Precision.FP32, loaded, null, null);
    }

    static Model converted(QuantizedModelFile.Contents contents) {
        return new Model(contents.definition(), Precision.of(contents.model().quant()), null, null, contents.model());
    }

    /**
     * This model calibrated at {@code precision} on images from {@code calibration} (image files,
     * class folders, flat folders or labelled CSV lists; the first 32 images are used), run as a
     * fake-quant simulation. {@link Precision#FP32} returns this model. Only a float32 model can be
     * quantized. Calibration runs on the CPU with all cores and takes seconds to minutes.
     */
    public Model quantize(Precision precision, List<Path> calibration) {
        if (precision.isFloat()) return this;
        return new Model(definition, precision, requireFloat("quantize"), calibrate(precision, calibration), null);
    }

    /**
     * Calibrates as {@link #quantize} does, packs the weights, writes the converted model to
     * {@code out} (a {@code .safetensors} file, as {@code qvit convert} writes) and returns it, run
     * with integer matrix products. Weights and activations must both be quantized. The folder of
     * {@code out} must exist and be writable (checked first; as {@code qvit convert}, none is created).
     */
    public Model convert(Precision precision, List<Path> calibration, Path out) {
        if (!out.getFileName().toString().endsWith(".safetensors"))
            throw new QvitException(out + ": name the converted model .safetensors, the format it is written in");
        OutputFolder.requireWritable("converted model " + out, out.toAbsolutePath().getParent()); // as qvit convert: before calibrating
        if (QuantConfig.isFloat(precision.weightBits()) || QuantConfig.isFloat(precision.activationBits()))
            throw new QvitException("a converted model runs as integers: weights and activations must both be quantized, not " + precision
                    + "; use quantize for float weights or activations");
        LoadedModel source = requireFloat("convert");
        QuantizedModel q = QuantizedModel.pack(calibrate(precision, calibration));
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("source", source.source().getFileName().toString());
        notes.put("calibration", "the first images of " + calibration);
        QuantizedModelFile.write(out, definition, q, notes);
        return new Model(definition, precision, null, null, q); // what the file holds, bit for bit (qvit convert's tests)
    }

    /** Opens a session with {@link SessionOptions#DEFAULTS}. */
    public Session openSession() {
        return openSession(SessionOptions.DEFAULTS);
    }

    /** Opens a session; close it when done. Fails for {@link io.qvit.backend.Device#CUDA} on a machine without a GPU. */
    public Session openSession(SessionOptions options) {
        return Session.open(this, options);
    }

    /** The model's name: its timm architecture and tag. */
    public String name() {
        return definition.name();
    }

    /** The precision it runs at. */
    public Precision precision() {
        return precision;
    }

    /** Whether it runs with integer matrix products (a converted model) rather than in float. */
    public boolean isInteger() {
        return packed != null;
    }

    /** Number of classes: the width of each row of logits. */
    public int numClasses() {
        return definition.config().numClasses();
    }

    /** Width of each row of features (the head's input). */
    public int featureDim() {
        return definition.config().embedDim();
    }

    /** Side of the square input image in pixels, after preprocessing. */
    public int inputSize() {
        return definition.config().imgSize();
    }

    /**
     * An image file decoded and preprocessed with the model's own eval transform (its timm
     * pretrained_cfg): {@code [3, S, S]} floats, ready for {@link Session#run(float[], int)}.
     */
    public float[] preprocess(Path image) {
        return new EvalTransform(definition.pretrained().preprocessing()).apply(ImageDecoder.decode(image));
    }

    /** The classifier on {@code backend}; the session owns and closes it. */
    Classifier classifier(Backend backend) {
        if (loaded != null && calibrated == null) return new Classifier(loaded, backend);
        if (calibrated != null) return QuantizedVit.classifier(definition, calibrated, backend);
        return QuantizedVit.classifier(definition, packed, backend);
    }

    /**
     * The float classifier head (W, b), which OOD scores such as vim and react need; null for a
     * converted model, whose head is stored as integer codes.
     */
    ClassifierHead head() {
        return loaded == null ? null : ClassifierHead.of(loaded.weights());
    }

    private CalibratedModel calibrate(Precision precision, List<Path> calibration) {
        List<String> args = calibration.stream().map(Path::toString).toList();
        try (Backend backend = Device.CPU.open(Runtime.getRuntime().availableProcessors())) {
            return Calibrator.calibrate(loaded, precision.config(),
                    CalibrationImages.choose(Datasets.fromArguments(args), Calibrator.DEFAULT_IMAGES, null), backend);
        }
    }

    private LoadedModel requireFloat(String what) {
        if (loaded == null || calibrated != null)
            throw new QvitException("cannot " + what + " " + name() + ": it is already quantized (" + precision + "); load the float32 model");
        return loaded;
    }
}
