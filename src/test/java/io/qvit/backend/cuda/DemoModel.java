package io.qvit.backend.cuda;

import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.synthetic.SyntheticSets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** The demo model that {@code qvit demo} embeds (timm ViT, 64x64, patch 8: 65 tokens) and its generated images, written under a test's folder. */
final class DemoModel {
    private DemoModel() {}

    static LoadedModel load(Path dir) throws IOException {
        Path modelDir = Files.createDirectories(dir.resolve("model"));
        for (String name : List.of("model.safetensors", "config.json"))
            try (InputStream in = DemoModel.class.getResourceAsStream("/io/qvit/demo/" + name)) {
                Files.write(modelDir.resolve(name), in.readAllBytes());
            }
        return ModelLoader.load(modelDir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
    }

    /** The first {@code count} images of a generated split, as PNG files. */
    static List<Sample> images(Path dir, SyntheticSets.Split split, int count) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(split.name() + "_" + i + ".png");
            ImageIO.write(SyntheticSets.image(split, i, SyntheticSets.DEFAULT_SEED), "png", file.toFile());
            out.add(Sample.unlabelled(file));
        }
        return out;
    }
}
