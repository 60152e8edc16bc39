package io.qvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.model.weights.DType;
import io.qvit.model.weights.SafetensorsWriter;
import io.qvit.model.weights.StateDict;
import io.qvit.model.weights.StateDicts;
import io.qvit.model.weights.WeightTensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a checkpoint finds its architecture, and the errors when it does not fit one. */
class ModelLoaderTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ModelLoaderTest.class.getResource("/fixtures/timm/" + name).toURI());
    }

    private static void assertMessage(QvitException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Test
    void wrongArchitectureListsTheMisShapedTensors() throws URISyntaxException {
        Path weights = fixture("vit_micro_patch8_32").resolve("model.safetensors");
        QvitException e = assertThrows(QvitException.class,
                () -> ModelLoader.load(weights.toString(), new ModelLoader.Hints("vit_tiny_patch16_224", null)));
        assertMessage(e, "model.safetensors", "vit_tiny_patch16_224", "mis-shaped", "pos_embed", "--arch");
    }

    @Test
    void missingAndUnexpectedTensorsAreNamed(@TempDir Path dir) throws URISyntaxException, IOException {
        Path src = fixture("deit3_micro_patch8_32");
        Path copy = dir.resolve("model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (StateDict d = StateDicts.open(src.resolve("model.safetensors"))) {
            for (WeightTensor t : d.tensors().values())
                if (!t.name().equals("blocks.1.ls2.gamma")) w.add(t.name(), DType.F32, t.shape(), t.toFloats());
        }
        w.add("blocks.1.extra.weight", DType.F32, new int[] {2}, new float[] {1, 2});
        w.write(copy);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        QvitException e = assertThrows(QvitException.class, () -> ModelLoader.load(copy.toString(), ModelLoader.Hints.NONE));
        assertMessage(e, "missing tensors: blocks.1.ls2.gamma", "unexpected tensors: blocks.1.extra.weight");
    }

    @Test
    void aConfigForAnotherKindOfModelIsRefused(@TempDir Path dir) throws URISyntaxException, IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"architecture\": \"resnet50\", \"num_classes\": 1000, \"pretrained_cfg\": {\"input_size\":"
                + " [3, 224, 224], \"interpolation\": \"bicubic\", \"crop_pct\": 0.95, \"crop_mode\": \"center\","
                + " \"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225], \"num_classes\": 1000}}");
        Path weights = fixture("vit_micro_patch8_32").resolve("model.safetensors");
        QvitException e = assertThrows(QvitException.class,
                () -> ModelLoader.load(weights.toString(), new ModelLoader.Hints(null, config)));
        assertMessage(e, "resnet50", "ViT");
    }

    @Test
    void anUnnamedFileWithoutConfigSaysHowToName(@TempDir Path dir) throws URISyntaxException, IOException {
        Path weights = dir.resolve("weights.safetensors");
        Files.copy(fixture("vit_micro_patch8_32").resolve("model.safetensors"), weights);
        QvitException e = assertThrows(QvitException.class, () -> ModelLoader.load(weights.toString(), ModelLoader.Hints.NONE));
        assertMessage(e, "weights.safetensors", "--arch", "--config");
    }

    @Test
    void aMissingFileOrBadSpecIsNamed() {
        QvitException e = assertThrows(QvitException.class,
                () -> ModelLoader.load("no/such/model.safetensors", ModelLoader.Hints.NONE));
        assertMessage(e, "no/such/model.safetensors", "hf:timm/");
    }

    @Test
    void readsTheStructureOfAnUnknownSizeOffTheTensors() throws URISyntaxException {
        LoadedModel m = ModelLoader.load(fixture("deit_micro_distilled_patch8_32").resolve("model.safetensors").toString(),
                ModelLoader.Hints.NONE);
        VitConfig c = m.definition().config();
        assertTrue(c.distilled());
        assertEquals(32, c.imgSize());
        assertEquals(8, c.patchSize());
        assertEquals(ModelWeights.parameterCount(c), m.weights().parameterCount());
    }
}
