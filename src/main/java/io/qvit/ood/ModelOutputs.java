package io.qvit.ood;

import io.qvit.QvitException;

/**
 * What a classifier produced for n samples: logits {@code [n][C]} and, where a score needs them,
 * features {@code [n][D]} (the class token after the ViT's final LayerNorm, i.e. the head's input).
 * Checked on construction: rectangular, finite, one row per sample in both.
 *
 * @param logits   per-sample logits
 * @param features per-sample head inputs, or null when only logit scores are computed
 */
public record ModelOutputs(float[][] logits, float[][] features) {
    public ModelOutputs {
        InputChecks.matrix("logits", logits, -1);
        if (features != null) {
            InputChecks.matrix("features", features, -1);
            InputChecks.rows("features", features, logits.length, "logits");
        }
    }

    /** Logits only: enough for the logit scores. */
    public static ModelOutputs logitsOnly(float[][] logits) {
        return new ModelOutputs(logits, null);
    }

    public int samples() {
        return logits.length;
    }

    public int classes() {
        return logits[0].length;
    }

    /** The features, or an error naming the score that needs them. */
    float[][] requireFeatures(ScoreKind kind) {
        if (features == null) {
            throw new QvitException(kind.cliName() + " needs features (the head's input, [n][D]); pass them in ModelOutputs");
        }
        return features;
    }

    int featureDim(ScoreKind kind) {
        return requireFeatures(kind)[0].length;
    }
}
