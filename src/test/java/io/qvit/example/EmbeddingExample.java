package io.qvit.example;

// README-EXAMPLE-START
import io.qvit.api.Model;
import io.qvit.api.OodDetector;
import io.qvit.api.Outputs;
import io.qvit.api.Precision;
import io.qvit.api.Qvit;
import io.qvit.api.Session;
import io.qvit.api.SessionOptions;
import io.qvit.backend.Device;
import io.qvit.ood.ScoreKind;
import io.qvit.ood.ScoreSettings;
import java.nio.file.Path;
import java.util.List;
// README-EXAMPLE-END

/**
 * The README's example of the Java API, runnable: a W8A8 model's embeddings, top classes and OOD
 * scores. It uses only the public API; {@code EmbeddingExampleTest} runs it, and
 * {@code ReadmeExampleTest} checks that the README shows this code.
 *
 * <pre>java ... io.qvit.example.EmbeddingExample MODEL ID1.jpg,ID2.jpg,... OOD1.jpg,...</pre>
 */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    // README-EXAMPLE-START
    /** Calibrates a W8A8 model on the ID images, embeds them, and scores the OOD images with KNN on the embeddings. */
    public static double[] knnScores(String modelSpec, List<Path> idImages, List<Path> oodImages) {
        Model model = Qvit.load(modelSpec)                  // a .safetensors/.pth file, hf:timm/NAME.TAG, or a converted file
                .quantize(Precision.W8A8, idImages);        // calibrates on the first 32 images; immutable, shareable
        SessionOptions options = SessionOptions.builder().device(Device.AUTO).threads(2).batchSize(16).build();
        try (Session session = model.openSession(options)) { // one session per thread; closing frees its memory
            session.notice().ifPresent(n -> System.err.println("qvit: " + n)); // AUTO without a CUDA backend runs on the CPU
            Outputs id = session.run(idImages);             // decoded and preprocessed as the model's pretrained_cfg says
            for (int i = 0; i < id.size(); i++)
                System.out.printf("%s: class %d (p %.3f), embedding of %d floats%n", idImages.get(i).getFileName(),
                        id.topK(i, 1).top1(), id.topK(i, 1).probs()[0], id.features(i).length);
            OodDetector knn = OodDetector.fit(ScoreKind.KNN, model, id, null, ScoreSettings.DEFAULTS.withKnnK(2));
            return knn.score(session.run(oodImages));       // higher = more in-distribution
        }
    }
    // README-EXAMPLE-END

    /** Prints the KNN score of each OOD image; the arguments are a model spec and two comma-separated lists of image files. */
    public static void main(String[] args) {
        if (args.length != 3) throw new IllegalArgumentException("usage: EmbeddingExample MODEL ID1.jpg,ID2.jpg,... OOD1.jpg,...");
        for (double score : knnScores(args[0], paths(args[1]), paths(args[2]))) System.out.println(score);
    }

    private static List<Path> paths(String commaSeparated) {
        return List.of(commaSeparated.split(",")).stream().map(Path::of).toList();
    }
}
