package io.qvit.quant.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.testsupport.Floats;
import io.qvit.testsupport.SharedData;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In float32, without quantization, the reparameterised model computes what the original does:
 * the next linear layer undoes the divisors folded into the LayerNorm exactly in real arithmetic,
 * and likewise {@link AttentionRotation}'s per-head rotations.
 */
class FloatOutputUnchangedTest {
    /**
     * Relative to each output's largest magnitude: what is left is fp32 rounding of the moved
     * parameters, a few ulps per block. An element-wise relative bound would not hold: the real
     * model's logits near zero carry the same absolute error as the large ones.
     */
    private static final double TOLERANCE = 1e-5;

    /** Divisors of every post-LayerNorm activation, log-uniform over [1/spread, spread]. */
    enum Divisors {
        /** Within a factor of 10 either way. */
        MILD(10),
        /** Within a factor of 1000 either way, beyond what the smoothing search picks. */
        WIDE(1000);

        final double spread;

        Divisors(double spread) {
            this.spread = spread;
        }

        Map<NormSite, float[]> draw(VitConfig c, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Map<NormSite, float[]> divisors = new HashMap<>();
            for (NormSite site : NormSite.all(c)) {
                float[] s = new float[c.embedDim()];
                for (int i = 0; i < s.length; i++) s[i] = (float) Math.pow(spread, 2 * rnd.nextDouble() - 1);
                divisors.put(site, s);
            }
            return divisors;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"})
    void timmFixtures(String name) throws URISyntaxException {
        Path dir = Path.of(FloatOutputUnchangedTest.class.getResource("/fixtures/timm/" + name).toURI());
        LoadedModel m = ModelLoader.load(dir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
        float[] input = Floats.read(dir.resolve("input.f32"));
        for (Divisors d : Divisors.values()) assertSameOutput(m, input, d, name);
    }

    @Test
    void realVitTiny() {
        Path weights = SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors");
        Path golden = SharedData.require("golden");
        LoadedModel m = ModelLoader.load(weights.toString(), ModelLoader.Hints.NONE);
        float[] input = Floats.read(golden.resolve("golden_tench_input_1x3x224x224.f32"));
        for (Divisors d : Divisors.values()) assertSameOutput(m, input, d, "ViT-Tiny");
    }

    /** Q, K and V rotated per head, proj undoing V's rotation: the same function in fp32. */
    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"})
    void rotatedAttention(String name) throws URISyntaxException {
        Path dir = Path.of(FloatOutputUnchangedTest.class.getResource("/fixtures/timm/" + name).toURI());
        LoadedModel m = ModelLoader.load(dir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
        assertRotationKeepsOutput(m, Floats.read(dir.resolve("input.f32")), name);
    }

    @Test
    void rotatedAttentionRealVitTiny() {
        LoadedModel m = ModelLoader.load(SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors").toString(),
                ModelLoader.Hints.NONE);
        assertRotationKeepsOutput(m, Floats.read(SharedData.require("golden").resolve("golden_tench_input_1x3x224x224.f32")), "ViT-Tiny");
    }

    private static void assertRotationKeepsOutput(LoadedModel m, float[] input, String name) {
        VitConfig c = m.definition().config();
        assertEquals(1, Integer.bitCount(c.embedDim() / c.numHeads()), name + ": the head width is a power of two, so the weights do change");
        ModelWeights rotated = AttentionRotation.apply(c, m.weights());
        assertFalse(Arrays.equals(m.weights().get("blocks.0.attn.qkv.weight").data(), rotated.get("blocks.0.attn.qkv.weight").data()));
        int batch = input.length / (c.inChans() * c.imgSize() * c.imgSize());
        try (CpuBackend cpu = new CpuBackend(2);
             VisionTransformer original = new VisionTransformer(c, m.weights(), cpu);
             VisionTransformer changed = new VisionTransformer(c, rotated, cpu)) {
            VisionTransformer.Output want = original.forward(input, batch), got = changed.forward(input, batch);
            assertScaledClose(want.logits(), got.logits(), name + " rotated attention logits");
            assertScaledClose(want.features(), got.features(), name + " rotated attention features");
        }
    }

    private static void assertSameOutput(LoadedModel m, float[] input, Divisors divisors, String name) {
        VitConfig c = m.definition().config();
        int batch = input.length / (c.inChans() * c.imgSize() * c.imgSize());
        ModelWeights reparameterised = LayerNormReparameterizer.apply(c, m.weights(), divisors.draw(c, 7));
        try (CpuBackend cpu = new CpuBackend(2);
             VisionTransformer original = new VisionTransformer(c, m.weights(), cpu);
             VisionTransformer changed = new VisionTransformer(c, reparameterised, cpu)) {
            VisionTransformer.Output want = original.forward(input, batch), got = changed.forward(input, batch);
            assertScaledClose(want.logits(), got.logits(), name + " " + divisors + " logits");
            assertScaledClose(want.features(), got.features(), name + " " + divisors + " features");
        }
    }

    private static void assertScaledClose(float[] want, float[] got, String what) {
        double scale = 0;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        System.out.printf("%s: max abs difference %.3g, %.3g of the largest magnitude %.3g%n", what,
                Floats.maxAbsDiff(want, got), Floats.maxAbsDiff(want, got) / scale, scale);
        Floats.assertClose(want, got, TOLERANCE * scale, 0, what);
    }
}
