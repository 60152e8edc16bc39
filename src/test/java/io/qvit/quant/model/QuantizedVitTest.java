package io.qvit.quant.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.testsupport.Floats;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The quantized models (QuantizedVit.simulate) on the timm fixtures (random weights, 3 images each), calibrated on their inputs. */
class QuantizedVitTest {
    private static final String[] FIXTURES = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"};

    private record Fixture(LoadedModel model, float[] input, int batch) {
        VitConfig config() {
            return model.definition().config();
        }
    }

    private static Fixture fixture(String name) throws URISyntaxException {
        Path dir = Path.of(QuantizedVitTest.class.getResource("/fixtures/timm/" + name).toURI());
        LoadedModel m = ModelLoader.load(dir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
        float[] input = Floats.read(dir.resolve("input.f32"));
        VitConfig c = m.definition().config();
        return new Fixture(m, input, input.length / (c.inChans() * c.imgSize() * c.imgSize()));
    }

    private static VisionTransformer.Output run(Fixture f, QuantConfig q, CpuBackend cpu) {
        CalibratedModel cal = Calibrator.calibrate(f.config(), f.model().weights(), q, f.input(), f.batch(), cpu);
        try (VisionTransformer m = QuantizedVit.simulate(cal, cpu)) {
            return m.forward(f.input().clone(), f.batch());
        }
    }

    private static VisionTransformer.Output fp32(Fixture f, CpuBackend cpu) {
        try (VisionTransformer vit = new VisionTransformer(f.config(), f.model().weights(), cpu)) {
            return vit.forward(f.input().clone(), f.batch());
        }
    }

    /** With nothing quantized, the simulation is the fp32 model itself. */
    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"})
    void fp32PresetIsTheFloatModel(String name) throws URISyntaxException {
        Fixture f = fixture(name);
        try (CpuBackend cpu = new CpuBackend()) {
            VisionTransformer.Output expected = fp32(f, cpu), actual = run(f, QuantConfig.preset("fp32"), cpu);
            assertArrayEquals(expected.logits(), actual.logits(), name + " logits");
            assertArrayEquals(expected.features(), actual.features(), name + " features");
        }
    }

    /**
     * A setting with float weights or float activations runs as the fake-quant simulation (the other
     * side quantized then dequantized on the host) and stays near fp32 at 8 bits, as w8a8 does.
     */
    @ParameterizedTest
    @CsvSource({"32,8", "8,32"})
    void mixedSettingsAreSimulated(int w, int a) throws URISyntaxException {
        Fixture f = fixture(FIXTURES[2]);
        try (CpuBackend cpu = new CpuBackend()) {
            float[] expected = fp32(f, cpu).logits(), actual = run(f, new QuantConfig(w, a, 8, 8), cpu).logits();
            double scale = 0;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            double err = Floats.maxAbsDiff(expected, actual);
            assertTrue(err <= 0.05 * scale, "w" + w + "a" + a + ": logits differ by " + err + ", max |logit| " + scale);
            assertTrue(err > 0, "w" + w + "a" + a + " quantizes something");
        }
    }

    /**
     * Everything at 8 bits (weights, activations, Q/K/V, log-sqrt(2) probabilities) stays near fp32:
     * within 5% of the largest logit. Far looser than the quantization noise of one tensor, far
     * tighter than a broken site (a wrong scale or a missed reparameterisation moves logits by O(1)).
     */
    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_patch8_32", "deit3_micro_patch8_32", "deit_micro_distilled_patch8_32"})
    void w8a8IsCloseToFp32(String name) throws URISyntaxException {
        Fixture f = fixture(name);
        try (CpuBackend cpu = new CpuBackend()) {
            float[] expected = fp32(f, cpu).logits(), actual = run(f, QuantConfig.preset("w8a8"), cpu).logits();
            double scale = 0;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            double err = Floats.maxAbsDiff(expected, actual);
            System.out.printf("%s w8a8: max |logit error| %.4g of max |logit| %.4g%n", name, err, scale);
            assertTrue(err <= 0.05 * scale, name + ": w8a8 logits differ by " + err + ", max |logit| " + scale);
        }
    }

    /** Each group of tensors is quantized where its bits say so, and only there. */
    @Test
    void quantizedTensorsFollowTheConfig() throws URISyntaxException {
        Fixture f = fixture(FIXTURES[2]);
        VitConfig c = f.config();
        try (CpuBackend cpu = new CpuBackend()) {
            CalibratedModel all = Calibrator.calibrate(c, f.model().weights(), QuantConfig.preset("w4a4"), f.input(), f.batch(), cpu);
            assertEquals(2 + 4 * c.depth() + 1, all.weightParams().size(), "patch, 4 per block, head, head_dist");
            assertEquals(1 + c.depth(), all.activationParams().size(), "patch input, then V per block: the static sites");
            for (ActivationKey key : all.activationParams().keySet()) assertFalse(key.site().dynamic(all.quant()), key + " is ranged per row as it runs");
            assertEquals(8, all.activationParams().get(ActivationKey.global(Site.PATCH_INPUT)).format().bits());
            assertEquals(4, all.activationParams().get(new ActivationKey(0, Site.V)).format().bits());
            assertEquals(4, all.weightParams().get("head.weight").format().bits());
            assertEquals(QuantConfig.PATCH_WEIGHT_BITS, all.weightParams().get("patch_embed.proj.weight").format().bits());

            CalibratedModel weightsOnly = Calibrator.calibrate(c, f.model().weights(), new QuantConfig(4, 32, 32, 32), f.input(), f.batch(), cpu);
            assertEquals(all.weightParams().keySet(), weightsOnly.weightParams().keySet());
            assertTrue(weightsOnly.activationParams().isEmpty() && weightsOnly.transforms().isEmpty());

            CalibratedModel attentionOnly = Calibrator.calibrate(c, f.model().weights(), new QuantConfig(32, 32, 6, 32), f.input(), f.batch(), cpu);
            Set<Site> sites = attentionOnly.activationParams().keySet().stream().map(ActivationKey::site).collect(Collectors.toSet());
            assertEquals(EnumSet.of(Site.V), sites, "Q and K are dynamic");
            assertTrue(attentionOnly.weightParams().isEmpty());
        }
    }

    @Test
    void nanImageIsAClearError() throws URISyntaxException {
        Fixture f = fixture(FIXTURES[0]);
        try (CpuBackend cpu = new CpuBackend()) {
            CalibratedModel cal = Calibrator.calibrate(f.config(), f.model().weights(), QuantConfig.preset("w8a8"), f.input(), f.batch(), cpu);
            float[] bad = f.input().clone();
            bad[bad.length - 5] = Float.NaN;
            try (VisionTransformer m = QuantizedVit.simulate(cal, cpu)) {
                QvitException e = assertThrows(QvitException.class, () -> m.forward(bad, f.batch()));
                assertTrue(e.getMessage().contains("image " + (f.batch() - 1) + " of the batch has a NaN"), e.getMessage());
            }
            assertThrows(QvitException.class, () -> Calibrator.calibrate(f.config(), f.model().weights(), QuantConfig.preset("w8a8"), bad, f.batch(), cpu));
        }
    }

    @Test
    void unknownPresetListsThePresets() {
        QvitException e = assertThrows(QvitException.class, () -> QuantConfig.preset("w3a3"));
        assertEquals("unknown quantization preset 'w3a3'; presets: fp32, w8a8, w6a6, w4a8, w8a4, w4a4", e.getMessage());
        assertThrows(QvitException.class, () -> new QuantConfig(8, 1, 8, 8));
        assertThrows(QvitException.class, () -> new QuantConfig(16, 8, 8, 8));
    }
}
