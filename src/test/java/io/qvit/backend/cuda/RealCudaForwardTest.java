package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.model.VisionTransformer;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.testsupport.Floats;
import io.qvit.testsupport.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ViT-Tiny (the real AugReg weights) on the CUDA backend's kernels, executed by the PTX emulator,
 * against the CPU backend on real ImageNet images: the golden tench logits within 1e-3 of PyTorch's;
 * fp32 with the CPU's top-1 and logits within 1e-4 of the largest; converted w8a8 and w4a4 models
 * (calibrated on the CPU on the first 32 images), every op bit-identical. Skipped without
 * ../shared/data. The emulator runs ViT-Tiny at about a minute of one core per image, so CI takes
 * {@code qvit.emu.images} images per case (default 2); {@code -Dqvit.emu.images=16} is the full check,
 * {@code -Dqvit.emu.presets=w4a4} one preset of it.
 */
class RealCudaForwardTest {
    private static final String WEIGHTS = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors";
    private static final int IMAGES = Integer.getInteger("qvit.emu.images", 2);

    @Test
    void goldenTench() {
        Path golden = SharedData.require("golden");
        LoadedModel m = ModelLoader.load(SharedData.require(WEIGHTS).toString(), ModelLoader.Hints.NONE);
        try (Backend emu = Device.EMU.open(2); VisionTransformer vit = new VisionTransformer(m.definition().config(), m.weights(), emu)) {
            VisionTransformer.Output out = vit.forward(Floats.read(golden.resolve("golden_tench_input_1x3x224x224.f32")), 1);
            double err = Floats.maxAbsDiff(Floats.read(golden.resolve("golden_tench_logits_1x1000.f32")), out.logits());
            System.out.printf("golden tench on the emulator: max abs logit error %.3g%n", err);
            assertTrue(err <= 1e-3, "max abs error of the logits " + err + " > 1e-3");
        }
    }

    @Test
    void fp32() {
        LoadedModel m = ModelLoader.load(SharedData.require(WEIGHTS).toString(), ModelLoader.Hints.NONE);
        List<Sample> images = Datasets.fromArguments(List.of(SharedData.require("imagenet-samples/labels.csv").toString())).subList(32, 32 + IMAGES);
        List<float[]> cpu, emu;
        try (Backend b = Device.CPU.open(2); Classifier c = new Classifier(m, b)) {
            cpu = logits(c, images);
        }
        try (Backend b = Device.EMU.open(2); Classifier c = new Classifier(m, b)) {
            emu = logits(c, images);
        }
        double worst = 0;
        for (int i = 0; i < images.size(); i++) {
            float[] a = cpu.get(i), b = emu.get(i);
            assertEquals(TopK.of(a, 0, a.length, 1).top1(), TopK.of(b, 0, b.length, 1).top1(), "top-1 of " + images.get(i));
            double max = 0;
            for (float v : a) max = Math.max(max, Math.abs(v));
            for (int j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / max);
        }
        System.out.printf("ViT-Tiny fp32 on the emulator, %d images: largest logit difference %.3g of the largest logit%n", images.size(), worst);
        assertTrue(worst <= 1e-4, "largest relative logit difference " + worst);
    }

    /** The integer presets to run, {@code qvit.emu.presets} (comma-separated; default w8a8 and w4a4). */
    static List<String> presets() {
        return List.of(System.getProperty("qvit.emu.presets", "w8a8,w4a4").split(","));
    }

    @ParameterizedTest
    @MethodSource("presets")
    void integerBitIdentical(String preset) {
        LoadedModel m = ModelLoader.load(SharedData.require(WEIGHTS).toString(), ModelLoader.Hints.NONE);
        List<Sample> all = Datasets.fromArguments(List.of(SharedData.require("imagenet-samples/labels.csv").toString()));
        List<Sample> images = all.subList(32, 32 + IMAGES);
        QuantizedModel packed;
        try (Backend b = Device.CPU.open(2)) {
            packed = QuantizedModel.pack(Calibrator.calibrate(m, QuantConfig.preset(preset), all.subList(0, Calibrator.DEFAULT_IMAGES), b));
        }
        try (Lockstep b = new Lockstep(Device.CPU.open(2), Device.EMU.open(2)); Classifier c = QuantizedVit.classifier(m.definition(), packed, b)) {
            logits(c, images);
            System.out.printf("ViT-Tiny %s on the emulator, %d images: %d ops departed from the CPU's%n", preset, images.size(), b.departures().size());
            assertEquals(List.of(), b.departures(), "ops whose CUDA outputs differ from the CPU's");
        }
    }

    private static List<float[]> logits(Classifier c, List<Sample> images) {
        List<float[]> out = new ArrayList<>();
        var failures = c.run(images, 8, 1, (batch, o) -> {
            int classes = o.logits().length / batch.samples().size();
            for (int i = 0; i < batch.samples().size(); i++) out.add(Arrays.copyOfRange(o.logits(), i * classes, (i + 1) * classes));
        });
        assertEquals(List.of(), failures);
        return out;
    }
}
