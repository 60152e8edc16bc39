package io.qvit.quant.model;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Integer execution against the fake-quant simulation on every image of a labels list, calibrated
 * on its first 32: per preset, the images whose logits are bit-identical, whose top-1 agree, and
 * the largest logit difference relative to the image's largest logit.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *   io.qvit.quant.model.QuantAgreement MODEL.safetensors LABELS.csv w8a8 w4a4
 * </pre>
 */
public final class QuantAgreement {
    private QuantAgreement() {}

    public static void main(String[] args) {
        LoadedModel model = ModelLoader.load(args[0], ModelLoader.Hints.NONE);
        List<Sample> samples = Datasets.fromArguments(List.of(args[1]));
        List<Sample> calib = samples.subList(0, Calibrator.DEFAULT_IMAGES);
        int classes = model.definition().config().numClasses();
        System.out.printf("%-6s %7s %15s %10s %14s %8s%n", "preset", "images", "bit-identical", "same top-1", "max rel diff", "seconds");
        try (CpuBackend cpu = new CpuBackend()) {
            for (int p = 2; p < args.length; p++) {
                long start = System.nanoTime();
                CalibratedModel cal = Calibrator.calibrate(model, QuantConfig.preset(args[p]), calib, cpu);
                List<float[]> fake = logits(FakeQuantModel.classifier(model.definition(), cal, cpu), samples);
                List<float[]> integer = logits(IntegerModel.classifier(model.definition(), QuantizedModel.pack(cal), cpu), samples);
                int identical = 0, sameTop1 = 0;
                double worst = 0;
                for (int i = 0; i < samples.size(); i++) {
                    float[] f = fake.get(i), n = integer.get(i);
                    double max = 0, err = 0;
                    boolean same = true;
                    for (int j = 0; j < classes; j++) {
                        max = Math.max(max, Math.abs(f[j]));
                        err = Math.max(err, Math.abs(f[j] - n[j]));
                        same &= Float.floatToRawIntBits(f[j]) == Float.floatToRawIntBits(n[j]);
                    }
                    worst = Math.max(worst, err / max);
                    if (same) identical++;
                    if (TopK.of(f, 0, classes, 1).top1() == TopK.of(n, 0, classes, 1).top1()) sameTop1++;
                }
                System.out.printf("%-6s %7d %15d %10d %14.3g %8.0f%n", args[p], samples.size(), identical, sameTop1, worst,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Each sample's logits, in order; the classifier is closed. */
    private static List<float[]> logits(Classifier c, List<Sample> samples) {
        List<float[]> out = new ArrayList<>();
        try (c) {
            var failures = c.run(samples, 50, 1, (batch, o) -> {
                int classes = o.logits().length / batch.samples().size();
                for (int i = 0; i < batch.samples().size(); i++)
                    out.add(Arrays.copyOfRange(o.logits(), i * classes, (i + 1) * classes));
            });
            if (!failures.isEmpty()) throw new IllegalStateException("unreadable images: " + failures);
        }
        return out;
    }
}
