package io.qvit.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimmNamesTest {
    @ParameterizedTest
    @CsvSource({
        // wrappers
        "module.blocks.0.attn.qkv.weight, blocks.0.attn.qkv.weight",
        "model.head.weight, head.weight",
        "module.model.norm.bias, norm.bias",
        // DeiT/DeiT3 LayerScale
        "blocks.11.gamma_1, blocks.11.ls1.gamma",
        "module.blocks.3.gamma_2, blocks.3.ls2.gamma",
        // left alone: timm names, look-alikes that are not the DeiT pattern, prefixes without the dot
        "norm.weight, norm.weight",
        "fc_norm.weight, fc_norm.weight",
        "blocks.0.ls1.gamma, blocks.0.ls1.gamma",
        "blocks.0.norm1.gamma_1, blocks.0.norm1.gamma_1",
        "blocks.0.gamma_3, blocks.0.gamma_3",
        "models.x, models.x",
        "modules.x, modules.x",
        "head.model.weight, head.model.weight",
    })
    void mapsStoredNamesToTimm(String stored, String timm) {
        assertEquals(timm, TimmNames.toTimm(stored));
    }

    @Test
    void twoNamesForOneTensorIsAnError() {
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        for (String name : new String[] {"blocks.0.ls1.gamma", "blocks.0.gamma_1"}) {
            tensors.put(name, new StoredTensor(Path.of("x.pth"), name, new int[] {1}, DType.F32, () -> ByteBuffer.allocate(4)));
        }
        StateDict sd = new StateDict() {
            public Path source() { return Path.of("x.pth"); }
            public Map<String, WeightTensor> tensors() { return tensors; }
            public Map<String, String> metadata() { return Map.of(); }
            public void close() {}
        };
        QvitException e = assertThrows(QvitException.class, () -> TimmNames.renamed(sd));
        assertTrue(e.getMessage().contains("x.pth") && e.getMessage().contains("blocks.0.ls1.gamma"), e.getMessage());
    }
}
