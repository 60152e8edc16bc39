package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.synthetic.SyntheticSets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model {@code qvit demo} embeds loads from its config.json and reproduces the logits PyTorch
 * computed when {@code weights-converter/train_demo_model.py} trained it (fixture.json), on images
 * this test draws again with the generator: so the loader, the preprocessing and the generator's
 * pixels all agree with what the model was trained and checked on.
 */
class DemoModelTest {
    @Test
    void reproducesPyTorchLogitsOnRegeneratedImages(@TempDir Path dir) throws Exception {
        JsonNode fixture;
        try (InputStream in = DemoModelTest.class.getResourceAsStream("/io/qvit/demo/fixture.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode image : fixture.get("images")) {
            SyntheticSets.Split split = SyntheticSets.ALL.stream().filter(s -> s.name().equals(image.get("split").asText())).findFirst().orElseThrow();
            Path file = dir.resolve(split.name() + "_" + image.get("index").asInt() + ".png");
            ImageIO.write(SyntheticSets.image(split, image.get("index").asInt(), SyntheticSets.DEFAULT_SEED), "png", file.toFile());
            samples.add(Sample.unlabelled(file));
        }
        LoadedModel model = ModelLoader.load(DemoCommand.embeddedModel(dir.resolve("model")).toString(), ModelLoader.Hints.NONE);
        assertEquals(DemoCommand.CLASSES, model.definition().config().numClasses());
        assertEquals(DemoCommand.FEATURES, model.definition().config().embedDim(), "DemoCommand.FEATURES is the model's width");
        assertTrue(Files.size(dir.resolve("model/model.safetensors")) <= 5 << 20, "the embedded weights stay within 5 MB");
        List<float[]> logits = new ArrayList<>();
        try (CpuBackend cpu = new CpuBackend(2); Classifier c = new Classifier(model, cpu)) {
            List<ImageBatches.Failure> failures = c.run(samples, samples.size(), 1, (batch, out) -> {
                for (int i = 0; i < batch.samples().size(); i++)
                    logits.add(java.util.Arrays.copyOfRange(out.logits(), i * 8, (i + 1) * 8));
            });
            assertEquals(List.of(), failures);
        }
        double worst = 0;
        for (int i = 0; i < samples.size(); i++)
            for (int k = 0; k < 8; k++) {
                double expected = fixture.get("logits").get(i).get(k).asDouble();
                worst = Math.max(worst, Math.abs(logits.get(i)[k] - expected) / (1 + Math.abs(expected)));
            }
        System.out.printf("demo model against PyTorch: largest logit difference %.2e (relative to 1 + |logit|)%n", worst);
        assertTrue(worst <= 1e-4, "largest logit difference from PyTorch (relative to 1 + |logit|): " + worst);
    }
}
