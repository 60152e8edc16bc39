package io.qvit.quant.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.files.Npy;
import io.qvit.inference.Classifier;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one graph's logits against reference logits saved before it existed ({@code DIR/PRESET.logits.npy},
 * {@code [images, classes]}): every image of a labels list through the graph at each preset, fp32
 * through the float layers, a quantized preset both as the simulation of the calibrated model
 * (calibrated on the first {@link Calibrator#DEFAULT_IMAGES}) and as the converted model read back
 * from a file written by {@code qvit convert}'s writer; batches of 50 (a shorter list is compared
 * with the reference's first rows). Prints, per path, the images
 * whose logits are bit-identical to the reference, the logits that differ, and the largest difference.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *   io.qvit.quant.model.OneGraphAgreement MODEL.safetensors LABELS.csv REFERENCE_DIR fp32 w8a8 w4a4
 * </pre>
 */
public final class OneGraphAgreement {
    private OneGraphAgreement() {}

    public static void main(String[] args) throws IOException {
        LoadedModel model = ModelLoader.load(args[0], ModelLoader.Hints.NONE);
        List<Sample> samples = Datasets.fromArguments(List.of(args[1]));
        Path reference = Path.of(args[2]);
        System.out.printf("%-6s %-10s %7s %15s %14s %14s %8s%n", "preset", "path", "images", "bit-identical", "logits differ", "max abs diff", "seconds");
        try (Backend backend = Device.CPU.open(Runtime.getRuntime().availableProcessors())) {
            for (int p = 3; p < args.length; p++) {
                String preset = args[p];
                float[][] expected = Npy.read(reference.resolve(preset + ".logits.npy")).floatRows();
                QuantConfig quant = QuantConfig.preset(preset);
                long start = System.nanoTime();
                if (!quant.quantizes()) {
                    report(preset, "fp32", expected, logits(new Classifier(model, backend), samples), start);
                    continue;
                }
                CalibratedModel cal = Calibrator.calibrate(model, quant, samples.subList(0, Calibrator.DEFAULT_IMAGES), backend);
                report(preset, "simulated", expected, logits(QuantizedVit.classifier(model.definition(), cal, backend), samples), start);
                start = System.nanoTime();
                Path file = Files.createTempFile("qvit-agreement-", ".safetensors");
                try {
                    QuantizedModelFile.write(file, model.definition(), QuantizedModel.pack(cal), Map.of());
                    QuantizedModelFile.Contents read = QuantizedModelFile.read(file);
                    report(preset, "converted", expected, logits(QuantizedVit.classifier(read.definition(), read.model(), backend), samples), start);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void report(String preset, String path, float[][] expected, List<float[]> actual, long start) {
        if (actual.size() > expected.length)
            throw new IllegalStateException(preset + " " + path + ": " + actual.size() + " images, the reference has " + expected.length);
        int identical = 0;
        long differ = 0;
        double worst = 0;
        for (int i = 0; i < actual.size(); i++) {
            boolean same = expected[i].length == actual.get(i).length;
            for (int j = 0; same && j < expected[i].length; j++) {
                float e = expected[i][j], a = actual.get(i)[j];
                if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(a)) {
                    differ++;
                    worst = Math.max(worst, Math.abs((double) e - a));
                }
            }
            if (same && Arrays.equals(expected[i], actual.get(i))) identical++;
        }
        System.out.printf("%-6s %-10s %7d %15d %14d %14.3g %8.0f%n", preset, path, actual.size(), identical, differ, worst,
                (System.nanoTime() - start) / 1e9);
    }

    /** Every sample's logits, in order; the classifier is closed. */
    private static List<float[]> logits(Classifier c, List<Sample> samples) {
        List<float[]> rows = new ArrayList<>();
        try (c) {
            var failures = c.run(samples, 50, 1, (batch, o) -> {
                int classes = o.logits().length / batch.samples().size();
                for (int i = 0; i < batch.samples().size(); i++)
                    rows.add(Arrays.copyOfRange(o.logits(), i * classes, (i + 1) * classes));
            });
            if (!failures.isEmpty()) throw new UncheckedIOException(new IOException("unreadable images: " + failures));
        }
        return rows;
    }
}
