package io.qvit.quant.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.testsupport.Floats;
import io.qvit.testsupport.SafetensorsEdit;
import io.qvit.testsupport.TestRandom;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each {@link QuantMethod}'s choices on tiny random ViTs calibrated on fresh random images, and the method's round trip through converted files. */
class QuantMethodTest {
    private static final VitConfig CFG = TinyConvertedModel.VIT;
    private static final int COUNT = 4;
    private static final double[] PERCENTILES = {0.999, 0.9999, 0.99999};

    private static float[] images(SplittableRandom rnd) {
        return TestRandom.uniform(rnd, COUNT * CFG.inChans() * CFG.imgSize() * CFG.imgSize(), 2f);
    }

    private static CalibratedModel calibrate(QuantMethod method, String preset, ModelWeights w, float[] images, CpuBackend cpu) {
        return Calibrator.calibrate(CFG, w, QuantConfig.preset(preset).with(method), images, COUNT, cpu);
    }

    /** Under repq and minmax every activation has one calibrated range (the patch input's at 8 bits), nothing is transformed, the patch embedding is at the weight bits. */
    @ParameterizedTest
    @EnumSource(value = QuantMethod.class, names = {"REPQ", "MINMAX"})
    void staticMethodsRangeEveryActivationOnce(QuantMethod method) {
        SplittableRandom rnd = TestRandom.random("static " + method);
        try (CpuBackend cpu = new CpuBackend(1)) {
            CalibratedModel m = calibrate(method, "w4a4", ModelWeights.random(CFG, rnd.nextLong()), images(rnd), cpu);
            Set<ActivationKey> expected = new HashSet<>(Set.of(ActivationKey.global(Site.PATCH_INPUT), ActivationKey.global(Site.HEAD_INPUT)));
            for (int b = 0; b < CFG.depth(); b++)
                for (Site s : new Site[] {Site.QKV_INPUT, Site.Q, Site.K, Site.V, Site.PROBS, Site.PROJ_INPUT, Site.FC1_INPUT, Site.FC2_INPUT})
                    expected.add(new ActivationKey(b, s));
            assertEquals(expected, m.activationParams().keySet(), method + TestRandom.seedNote());
            m.activationParams().forEach((key, p) -> assertEquals(key.site() == Site.PATCH_INPUT ? 8 : 4, p.format().bits(), key.toString()));
            assertTrue(m.transforms().isEmpty(), "no input transforms");
            for (String name : WeightLayer.weightNames(CFG)) {
                QuantFormat f = m.weightParams().get(name).format();
                assertEquals(4, f.bits(), name);
                assertEquals(method == QuantMethod.MINMAX, f.symmetric(), name + ": repq's weights are asymmetric, minmax's symmetric");
            }
        }
    }

