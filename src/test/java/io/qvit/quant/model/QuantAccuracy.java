package io.qvit.quant.model;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import java.util.List;

/**
 * The accuracy table: calibrate on the first 32 images of a labels list, evaluate top-1 on all of
 * them and on the rest, for each setting given: a preset name, or {@code W,A,ATTENTION,SOFTMAX} bits
 * (32 for float) for an ablation, either prefixed by a method ({@code repq:w4a4}; default qvit).
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *   io.qvit.quant.model.QuantAccuracy MODEL.safetensors LABELS.csv fp32 w8a8 w6a6 w4a4
 * </pre>
 */
public final class QuantAccuracy {
    private QuantAccuracy() {}

    public static void main(String[] args) {
        LoadedModel model = ModelLoader.load(args[0], ModelLoader.Hints.NONE);
        List<Sample> samples = Datasets.fromArguments(List.of(args[1]));
        List<Sample> calib = samples.subList(0, Calibrator.DEFAULT_IMAGES);
        System.out.printf("%-12s %10s %10s %8s%n", "preset", "top-1 all", "top-1 rest", "seconds");
        try (CpuBackend cpu = new CpuBackend()) {
            for (int i = 2; i < args.length; i++) {
                long start = System.nanoTime();
                boolean[] correct = correct(model, parse(args[i]), calib, samples, cpu);
                int all = count(correct, 0), rest = count(correct, calib.size());
                System.out.printf("%-12s %9.2f%% %9.2f%% %8.0f%n", args[i], 100.0 * all / samples.size(),
                        100.0 * rest / (samples.size() - calib.size()), (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Whether each sample's top-1 is its label, calibrated on {@code calib}; fp32 runs the plain model. */
    static boolean[] correct(LoadedModel model, QuantConfig quant, List<Sample> calib, List<Sample> samples, CpuBackend cpu) {
        int classes = model.definition().config().numClasses();
        boolean[] correct = new boolean[samples.size()];
        int[] index = {0};
        try (Classifier c = quant.quantizes()
                ? QuantizedVit.classifier(model.definition(), Calibrator.calibrate(model, quant, calib, cpu), cpu)
                : new Classifier(model, cpu)) {
            var failures = c.run(samples, 50, 1, (batch, out) -> {
                for (int i = 0; i < batch.samples().size(); i++)
                    correct[index[0]++] = TopK.of(out.logits(), i * classes, classes, 1).top1() == batch.samples().get(i).label();
            });
            if (!failures.isEmpty()) throw new IllegalStateException("unreadable images: " + failures);
        }
        return correct;
    }

    private static QuantConfig parse(String arg) {
        int colon = arg.indexOf(':');
        QuantMethod method = colon < 0 ? QuantMethod.QVIT : QuantMethod.parse(arg.substring(0, colon));
        String a = arg.substring(colon + 1);
        if (!a.contains(",")) return QuantConfig.preset(a).with(method);
        String[] p = a.split(",");
        return new QuantConfig(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]), method);
    }

    static int count(boolean[] correct, int from) {
        int n = 0;
        for (int i = from; i < correct.length; i++) if (correct[i]) n++;
        return n;
    }
}
