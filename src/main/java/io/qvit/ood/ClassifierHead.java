package io.qvit.ood;

import io.qvit.model.ModelWeights;

/**
 * The model's final linear layer, {@code logits = W·x + b}: weight {@code [C][D]} row-major as in
 * timm's {@code head.weight}, bias {@code [C]}. Checked on construction: rectangular and finite.
 */
public record ClassifierHead(float[][] weight, float[] bias) {
    public ClassifierHead {
        int d = InputChecks.matrix("head weight", weight, -1);
        if (bias == null || bias.length != weight.length) {
            throw new io.qvit.QvitException("head bias has " + (bias == null ? 0 : bias.length) + " values but the head weight has "
                    + weight.length + " rows; pass the bias of the same head (" + weight.length + " classes, input dimension " + d + ")");
        }
        InputChecks.finite("head bias", bias);
    }

    /** timm's {@code head} of a model's weights (for a distilled DeiT, the class token's head). */
    public static ClassifierHead of(ModelWeights weights) {
        return new ClassifierHead(weights.get("head.weight").rows(), weights.get("head.bias").data().clone());
    }

    public int classes() {
        return weight.length;
    }

    public int inputDim() {
        return weight[0].length;
    }

    /** {@code W·x + b} in double. */
    double[] logits(double[] x) {
        double[] out = new double[weight.length];
        for (int c = 0; c < weight.length; c++) {
            float[] w = weight[c];
            double s = bias[c];
            for (int j = 0; j < w.length; j++) s += w[j] * x[j];
            out[c] = s;
        }
        return out;
    }
}
