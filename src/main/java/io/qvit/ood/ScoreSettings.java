package io.qvit.ood;

import io.qvit.QvitException;

/**
 * Hyperparameters of the scores, defaults as in OpenOOD's configs.
 *
 * @param energyTemperature T of Energy, {@code T·logsumexp(logits/T)}; default 1
 * @param genGamma          γ of GEN; default 0.1
 * @param genTopM           how many of the largest softmax probabilities GEN sums; default 100
 * @param knnK              which nearest neighbour KNN measures the distance to; default 50 (OpenOOD's
 *                          knn.yml, used for every benchmark including ImageNet-1k; Sun et al. used
 *                          K = 1000 with the full 1.28M-image training set)
 * @param vimDim            dimension of ViM's principal subspace, or 0 for {@link #vimDimFor}
 * @param reactPercentile   percentile of the fit set's feature values at which ReAct clips; default 90
 */
public record ScoreSettings(double energyTemperature, double genGamma, int genTopM, int knnK, int vimDim,
                            double reactPercentile) {
    public static final ScoreSettings DEFAULTS = new ScoreSettings(1.0, 0.1, 100, 50, 0, 90.0);

    public ScoreSettings {
        if (!(energyTemperature > 0) || Double.isInfinite(energyTemperature)) bad("energy temperature", energyTemperature, "> 0");
        if (!(genGamma > 0) || Double.isInfinite(genGamma)) bad("GEN gamma", genGamma, "> 0");
        if (genTopM < 1) bad("GEN top M", genTopM, ">= 1");
        if (knnK < 1) bad("KNN K", knnK, ">= 1");
        if (vimDim < 0) bad("ViM dimension", vimDim, ">= 1, or 0 for the default");
        if (!(reactPercentile > 0 && reactPercentile <= 100)) bad("ReAct percentile", reactPercentile, "in (0, 100]");
    }

    /**
     * ViM's default principal dimension for features of dimension {@code d}: 1000 for d >= 1536,
     * 512 for d >= 768 (Wang et al.'s choices for BiT and for ViT-B/DeiT-B/Swin), else d/2.
     */
    public static int vimDimFor(int d) {
        return d >= 1536 ? 1000 : d >= 768 ? 512 : d / 2;
    }

    public ScoreSettings withEnergyTemperature(double t) {
        return new ScoreSettings(t, genGamma, genTopM, knnK, vimDim, reactPercentile);
    }

    public ScoreSettings withGen(double gamma, int topM) {
        return new ScoreSettings(energyTemperature, gamma, topM, knnK, vimDim, reactPercentile);
    }

    public ScoreSettings withKnnK(int k) {
        return new ScoreSettings(energyTemperature, genGamma, genTopM, k, vimDim, reactPercentile);
    }

    public ScoreSettings withVimDim(int dim) {
        return new ScoreSettings(energyTemperature, genGamma, genTopM, knnK, dim, reactPercentile);
    }

    public ScoreSettings withReactPercentile(double p) {
        return new ScoreSettings(energyTemperature, genGamma, genTopM, knnK, vimDim, p);
    }

    private static void bad(String what, double value, String rule) {
        throw new QvitException(what + " is " + value + "; it must be " + rule);
    }
}
