package io.qvit.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.testsupport.SharedData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's example on the committed micro model and, where present, on the real ViT-Tiny. */
class EmbeddingExampleTest {
    static Path fixture(String relative) throws URISyntaxException {
        return Path.of(EmbeddingExampleTest.class.getResource("/fixtures/" + relative).toURI());
    }

    /** Three decoder fixtures (grey JPEG, bilevel PNG, CMYK JPEG) copied into {@code dir}. */
    static List<Path> images(Path dir) throws IOException, URISyntaxException {
        List<Path> files = new ArrayList<>();
        for (String image : new String[] {"dec_grey.jpg", "dec_bilevel.png", "dec_cmyk.jpg"})
            files.add(Files.copy(fixture("preprocessing/" + image), dir.resolve(image)));
        return files;
    }

    @Test
    void microModel(@TempDir Path dir) throws IOException, URISyntaxException {
        List<Path> id = images(dir);
        double[] scores = EmbeddingExample.knnScores(fixture("timm/vit_micro_patch8_32/model.safetensors").toString(), id, id.subList(0, 2));
        assertEquals(2, scores.length);
        for (double s : scores) assertTrue(Double.isFinite(s) && s <= 1e-6, "KNN scores are minus a distance: " + s);
    }

    @Test
    void realVitTiny() throws IOException {
        Path weights = SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors");
        List<Path> id = first(SharedData.require("imagenet-samples"), 4, ".JPEG");
        List<Path> ood = first(SharedData.require("ood/textures"), 3, ".jpg");
        List<Path> both = new ArrayList<>(id);
        both.addAll(ood); // one call: calibrating ViT-Tiny is most of this test's time
        double[] scores = EmbeddingExample.knnScores(weights.toString(), id, both);
        assertEquals(7, scores.length);
        // with K = 2 an ID image's second neighbour is another ID image; textures lie further away
        double idMean = mean(Arrays.copyOfRange(scores, 0, 4)), oodMean = mean(Arrays.copyOfRange(scores, 4, 7));
        assertTrue(idMean > oodMean, "ID " + idMean + " should score above OOD " + oodMean);
    }

    private static List<Path> first(Path dir, int n, String extension) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(extension)).sorted().limit(n).toList();
        }
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) sum += x;
        return sum / v.length;
    }
}
