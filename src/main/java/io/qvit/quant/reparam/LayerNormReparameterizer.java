package io.qvit.quant.reparam;

import io.qvit.QvitException;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RepQ-ViT's scale reparameterisation (Li et al., ICCV 2023) of the post-LayerNorm activations:
 * their channels vary too much for one scale, so they are calibrated per channel, and the
 * per-channel quantizer is then turned into a per-tensor one by moving the difference into the
 * LayerNorm's affine parameters and undoing it in the next linear layer (norm1 to qkv, norm2 to
 * fc1). Kernels then see per-tensor activations; the float model computes the same function.
 *
 * <p>Derivation, per channel c, with n the normalised token, LayerNorm output
 * {@code x = γ ⊙ n + β}, per-channel quantizer {@code q = rint(x / s) + z} (then a clamp), next
 * layer {@code y = W x + b}. Choose the per-tensor {@code s~ = mean(s)} and {@code z~ = rint(mean(z))}
 * (RepQ-ViT's code rounds the mean; an integer zero point keeps the kernels' zero-point correction
 * exact), and let {@code r1 = s / s~}, {@code r2 = z - z~} (whole numbers).
 * <ul>
 *   <li>Feed the quantizer {@code x' = (x + s ⊙ r2) / r1} instead. Then
 *       {@code x' / s~ = (x + s ⊙ r2) / s = x / s + r2}, and since r2 is whole,
 *       {@code rint(x' / s~) + z~ = rint(x / s) + r2 + z~ = rint(x / s) + z}: the per-tensor codes of x'
 *       are the per-channel codes of x, and so are the clamped ones.</li>
 *   <li>{@code x' = (γ / r1) ⊙ n + (β + s ⊙ r2) / r1}, so the LayerNorm computes it with
 *       {@code γ' = γ / r1}, {@code β' = (β + s ⊙ r2) / r1}.</li>
 *   <li>{@code x = r1 ⊙ x' - s ⊙ r2}, so {@code y = W diag(r1) x' + b - W (s ⊙ r2)}:
 *       {@code W'[:, c] = W[:, c] · r1[c]}, {@code b' = b - W (s ⊙ r2)}.</li>
 *   <li>Dequantised, {@code W' ((q - z~) s~) + b' = W ((q - z~) ⊙ s - s ⊙ r2) + b = W ((q - z) ⊙ s) + b}: the
 *       quantized model is the per-channel one too.</li>
 * </ul>
 * The qkv layer therefore needs a bias; every timm ViT, DeiT and DeiT3 has one.
 */
public final class LayerNormReparameterizer {
    /** The transformed weights and, for every site, the per-tensor quantizer of its new activation. */
    public record Result(ModelWeights weights, Map<NormSite, TensorQuantRange> ranges) {}

    private LayerNormReparameterizer() {}

    /**
     * Reparameterises every block's norm1 and norm2, given each one's per-channel quantizer; the
     * input weights are left as they were.
     */
    public static Result apply(VitConfig config, ModelWeights weights, Map<NormSite, ChannelQuantRange> ranges) {
        List<NormSite> sites = NormSite.all(config);
        for (NormSite site : ranges.keySet())
            if (!sites.contains(site))
                throw new QvitException("a quantization range is given for " + site + ", but the model has "
                        + config.depth() + " blocks (0 to " + (config.depth() - 1) + ")");
        if (!config.qkvBias())
            throw new QvitException("cannot reparameterise norm1: the model's qkv layer has no bias to absorb the zero-point shift");
        Map<String, float[]> replaced = new HashMap<>();
        Map<NormSite, TensorQuantRange> perTensor = new LinkedHashMap<>();
        for (NormSite site : sites) {
            ChannelQuantRange range = ranges.get(site);
            if (range == null) throw new QvitException("no quantization range for " + site);
            perTensor.put(site, reparameterise(site, range, weights, config.embedDim(), replaced));
        }
        return new Result(weights.withParams(replaced), perTensor);
    }

    private static TensorQuantRange reparameterise(NormSite site, ChannelQuantRange range, ModelWeights w, int d,
                                                   Map<String, float[]> replaced) {
        float[] s = range.scale(), z = range.zeroPoint();
        check(site, s, z, d);
        double sumS = 0, sumZ = 0;
        for (int c = 0; c < d; c++) {
            sumS += s[c];
            sumZ += z[c];
        }
        float tensorScale = (float) (sumS / d);
        int tensorZero = (int) Math.rint(sumZ / d);
        double[] r1 = new double[d], shift = new double[d]; // shift = s ⊙ r2
        for (int c = 0; c < d; c++) {
            r1[c] = (double) s[c] / tensorScale;
            shift[c] = (double) s[c] * (z[c] - tensorZero);
        }
        float[] gamma = w.get(site.normParam("weight")).data(), beta = w.get(site.normParam("bias")).data();
        float[] newGamma = new float[d], newBeta = new float[d];
        for (int c = 0; c < d; c++) {
            newGamma[c] = (float) (gamma[c] / r1[c]);
            newBeta[c] = (float) ((beta[c] + shift[c]) / r1[c]);
        }
        float[] weight = w.get(site.linearParam("weight")).data(), bias = w.get(site.linearParam("bias")).data();
        float[] newWeight = new float[weight.length], newBias = new float[bias.length];
        for (int o = 0; o < bias.length; o++) {
            double absorbed = 0;
            for (int c = 0; c < d; c++) {
                newWeight[o * d + c] = (float) (weight[o * d + c] * r1[c]);
                absorbed += weight[o * d + c] * shift[c];
            }
            newBias[o] = (float) (bias[o] - absorbed);
        }
        replaced.put(site.normParam("weight"), newGamma);
        replaced.put(site.normParam("bias"), newBeta);
        replaced.put(site.linearParam("weight"), newWeight);
        replaced.put(site.linearParam("bias"), newBias);
        return new TensorQuantRange(tensorScale, tensorZero);
    }

    private static void check(NormSite site, float[] s, float[] z, int d) {
        if (s.length != d || z.length != d)
            throw new QvitException("quantization range of " + site + " has " + s.length + " scales and " + z.length
                    + " zero points; the model has " + d + " channels");
        for (int c = 0; c < d; c++) {
            if (!(s[c] > 0) || !Float.isFinite(s[c]))
                throw new QvitException("quantization range of " + site + ": scale of channel " + c + " is " + s[c]
                        + "; scales must be positive and finite");
            if (!Float.isFinite(z[c]) || z[c] != Math.rint(z[c]))
                throw new QvitException("quantization range of " + site + ": zero point of channel " + c + " is " + z[c]
                        + "; zero points must be whole numbers");
        }
    }
}
