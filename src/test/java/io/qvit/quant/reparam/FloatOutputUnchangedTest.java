package io.qvit.quant.reparam;

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
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In float32, without quantization, the reparameterised model computes what the original does:
 * the next linear layer undoes the LayerNorm's new affine parameters exactly in real arithmetic.
 */
class FloatOutputUnchangedTest {
    /**
     * Relative to each output's largest magnitude: what is left is fp32 rounding of the moved
     * parameters and of the shifted activations {@code x + s ⊙ r2} (larger than x) before the next
     * layer's bias cancels the shift, a few ulps per block. An element-wise relative bound would not
     * hold: the real model's logits near zero carry the same absolute error as the large ones.
     */
    private static final double TOLERANCE = 1e-5;

    /** How calibration could range a post-LayerNorm activation at 4 and at 8 bits. */
    enum Ranges {
        /** Scales log-uniform over [0.01, 1] (two orders of magnitude), zero points uniform over [0, 15]. */
        FOUR_BIT(1, 16),
        /** Scales log-uniform over [0.001, 0.1], zero points uniform over [0, 255]. */
        EIGHT_BIT(0.1, 256);

        final double maxScale;
        final int codes;

        Ranges(double maxScale, int codes) {
            this.maxScale = maxScale;
            this.codes = codes;
        }

        Map<NormSite, ChannelQuantRange> draw(VitConfig c, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Map<NormSite, ChannelQuantRange> ranges = new HashMap<>();
            for (NormSite site : NormSite.all(c)) {
                float[] s = new float[c.embedDim()], z = new float[c.embedDim()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (maxScale * Math.pow(10, -2 * rnd.nextDouble()));
                    z[i] = rnd.nextInt(codes);
                }
                ranges.put(site, new ChannelQuantRange(s, z));
            }
            return ranges;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"})
    void timmFixtures(String name) throws URISyntaxException {
        Path dir = Path.of(FloatOutputUnchangedTest.class.getResource("/fixtures/timm/" + name).toURI());
        LoadedModel m = ModelLoader.load(dir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
        float[] input = Floats.read(dir.resolve("input.f32"));
        for (Ranges r : Ranges.values()) assertSameOutput(m, input, r, name);
    }

    @Test
    void realVitTiny() {
        Path weights = SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors");
        Path golden = SharedData.require("golden");
        LoadedModel m = ModelLoader.load(weights.toString(), ModelLoader.Hints.NONE);
        float[] input = Floats.read(golden.resolve("golden_tench_input_1x3x224x224.f32"));
        for (Ranges r : Ranges.values()) assertSameOutput(m, input, r, "ViT-Tiny");
    }

    private static void assertSameOutput(LoadedModel m, float[] input, Ranges ranges, String name) {
        VitConfig c = m.definition().config();
        int batch = input.length / (c.inChans() * c.imgSize() * c.imgSize());
        ModelWeights reparameterised = LayerNormReparameterizer.apply(c, m.weights(), ranges.draw(c, 7)).weights();
        try (CpuBackend cpu = new CpuBackend(2);
             VisionTransformer original = new VisionTransformer(c, m.weights(), cpu);
             VisionTransformer changed = new VisionTransformer(c, reparameterised, cpu)) {
            VisionTransformer.Output want = original.forward(input, batch), got = changed.forward(input, batch);
            assertScaledClose(want.logits(), got.logits(), name + " " + ranges + " logits");
            assertScaledClose(want.features(), got.features(), name + " " + ranges + " features");
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