    /** minmax: each weight row at its own max |w|, the patch input (the first quantizer, seeing the images) at the images' min-max range. */
    @Test
    void minmaxTakesMinMaxRanges() {
        SplittableRandom rnd = TestRandom.random("minmax ranges");
        ModelWeights w = ModelWeights.random(CFG, rnd.nextLong());
        float[] images = images(rnd);
        try (CpuBackend cpu = new CpuBackend(1)) {
            CalibratedModel m = calibrate(QuantMethod.MINMAX, "w6a6", w, images, cpu);
            for (String name : WeightLayer.weightNames(CFG)) {
                float[] data = w.get(name).data();
                int rows = w.get(name).shape()[0], cols = data.length / rows;
                QuantParams p = m.weightParams().get(name);
                for (int r = 0; r < rows; r++) {
                    double max = 0;
                    for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(data[r * cols + c]));
                    assertEquals(max / 31, p.scaleOfRow(r), 1e-6 * max, name + " row " + r + TestRandom.seedNote());
                    assertEquals(0, p.zeroPointOfRow(r), name + " row " + r);
                }
            }
            double lo = 0, hi = 0;
            for (float x : images) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            QuantParams patch = m.activationParams().get(ActivationKey.global(Site.PATCH_INPUT));
            double scale = (hi - lo) / 255;
            assertEquals(scale, patch.scaleOfRow(0), 1e-6 * scale, "patch input scale" + TestRandom.seedNote());
            assertEquals(Math.rint(-lo / scale), patch.zeroPointOfRow(0), "patch input zero point");
        }
    }

    /**
     * repq: each weight row's range is one of RepQ-ViT's percentile candidates (linear-interpolated
     * quantiles, computed here from the sorted row) and none of the others has a smaller squared
     * error; the reparameterised weights compute the fp32 model's logits (within float rounding:
     * 1e-4 of the largest logit).
     */
    @Test
    void repqSearchesPercentilesAndKeepsTheFloatModel() {
        SplittableRandom rnd = TestRandom.random("repq");
        ModelWeights w = ModelWeights.random(CFG, rnd.nextLong());
        float[] images = images(rnd);
        try (CpuBackend cpu = new CpuBackend(1)) {
            CalibratedModel m = calibrate(QuantMethod.REPQ, "w4a4", w, images, cpu);
            for (String name : new String[] {"patch_embed.proj.weight", "blocks.1.attn.proj.weight", "blocks.0.mlp.fc2.weight", "head.weight"}) {
                float[] data = w.get(name).data();
                int rows = w.get(name).shape()[0], cols = data.length / rows;
                QuantParams p = m.weightParams().get(name);
                for (int r = 0; r < rows; r++) {
                    float[] row = Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
                    double best = Double.POSITIVE_INFINITY, chosen = Double.NaN;
                    for (double pct : PERCENTILES) {
                        double lo = quantile(row, 1 - pct), hi = quantile(row, pct), delta = (hi - lo) / 15, zero = Math.rint(-lo / delta);
                        double err = error(row, delta, zero);
                        best = Math.min(best, err);
                        if (Math.abs(delta - p.scaleOfRow(r)) <= 1e-5 * delta && zero == p.zeroPointOfRow(r)) chosen = err;
                    }
                    assertTrue(!Double.isNaN(chosen), name + " row " + r + ": scale " + p.scaleOfRow(r) + " is no candidate's" + TestRandom.seedNote());
                    assertTrue(chosen <= best * (1 + 1e-6), name + " row " + r + ": a candidate has a smaller error" + TestRandom.seedNote());
                }
            }
            float[] expected = fp32(w, images, cpu), actual = fp32(m.weights(), images, cpu);
            double max = 0;
            for (float v : expected) max = Math.max(max, Math.abs(v));
            assertTrue(Floats.maxAbsDiff(expected, actual) <= 1e-4 * max, "reparameterised logits differ by " + Floats.maxAbsDiff(expected, actual)
                    + " of max " + max + TestRandom.seedNote());
        }
    }

    /** At 8 bits each method's integer model stays near fp32: within 5% of the largest logit. */
    @ParameterizedTest
    @EnumSource(QuantMethod.class)
    void w8a8IsCloseToFp32(QuantMethod method) {
        SplittableRandom rnd = TestRandom.random("w8a8 " + method);
        ModelWeights w = ModelWeights.random(CFG, rnd.nextLong());
        float[] images = images(rnd);
        try (CpuBackend cpu = new CpuBackend(1)) {
            CalibratedModel m = calibrate(method, "w8a8", w, images, cpu);
            float[] expected = fp32(w, images, cpu), actual;
            try (VisionTransformer vit = QuantizedVit.simulate(m, cpu)) {
                actual = vit.forward(images.clone(), COUNT).logits();
            }
            double max = 0;
            for (float v : expected) max = Math.max(max, Math.abs(v));
            double err = Floats.maxAbsDiff(expected, actual);
            assertTrue(err <= 0.05 * max && err > 0, method + ": logits differ by " + err + " of max " + max + TestRandom.seedNote());
        }
    }

    /** The method goes into a converted file and comes back; the loaded model computes the packed one's logits bit for bit. */
    @ParameterizedTest
    @EnumSource(QuantMethod.class)
    void methodRoundTripsThroughConvertedFiles(QuantMethod method, @TempDir Path dir) throws Exception {
        SplittableRandom rnd = TestRandom.random("round trip " + method);
        float[] images = images(rnd);
        Path file = dir.resolve("m.safetensors");
        QuantizedModel written = convert(method, rnd.nextLong(), images, file);
        QuantizedModelFile.Contents read = QuantizedModelFile.read(file);
        assertEquals(written.quant(), read.model().quant());
        assertEquals(method.id(), read.metadata().get("qvit.method"));
        float[] test = images(rnd);
        try (CpuBackend cpu = new CpuBackend(1); VisionTransformer a = QuantizedVit.of(written, cpu); VisionTransformer b = QuantizedVit.of(read.model(), cpu)) {
            Floats.assertSameFloats(a.forward(test.clone(), COUNT).logits(), b.forward(test.clone(), COUNT).logits(), method + " logits");
        }
    }

    /** A file written before the method was stored (no qvit.method) is qvit's; an unknown method is refused by name. */
    @Test
    void fileWithoutMethodIsQvitsAndUnknownMethodIsRefused(@TempDir Path dir) throws Exception {
        SplittableRandom rnd = TestRandom.random("no method");
        Path file = dir.resolve("m.safetensors");
        convert(QuantMethod.QVIT, rnd.nextLong(), images(rnd), file);
        SafetensorsEdit old = SafetensorsEdit.of(file);
        old.metadata().remove("qvit.method");
        assertEquals(QuantMethod.QVIT, QuantizedModelFile.read(old.write(dir.resolve("old.safetensors"))).model().quant().method());
        Path bogus = SafetensorsEdit.of(file).setMetadata("qvit.method", "gptq").write(dir.resolve("bogus.safetensors"));
        QvitException e = assertThrows(QvitException.class, () -> QuantizedModelFile.read(bogus));
        assertTrue(e.getMessage().contains("qvit.method") && e.getMessage().contains("gptq"), e.getMessage());
    }

    private static QuantizedModel convert(QuantMethod method, long seed, float[] images, Path file) {
        try (CpuBackend cpu = new CpuBackend(1)) {
            QuantizedModel m = QuantizedModel.pack(calibrate(method, "w4a4", ModelWeights.random(CFG, seed), images, cpu));
            QuantizedModelFile.write(file, TinyConvertedModel.definition(CFG), m, Map.of());
            return m;
        }
    }

    private static float[] fp32(ModelWeights w, float[] images, CpuBackend cpu) {
        try (VisionTransformer vit = new VisionTransformer(CFG, w, cpu)) {
            return vit.forward(images.clone(), COUNT).logits();
        }
    }

    /** numpy's default (linear) quantile, in double. */
    private static double quantile(float[] values, double p) {
        double[] s = new double[values.length];
        for (int i = 0; i < s.length; i++) s[i] = values[i];
        Arrays.sort(s);
        double h = (s.length - 1) * p;
        int i = (int) Math.floor(h);
        return i + 1 < s.length ? s[i] + (h - i) * (s[i + 1] - s[i]) : s[i];
    }

    /** Squared error of RepQ-ViT's 4-bit fake quantization at (delta, zero). */
    private static double error(float[] x, double delta, double zero) {
        double sum = 0;
        for (float v : x) {
            double q = Math.min(Math.max(Math.rint(v / delta) + zero, 0), 15);
            sum += Math.pow((q - zero) * delta - v, 2);
        }
        return sum;
    }
}
