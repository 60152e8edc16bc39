package io.qvit.quant.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.model.VisionTransformer;
import io.qvit.testsupport.SharedData;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real ViT-Tiny, integer execution against the fake-quant simulation on real images (the 64
 * after the 32 calibration images of imagenet-samples), at w8a8 and w4a4: the same logits bit for
 * bit, so the same top-1 everywhere. (Before the simulation summed codes exactly, it dequantized
 * first: same top-1 on 47 of 64 images at w4a4, logits 0.55 apart.) The whole set of 1000:
 * {@code QuantAccuracy --agreement}.
 */
class RealIntegerAgreementTest {
    private static final int IMAGES = 64;

    @ParameterizedTest
    @ValueSource(strings = {"w8a8", "w4a4"})
    void integerEqualsFakeQuant(String preset) {
        LoadedModel model = ModelLoader.load(SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors").toString(),
                ModelLoader.Hints.NONE);
        List<Sample> all = Datasets.fromArguments(List.of(SharedData.require("imagenet-samples/labels.csv").toString()));
        List<Sample> eval = all.subList(Calibrator.DEFAULT_IMAGES, Calibrator.DEFAULT_IMAGES + IMAGES);
        float[] images;
        try (ImageBatches b = new ImageBatches(eval, new EvalTransform(model.definition().pretrained().preprocessing()), IMAGES, 2)) {
            images = b.iterator().next().data();
        }
        try (CpuBackend cpu = new CpuBackend()) {
            CalibratedModel cal = Calibrator.calibrate(model, QuantConfig.preset(preset), all.subList(0, Calibrator.DEFAULT_IMAGES), cpu);
            try (VisionTransformer f = QuantizedVit.simulate(cal, cpu); VisionTransformer i = QuantizedVit.of(QuantizedModel.pack(cal), cpu)) {
                VisionTransformer.Output fake = f.forward(images.clone(), IMAGES), integer = i.forward(images.clone(), IMAGES);
                assertArrayEquals(fake.logits(), integer.logits(), preset + " logits");
                assertArrayEquals(fake.features(), integer.features(), preset + " features");
            }
        }
    }
}
