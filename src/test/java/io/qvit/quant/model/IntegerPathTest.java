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
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.testsupport.TestRandom;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Integer execution against the fake-quant simulation on the timm fixtures' random models, with
 * fresh random images, at every integer preset: the same logits and features bit for bit. The
 * simulation sums the same codes with the float GEMM (exact: small integers) and dequantizes in the
 * same epilogue, so any difference is a bug in one of them.
 */
class IntegerPathTest {
    private static final int IMAGES = 6;

    @ParameterizedTest
    @CsvSource({"vit_micro_patch8_32,w8a8", "vit_micro_patch8_32,w4a4", "deit3_micro_patch8_32,w6a6",
            "deit_micro_distilled_patch8_32,w4a8", "deit_micro_distilled_patch8_32,w8a4"})
    void integerAgreesWithFakeQuant(String name, String preset) throws URISyntaxException {
        LoadedModel m = fixture(name);
        VitConfig c = m.definition().config();
        SplittableRandom random = TestRandom.random("IntegerPathTest");
        float[] calib = images(c, IMAGES, random), eval = images(c, IMAGES, random);
        try (CpuBackend cpu = new CpuBackend()) {
            CalibratedModel cal = Calibrator.calibrate(c, m.weights(), QuantConfig.preset(preset), calib, IMAGES, cpu);
            QuantizedModel packed = QuantizedModel.pack(cal);
            VisionTransformer.Output fake, integer;
            try (VisionTransformer f = QuantizedVit.simulate(cal, cpu); VisionTransformer i = QuantizedVit.of(packed, cpu)) {
                fake = f.forward(eval.clone(), IMAGES);
                integer = i.forward(eval.clone(), IMAGES);
            }
            assertArrayEquals(fake.logits(), integer.logits(), name + " " + preset + " logits");
            assertArrayEquals(fake.features(), integer.features(), name + " " + preset + " features");
        }
    }

    /** The packed model keeps no float copy of a quantized weight, and is the size its bits say. */
    @ParameterizedTest
    @CsvSource({"w4a4,4", "w8a8,8"})
    void packedModelHoldsCodesOnly(String preset, int bits) throws URISyntaxException {
        LoadedModel m = fixture("vit_micro_patch8_32");
        VitConfig c = m.definition().config();
        try (CpuBackend cpu = new CpuBackend()) {
            QuantizedModel q = QuantizedModel.pack(Calibrator.calibrate(c, m.weights(), QuantConfig.preset(preset), images(c, 2, TestRandom.random("IntegerPathTest")), 2, cpu));
            for (String name : WeightLayer.weightNames(c)) {
                assertFalse(q.floats().containsKey(name), name + " has a float copy");
                QuantizedModel.PackedWeight w = q.packed().get(name);
                int rows = w.codes().rows(), k = w.codes().k(), b = WeightLayer.bits(name, q.quant());
                // two codes a byte at 4 bits (a row of odd K takes one padding nibble), one at 8
                assertEquals(rows * (b == 4 ? (k + 1) / 2 : k), w.codes().data().length, name);
                assertEquals(name.startsWith("patch_embed") ? 8 : bits, b, name);
            }
            assertTrue(q.parameterBytes() < 4 * ModelWeights.parameterCount(c));
        }
    }

    @ParameterizedTest
    @CsvSource({"32,8", "8,32"})
    void floatWeightsOrActivationsCannotRunAsIntegers(int w, int a) throws URISyntaxException {
        LoadedModel m = fixture("vit_micro_patch8_32");
        VitConfig c = m.definition().config();
        try (CpuBackend cpu = new CpuBackend()) {
            CalibratedModel cal = Calibrator.calibrate(c, m.weights(), new QuantConfig(w, a, 8, 8), images(c, 2, TestRandom.random("IntegerPathTest")), 2, cpu);
            QvitException e = assertThrows(QvitException.class, () -> QuantizedModel.pack(cal));
            assertTrue(e.getMessage().contains("fake-quant"), e.getMessage());
        }
    }

    private static LoadedModel fixture(String name) throws URISyntaxException {
        Path dir = Path.of(IntegerPathTest.class.getResource("/fixtures/timm/" + name).toURI());
        return ModelLoader.load(dir.resolve("model.safetensors").toString(), ModelLoader.Hints.NONE);
    }

    /** Normalised-image-like values: roughly N(0, 1) with a few larger ones. */
    private static float[] images(VitConfig c, int n, SplittableRandom random) {
        float[] x = new float[n * c.inChans() * c.imgSize() * c.imgSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextGaussian() * (random.nextInt(50) == 0 ? 2.5 : 1));
        return x;
    }
}
