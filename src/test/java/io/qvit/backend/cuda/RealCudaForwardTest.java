package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.check.ForwardParity;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.testsupport.Floats;
import io.qvit.testsupport.SharedData;
import java.nio.file.Path;
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
        double err = ForwardParity.largestError(m, Floats.read(golden.resolve("golden_tench_input_1x3x224x224.f32")),
                Floats.read(golden.resolve("golden_tench_logits_1x1000.f32")), Device.EMU, 2);
        System.out.printf("golden tench on the emulator: max abs logit error %.3g%n", err);
        assertTrue(err <= 1e-3, "max abs error of the logits " + err + " > 1e-3");
    }

    @Test
    void fp32() {
        LoadedModel m = ModelLoader.load(SharedData.require(WEIGHTS).toString(), ModelLoader.Hints.NONE);
        List<Sample> images = Datasets.fromArguments(List.of(SharedData.require("imagenet-samples/labels.csv").toString())).subList(32, 32 + IMAGES);
        ForwardParity.Agreement a = ForwardParity.fp32(m, images, Device.CPU, Device.EMU, 2);
        System.out.println("ViT-Tiny fp32 on the emulator against the CPU, " + a.summary());
        assertEquals(0, a.top1Differences(), "images whose top-1 differs");
        assertTrue(a.largestRelative() <= 1e-4, "largest relative logit difference " + a.largestRelative());
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
        QuantizedModel packed;
        try (Backend b = Device.CPU.open(2)) {
            packed = QuantizedModel.pack(Calibrator.calibrate(m, QuantConfig.preset(preset), all.subList(0, Calibrator.DEFAULT_IMAGES), b));
        }
        ForwardParity.Agreement a = ForwardParity.integer(m, packed, all.subList(32, 32 + IMAGES), Device.CPU, Device.EMU, 2);
        System.out.println("ViT-Tiny " + preset + " on the emulator against the CPU, " + a.summary());
        assertEquals(List.of(), a.departures(), "ops whose CUDA outputs differ from the CPU's");
    }
}
