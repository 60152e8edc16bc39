package io.qvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.testsupport.Floats;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logits and features against timm itself, for each model family, on small randomly initialised
 * timm models (src/test/python/make_timm_reference_fixtures.py). Their config.json names an
 * architecture qvit does not know, so this also covers reading the structure off the tensors.
 */
class TimmReferenceTest {
    /** fp32 throughout on both sides; summation order differs, so a few ulps of the logits' scale. */
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"})
    void matchesTimm(String name) throws URISyntaxException {
        Path dir = Path.of(TimmReferenceTest.class.getResource("/fixtures/timm/" + name).toURI());
        LoadedModel m = ModelLoader.load(dir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
        VitConfig c = m.definition().config();
        assertEquals(name.startsWith("deit3"), c.layerScale() && c.noEmbedClass(), "DeiT3 structure read off the tensors");
        assertEquals(name.contains("distilled"), c.distilled(), "distillation token read off the tensors");
        float[] input = Floats.read(dir.resolve("input.f32"));
        int batch = input.length / (3 * c.imgSize() * c.imgSize());
        try (CpuBackend cpu = new CpuBackend(2); VisionTransformer vit = new VisionTransformer(c, m.weights(), cpu)) {
            VisionTransformer.Output out = vit.forward(input, batch);
            Floats.assertClose(Floats.read(dir.resolve("logits.f32")), out.logits(), ATOL, RTOL, name + " logits");
            Floats.assertClose(Floats.read(dir.resolve("features.f32")), out.features(), ATOL, RTOL, name + " features");
            assertTrue(out.logits().length == batch * c.numClasses());
        }
    }
}
