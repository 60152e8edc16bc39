package io.qvit.quant.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.testsupport.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real ViT-Tiny at w8a8, calibrated on the first 32 images of imagenet-samples, against fp32 on
 * the next 200, a subset that runs in a minute or two. The target (at most 1.0 point lost)
 * is measured on all 1000 and the other 968 by {@link QuantAccuracy}, where w8a8 loses 0.40 and
 * 0.52; on this subset one image is half a point and it loses 2.0 (173 against 169), so the guard
 * here is 2.5 points: it catches a broken site (which costs tens of points), not the last point.
 */
class RealW8a8AccuracyTest {
    private static final int EVALUATED = 200;

    @Test
    void w8a8StaysNearFp32() {
        Path labels = SharedData.require("imagenet-samples/labels.csv");
        LoadedModel model = ModelLoader.load(SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors").toString(),
                ModelLoader.Hints.NONE);
        List<Sample> all = Datasets.fromArguments(List.of(labels.toString()));
        List<Sample> calib = all.subList(0, Calibrator.DEFAULT_IMAGES);
        List<Sample> eval = all.subList(Calibrator.DEFAULT_IMAGES, Calibrator.DEFAULT_IMAGES + EVALUATED);
        try (CpuBackend cpu = new CpuBackend()) {
            int fp32 = QuantAccuracy.count(QuantAccuracy.correct(model, QuantConfig.preset("fp32"), calib, eval, cpu), 0);
            int w8a8 = QuantAccuracy.count(QuantAccuracy.correct(model, QuantConfig.preset("w8a8"), calib, eval, cpu), 0);
            System.out.printf("ViT-Tiny on %d images: fp32 %d, w8a8 %d correct%n", EVALUATED, fp32, w8a8);
            assertTrue(fp32 - w8a8 <= 2.5 * EVALUATED / 100, "w8a8 " + w8a8 + " against fp32 " + fp32 + " of " + EVALUATED);
        }
    }
}
