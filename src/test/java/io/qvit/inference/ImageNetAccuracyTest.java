package io.qvit.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.testsupport.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real ViT-Tiny, read from its .safetensors and from its .pth, on the 1000 labelled images of
 * ../shared/data/imagenet-samples with its own pretrained_cfg: top-1 at least 81.5%, and the two
 * files give bit-identical logits.
 */
class ImageNetAccuracyTest {
    private static final String MODEL = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k";

    @Test
    void vitTinyReachesItsAccuracyFromBothCheckpointFormats() {
        Path labels = SharedData.require("imagenet-samples/labels.csv");
        List<Sample> samples = Datasets.fromArguments(List.of(labels.toString()));
        assertEquals(1000, samples.size());
        List<float[]> fromSafetensors = logits(SharedData.require(MODEL + ".safetensors"), samples);
        List<float[]> fromPth = logits(SharedData.require(MODEL + ".pth"), samples);
        int hits = 0;
        for (int i = 0; i < samples.size(); i++) {
            assertArrayEquals(fromSafetensors.get(i), fromPth.get(i), "logits of " + samples.get(i).file());
            if (TopK.of(fromSafetensors.get(i), 0, 1000, 1).top1() == samples.get(i).label()) hits++;
        }
        double top1 = hits / (double) samples.size();
        System.out.printf("ViT-Tiny top-1 on imagenet-samples: %.2f%% (%d of %d)%n", 100 * top1, hits, samples.size());
        assertTrue(top1 >= 0.815, "top-1 " + top1 + " < 0.815");
    }

    private static List<float[]> logits(Path weights, List<Sample> samples) {
        LoadedModel m = ModelLoader.load(weights.toString(), ModelLoader.Hints.NONE);
        List<float[]> out = new ArrayList<>();
        try (CpuBackend cpu = new CpuBackend(); Classifier c = new Classifier(m, cpu)) {
            List<ImageBatches.Failure> failures = c.run(samples, 50, 1, (batch, o) -> {
                for (int i = 0; i < batch.samples().size(); i++)
                    out.add(java.util.Arrays.copyOfRange(o.logits(), i * 1000, (i + 1) * 1000));
            });
            assertEquals(List.of(), failures, "every sample image decodes");
        }
        return out;
    }
}
