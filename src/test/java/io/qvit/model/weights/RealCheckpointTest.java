package io.qvit.model.weights;

import static io.qvit.testsupport.Floats.assertSameFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.testsupport.SharedData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real ViT-Tiny weights as safetensors and as a torch.save zip: the two readers must agree on every tensor and float. */
class RealCheckpointTest {
    private static final String MODEL = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k";

    @Test
    void safetensorsAndPthHoldIdenticalTensors() {
        Path safetensors = SharedData.require(MODEL + ".safetensors");
        Path pth = SharedData.require(MODEL + ".pth");
        try (StateDict a = StateDicts.open(safetensors); StateDict b = StateDicts.open(pth)) {
            Map<String, WeightTensor> fromSafetensors = TimmNames.renamed(a);
            Map<String, WeightTensor> fromPth = TimmNames.renamed(b);
            assertEquals(fromSafetensors.keySet(), fromPth.keySet());
            // 12 blocks of 12 tensors, plus patch embedding, cls/pos tokens, final norm and head.
            assertEquals(152, fromSafetensors.size());
            for (Map.Entry<String, WeightTensor> e : fromSafetensors.entrySet()) {
                WeightTensor other = fromPth.get(e.getKey());
                assertArrayEquals(e.getValue().shape(), other.shape(), e.getKey());
                assertEquals(DType.F32, e.getValue().dtype(), e.getKey());
                assertEquals(DType.F32, other.dtype(), e.getKey());
                assertSameFloats(e.getValue().toFloats(), other.toFloats(), e.getKey());
            }
            assertArrayEquals(new int[] {1000, 192}, fromSafetensors.get("head.weight").shape());
        }
    }
}
