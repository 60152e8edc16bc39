package io.qvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.testsupport.Floats;
import io.qvit.testsupport.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real ViT-Tiny reproduces ../shared/data/golden (the tench image's logits and features). */
class GoldenLogitsTest {
    @Test
    void reproducesGoldenLogitsAndFeatures() {
        Path weights = SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors");
        Path golden = SharedData.require("golden");
        LoadedModel m = ModelLoader.load(weights.toString(), ModelLoader.Hints.NONE);
        assertEquals("vit_tiny_patch16_224.augreg_in21k_ft_in1k", m.definition().name());
        float[] input = Floats.read(golden.resolve("golden_tench_input_1x3x224x224.f32"));
        try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors());
             VisionTransformer vit = new VisionTransformer(m.definition().config(), m.weights(), cpu)) {
            VisionTransformer.Output out = vit.forward(input, 1);
            float[] logits = Floats.read(golden.resolve("golden_tench_logits_1x1000.f32"));
            double err = Floats.maxAbsDiff(logits, out.logits());
            System.out.printf("golden logits: max abs error %.3g%n", err);
            assertTrue(err <= 1e-3, "max abs error of the logits " + err + " > 1e-3");
            Floats.assertClose(Floats.read(golden.resolve("golden_tench_cls_features_1x192.f32")), out.features(), 1e-3, 0,
                    "class-token features");
            assertEquals(0, Floats.argmax(out.logits(), 0, 1000), "tench is class 0");
        }
    }
}
