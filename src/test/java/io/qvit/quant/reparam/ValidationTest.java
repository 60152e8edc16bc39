package io.qvit.quant.reparam;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad quantization ranges are refused with a message naming the block and norm. */
class ValidationTest {
    private static final int D = 8;
    private static final VitConfig CONFIG = new VitConfig(8, 4, 3, D, 2, 2, 16, true, false, false, false, 1e-6f, 5);
    private static final NormSite BAD = new NormSite(1, NormSite.Norm.NORM2);

    @Test
    void missingSite() {
        Map<NormSite, ChannelQuantRange> r = valid();
        r.remove(BAD);
        expect("no quantization range for block 1 norm2", r);
    }

    @Test
    void siteBeyondTheModel() {
        Map<NormSite, ChannelQuantRange> r = valid();
        r.put(new NormSite(2, NormSite.Norm.NORM1), range(D, 0.1f, 0));
        expect("block 2 norm1, but the model has 2 blocks", r);
    }

    @Test
    void wrongLength() {
        expect("block 1 norm2 has 7 scales and 8 zero points; the model has 8 channels", with(new ChannelQuantRange(new float[7], new float[8])));
    }

    @Test
    void scalesPositiveAndFinite() {
        for (float bad : new float[] {0, -0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            ChannelQuantRange r = range(D, 0.1f, 0);
            float[] s = r.scale();
            s[5] = bad;
            expect("block 1 norm2: scale of channel 5 is " + bad, with(new ChannelQuantRange(s, r.zeroPoint())));
        }
    }

    @Test
    void zeroPointsWhole() {
        for (float bad : new float[] {2.5f, Float.NaN, Float.NEGATIVE_INFINITY}) {
            ChannelQuantRange r = range(D, 0.1f, 0);
            float[] z = r.zeroPoint();
            z[3] = bad;
            expect("block 1 norm2: zero point of channel 3 is " + bad, with(new ChannelQuantRange(r.scale(), z)));
        }
    }

    @Test
    void qkvWithoutBias() {
        VitConfig noBias = new VitConfig(8, 4, 3, D, 2, 2, 16, false, false, false, false, 1e-6f, 5);
        QvitException e = assertThrows(QvitException.class,
                () -> LayerNormReparameterizer.apply(noBias, ModelWeights.random(noBias, 1), valid()));
        assertTrue(e.getMessage().contains("qkv layer has no bias"), e.getMessage());
    }

    private static void expect(String fragment, Map<NormSite, ChannelQuantRange> ranges) {
        QvitException e = assertThrows(QvitException.class,
                () -> LayerNormReparameterizer.apply(CONFIG, ModelWeights.random(CONFIG, 1), ranges));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static Map<NormSite, ChannelQuantRange> with(ChannelQuantRange bad) {
        Map<NormSite, ChannelQuantRange> r = valid();
        r.put(BAD, bad);
        return r;
    }

    private static Map<NormSite, ChannelQuantRange> valid() {
        Map<NormSite, ChannelQuantRange> r = new HashMap<>();
        for (NormSite site : NormSite.all(CONFIG)) r.put(site, range(D, 0.1f, 0));
        return r;
    }

    private static ChannelQuantRange range(int d, float scale, float zeroPoint) {
        float[] s = new float[d], z = new float[d];
        Arrays.fill(s, scale);
        Arrays.fill(z, zeroPoint);
        return new ChannelQuantRange(s, z);
    }
}
