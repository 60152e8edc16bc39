package io.qvit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelWeightsTest {
    private static final VitConfig TINY = new VitConfig(8, 4, 3, 8, 1, 2, 16, true, false, false, false, 1e-6f, 5);

    @Test
    void withParamsReplacesCopiesAndSharesTheRest() {
        ModelWeights w = ModelWeights.random(TINY, 1);
        float[] gamma = {1, 2, 3, 4, 5, 6, 7, 8};
        ModelWeights v = w.withParams(Map.of("blocks.0.norm1.weight", gamma));
        gamma[0] = 99;
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, v.get("blocks.0.norm1.weight").data(), "copied, not aliased");
        assertArrayEquals(new int[] {8}, v.get("blocks.0.norm1.weight").shape());
        assertTrue(w.get("blocks.0.norm1.weight").data()[1] == 1f, "the original is untouched");
        assertSame(w.get("head.weight"), v.get("head.weight"), "unreplaced parameters are shared");
    }

    @Test
    void withParamsRejectsUnknownNamesWrongLengthsAndNonFiniteValues() {
        ModelWeights w = ModelWeights.random(TINY, 1);
        assertThrows(QvitException.class, () -> w.withParams(Map.of("blocks.1.norm1.weight", new float[8])));
        assertThrows(QvitException.class, () -> w.withParams(Map.of("blocks.0.norm1.weight", new float[7])));
        float[] nan = new float[8];
        nan[3] = Float.NaN;
        assertThrows(QvitException.class, () -> w.withParams(Map.of("blocks.0.norm1.weight", nan)));
    }
}
