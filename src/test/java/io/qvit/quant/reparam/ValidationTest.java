package io.qvit.quant.reparam;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad LayerNorm divisors are refused with a message naming the block and norm. */
class ValidationTest {
    private static final int D = 8;
    private static final VitConfig CONFIG = new VitConfig(8, 4, 3, D, 2, 2, 16, true, false, false, false, 1e-6f, 5);
    private static final NormSite BAD = new NormSite(1, NormSite.Norm.NORM2);

    @Test
    void siteBeyondTheModel() {
        expect("block 2 norm1, but the model has 2 blocks", Map.of(new NormSite(2, NormSite.Norm.NORM1), ones(D)));
    }

    @Test
    void wrongLength() {
        expect("LayerNorm divisors of block 1 norm2: 7 given, the model has 8 channels", Map.of(BAD, ones(7)));
    }

    @Test
    void divisorsPositiveAndFinite() {
        for (float bad : new float[] {0, -0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] s = ones(D);
            s[5] = bad;
            expect("LayerNorm divisors of block 1 norm2: channel 5 has " + bad, Map.of(BAD, s));
        }
    }

    private static void expect(String fragment, Map<NormSite, float[]> divisors) {
        QvitException e = assertThrows(QvitException.class,
                () -> LayerNormReparameterizer.apply(CONFIG, ModelWeights.random(CONFIG, 1), divisors));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static float[] ones(int d) {
        float[] s = new float[d];
        Arrays.fill(s, 1f);
        return s;
    }
}
