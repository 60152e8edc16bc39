package io.qvit.quant.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-channel quantizer on the original LayerNorm output gives the same codes as the per-tensor
 * quantizer on the reparameterised one. The round-then-clamp is written here, following
 * ../shared/DESIGN.md (round half to even, then clamp), because the quantizer classes are not part of
 * this package.
 */
class QuantizerEquivalenceTest {
    private static final int D = 64, TOKENS = 200, MAX_CODE = 15;
    private static final VitConfig CONFIG = new VitConfig(8, 4, 3, D, 2, 4, 128, true, false, false, false, 1e-6f, 5);
    private static final NormSite SITE = new NormSite(1, NormSite.Norm.NORM2);

    @Test
    void perTensorCodesOfTheNewActivationAreThePerChannelCodesOfTheOld() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] s = new float[D], z = new float[D], gamma = new float[D], beta = new float[D];
        for (int c = 0; c < D; c++) {
            s[c] = (float) Math.pow(10, -2 * rnd.nextDouble());
            z[c] = rnd.nextInt(MAX_CODE + 1);
            // channels whose values spread over the code range and past it, so clamping is exercised too
            gamma[c] = (float) (s[c] * rnd.nextDouble(1, 6));
            beta[c] = (float) (s[c] * rnd.nextDouble(-8, 8));
        }
        ModelWeights w = ModelWeights.random(CONFIG, 1).withParams(Map.of("blocks.1.norm2.weight", gamma, "blocks.1.norm2.bias", beta));
        Map<NormSite, ChannelQuantRange> ranges = new HashMap<>();
        for (NormSite site : NormSite.all(CONFIG)) ranges.put(site, new ChannelQuantRange(s, z));
        LayerNormReparameterizer.Result r = LayerNormReparameterizer.apply(CONFIG, w, ranges);
        float[] newGamma = r.weights().get("blocks.1.norm2.weight").data(), newBeta = r.weights().get("blocks.1.norm2.bias").data();
        TensorQuantRange t = r.ranges().get(SITE);

        int compared = 0, nearTies = 0, clamped = 0;
        for (int i = 0; i < TOKENS * D; i++) {
            int c = i % D;
            float n = (float) rnd.nextGaussian(); // a normalised LayerNorm input
            // fp32 affine on both sides may land on either side of a rounding tie; such elements are counted, not compared
            double exact = ((double) gamma[c] * n + beta[c]) / s[c];
            if (Math.abs(exact - Math.floor(exact) - 0.5) < 1e-4) {
                nearTies++;
                continue;
            }
            int perChannel = code(gamma[c] * n + beta[c], s[c], (int) z[c]);
            int perTensor = code(newGamma[c] * n + newBeta[c], t.scale(), t.zeroPoint());
            assertEquals(perChannel, perTensor, "channel " + c + " of element " + i);
            if (perChannel == 0 || perChannel == MAX_CODE) clamped++;
            compared++;
        }
        System.out.printf("%d codes identical, %d clamped, %d near ties not compared%n", compared, clamped, nearTies);
        assertTrue(nearTies < TOKENS * D / 1000, nearTies + " near ties");
        assertTrue(clamped > compared / 20 && clamped < compared / 2, clamped + " of " + compared + " codes clamped");
    }

    @Test
    void perTensorRangeIsTheMeanScaleAndTheRoundedMeanZeroPoint() {
        float[] s = new float[D], z = new float[D];
        for (int c = 0; c < D; c++) {
            s[c] = c < D / 2 ? 0.01f : 1f;
            z[c] = c < D / 2 ? 3 : 6; // mean 4.5 rounds half to even, to 4
        }
        Map<NormSite, ChannelQuantRange> ranges = new HashMap<>();
        for (NormSite site : NormSite.all(CONFIG)) ranges.put(site, new ChannelQuantRange(s, z));
        ModelWeights w = ModelWeights.random(CONFIG, 1);
        float[] before = w.get("blocks.0.attn.qkv.weight").data().clone();
        LayerNormReparameterizer.Result r = LayerNormReparameterizer.apply(CONFIG, w, ranges);
        assertEquals(new TensorQuantRange(0.505f, 4), r.ranges().get(SITE));
        assertEquals(NormSite.all(CONFIG), r.ranges().keySet().stream().toList(), "every site, in model order");
        assertArrayEquals(before, w.get("blocks.0.attn.qkv.weight").data(), "the input weights are left as they were");
    }

    @Test
    void nextLayerSeesThePerChannelDequantisedActivation() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] s = new float[D], z = new float[D];
        int[] q = new int[D];
        for (int c = 0; c < D; c++) {
            s[c] = (float) Math.pow(10, -2 * rnd.nextDouble());
            z[c] = rnd.nextInt(MAX_CODE + 1);
            q[c] = rnd.nextInt(MAX_CODE + 1);
        }
        Map<NormSite, ChannelQuantRange> ranges = new HashMap<>();
        for (NormSite site : NormSite.all(CONFIG)) ranges.put(site, new ChannelQuantRange(s, z));
        ModelWeights w = ModelWeights.random(CONFIG, 2);
        LayerNormReparameterizer.Result r = LayerNormReparameterizer.apply(CONFIG, w, ranges);
        TensorQuantRange t = r.ranges().get(SITE);
        float[] perChannel = new float[D], perTensor = new float[D];
        for (int c = 0; c < D; c++) {
            perChannel[c] = (q[c] - z[c]) * s[c];
            perTensor[c] = (q[c] - t.zeroPoint()) * t.scale();
        }
        double[] want = fc1(w, perChannel), got = fc1(r.weights(), perTensor);
        for (int o = 0; o < want.length; o++)
            assertEquals(want[o], got[o], 1e-5 * (1 + Math.abs(want[o])), "output " + o); // fp32 parameters, double sums
    }

    private static double[] fc1(ModelWeights w, float[] x) {
        float[] weight = w.get("blocks.1.mlp.fc1.weight").data(), bias = w.get("blocks.1.mlp.fc1.bias").data();
        double[] y = new double[bias.length];
        for (int o = 0; o < y.length; o++) {
            y[o] = bias[o];
            for (int c = 0; c < D; c++) y[o] += (double) weight[o * D + c] * x[c];
        }
        return y;
    }

    /** DESIGN.md's rule: round half to even, then clamp to the code range. */
    private static int code(float x, float scale, int zeroPoint) {
        return (int) Math.max(0, Math.min(MAX_CODE, Math.rint(x / scale) + zeroPoint));
    }
}
