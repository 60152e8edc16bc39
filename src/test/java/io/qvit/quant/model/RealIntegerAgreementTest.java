package io.qvit.quant.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.model.VisionTransformer;
import io.qvit.testsupport.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real ViT-Tiny, integer execution against the fake-quant simulation on real images (the 64
 * after the 32 calibration images of imagenet-samples), at w8a8. The issue asks for the same top-1
 * on 99.9% of images and logits within 1e-3: not met. Measured: same top-1 on all 64, logits within
 * 7.6e-2 of each image's largest; at w4a4, same top-1 on 47 of 64, 0.55. The two paths compute the
 * same quantized function and differ in fp32 rounding only (exact int32 sums against float sums of
 * dequantized products); in this model a rounding-boundary crossing in the few tokens whose
 * activations are 100 times the rest, which every other token attends to, moves whole images.
 * This guards the w8a8 level reached; the target needs the simulation and the integer path to
 * round alike (see the closing note of issue 3).
 */
class RealIntegerAgreementTest {
    private static final int IMAGES = 64;

    @Test
    void integerAgreesWithFakeQuantAtW8a8() {
        String preset = "w8a8";
        LoadedModel model = ModelLoader.load(SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors").toString(),
                ModelLoader.Hints.NONE);
        List<Sample> all = Datasets.fromArguments(List.of(SharedData.require("imagenet-samples/labels.csv").toString()));
        List<Sample> eval = all.subList(Calibrator.DEFAULT_IMAGES, Calibrator.DEFAULT_IMAGES + IMAGES);
        float[] images;
        try (ImageBatches b = new ImageBatches(eval, new EvalTransform(model.definition().pretrained().preprocessing()), IMAGES, 2)) {
            images = b.iterator().next().data();
        }
        int classes = model.definition().config().numClasses();
        try (CpuBackend cpu = new CpuBackend()) {
            CalibratedModel cal = Calibrator.calibrate(model, QuantConfig.preset(preset), all.subList(0, Calibrator.DEFAULT_IMAGES), cpu);
            VisionTransformer.Output fake, integer;
            try (FakeQuantModel f = new FakeQuantModel(cal, cpu); IntegerModel i = new IntegerModel(QuantizedModel.pack(cal), cpu)) {
                fake = f.forward(images.clone(), IMAGES);
                integer = i.forward(images.clone(), IMAGES);
            }
            double worst = 0;
            int sameTop1 = 0;
            for (int img = 0; img < IMAGES; img++) {
                double max = 0, err = 0;
                for (int j = img * classes; j < (img + 1) * classes; j++) {
                    max = Math.max(max, Math.abs(fake.logits()[j]));
                    err = Math.max(err, Math.abs(fake.logits()[j] - integer.logits()[j]));
                }
                worst = Math.max(worst, err / max);
                if (TopK.of(fake.logits(), img * classes, classes, 1).top1() == TopK.of(integer.logits(), img * classes, classes, 1).top1())
                    sameTop1++;
            }
            System.out.printf("ViT-Tiny %s, %d images: same top-1 on %d, largest logit difference %.3g of the largest logit%n",
                    preset, IMAGES, sameTop1, worst);
            assertTrue(sameTop1 == IMAGES && worst <= 0.1, preset + ": same top-1 on " + sameTop1 + " of " + IMAGES + ", worst relative difference " + worst);
        }
    }
}
