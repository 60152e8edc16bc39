package io.qvit.quant.reparam;

import io.qvit.QvitException;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a per-channel division of a post-LayerNorm activation into the LayerNorm's affine
 * parameters and undoes it in the next linear layer (norm1 to qkv, norm2 to fc1), as RepQ-ViT
 * (Li et al., ICCV 2023) folds its per-channel quantization scales: the float model computes the
 * same function, and the kernels get the divided activation from the LayerNorm at no cost.
 *
 * <p>Per channel c, with n the normalised token, LayerNorm output {@code x = γ ⊙ n + β}, divisor
 * {@code s} and next layer {@code y = W x + b}: {@code x / s = (γ / s) ⊙ n + β / s}, and
 * {@code y = (W diag(s)) (x / s) + b}. So {@code γ' = γ / s}, {@code β' = β / s},
 * {@code W'[:, c] = W[:, c] · s[c]}, and the bias is unchanged. The divisors are
 * {@link ActivationSmoothing}'s, chosen per layer by the quantized layer's output error.
 */
public final class LayerNormReparameterizer {
    private LayerNormReparameterizer() {}

    /**
     * The weights with each given site's divisors folded in; sites not given are left as they were.
     *
     * @param divisors per site, one positive finite divisor per channel
     */
    public static ModelWeights apply(VitConfig config, ModelWeights weights, Map<NormSite, float[]> divisors) {
        List<NormSite> sites = NormSite.all(config);
        Map<String, float[]> replaced = new HashMap<>();
        for (Map.Entry<NormSite, float[]> e : divisors.entrySet()) {
            NormSite site = e.getKey();
            if (!sites.contains(site))
                throw new QvitException("LayerNorm divisors are given for " + site + ", but the model has "
                        + config.depth() + " blocks (0 to " + (config.depth() - 1) + ")");
            fold(site, e.getValue(), weights, config.embedDim(), replaced);
        }
        return weights.withParams(replaced);
    }

    /**
     * RepQ-ViT's reparameterisation: per channel c, the LayerNorm output divided by {@code r[c]} and
     * shifted down by {@code b[c]}: {@code γ' = γ / r}, {@code β' = β / r - b}; the next layer reads
     * {@code x = r ⊙ (x' + b)}, so {@code W' = W diag(r)} and its bias gains {@code W' b}.
     *
     * @param divisors per site, r, positive and finite
     * @param shifts   per site (the same sites), b, finite
     */
    public static ModelWeights applyWithShifts(VitConfig config, ModelWeights weights, Map<NormSite, float[]> divisors, Map<NormSite, float[]> shifts) {
        ModelWeights divided = apply(config, weights, divisors);
        Map<String, float[]> replaced = new HashMap<>();
        int d = config.embedDim();
        for (Map.Entry<NormSite, float[]> e : shifts.entrySet()) {
            NormSite site = e.getKey();
            float[] b = e.getValue();
            if (b.length != d || !divisors.containsKey(site)) throw new QvitException("LayerNorm shifts of " + site + ": " + b.length + " given for " + d + " channels, with divisors");
            float[] beta = divided.get(site.normParam("bias")).data().clone();
            for (int c = 0; c < d; c++) beta[c] -= b[c];
            float[] w = divided.get(site.linearParam("weight")).data();
            int outputs = w.length / d;
            if (!divided.has(site.linearParam("bias")))
                throw new QvitException(site.linearParam("bias") + " is missing: a LayerNorm shift is undone in the next layer's bias; this model has none there");
            float[] bias = divided.get(site.linearParam("bias")).data().clone();
            for (int o = 0; o < outputs; o++) {
                double sum = 0;
                for (int c = 0; c < d; c++) sum += (double) w[o * d + c] * b[c];
                bias[o] += (float) sum;
            }
            replaced.put(site.normParam("bias"), beta);
            replaced.put(site.linearParam("bias"), bias);
        }
        return divided.withParams(replaced);
    }

    private static void fold(NormSite site, float[] s, ModelWeights w, int d, Map<String, float[]> replaced) {
        check(site, s, d);
        float[] gamma = w.get(site.normParam("weight")).data(), beta = w.get(site.normParam("bias")).data();
        float[] newGamma = new float[d], newBeta = new float[d];
        for (int c = 0; c < d; c++) {
            newGamma[c] = gamma[c] / s[c];
            newBeta[c] = beta[c] / s[c];
        }
        float[] weight = w.get(site.linearParam("weight")).data();
        replaced.put(site.normParam("weight"), newGamma);
        replaced.put(site.normParam("bias"), newBeta);
        replaced.put(site.linearParam("weight"), ActivationSmoothing.scaleColumns(weight, weight.length / d, s));
    }

    private static void check(NormSite site, float[] s, int d) {
        if (s.length != d)
            throw new QvitException("LayerNorm divisors of " + site + ": " + s.length + " given, the model has " + d + " channels");
        for (int c = 0; c < d; c++)
            if (!(s[c] > 0) || !Float.isFinite(s[c]))
                throw new QvitException("LayerNorm divisors of " + site + ": channel " + c + " has " + s[c]
                        + "; divisors must be positive and finite");
    }
}
