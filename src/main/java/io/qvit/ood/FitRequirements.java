package io.qvit.ood;

import io.qvit.QvitException;
import java.util.List;

/**
 * What a fitted score needs of its ID fit set, known before any image runs through a network: the
 * number of samples (as the fits themselves require it), labels where the score uses them, and for
 * the Mahalanobis scores a sample of every class. Lets a study refuse a fit set that cannot work
 * before its forward passes, not after.
 */
public final class FitRequirements {
    private FitRequirements() {}

    /** The least fit samples of a score over features of {@code dim} and {@code classes} logits (0 when it needs no fit). */
    static int minimumSamples(ScoreKind kind, int knnK, int dim, int classes) {
        return switch (kind) {
            case KNN -> knnK;
            case VIM -> dim;
            case MDS, RMDS -> dim + classes;
            case TEMPSCALE, REACT -> 1;
            default -> 0;
        };
    }

    /**
     * Fails naming the score and what the fit set lacks.
     *
     * @param labels the fit set's labels, {@link io.qvit.data.Sample#UNLABELLED} for unlabelled images
     */
    public static void check(List<ScoreKind> kinds, ScoreSettings settings, int[] labels, int dim, int classes) {
        for (ScoreKind kind : kinds) {
            if (!kind.needsFit()) continue;
            int needed = minimumSamples(kind, settings.knnK(), dim, classes);
            if (labels.length < needed)
                throw new QvitException(kind.cliName() + " needs at least " + needed + " ID fit images for a model with " + dim
                        + "-dimensional features and " + classes + " classes, the fit set has " + labels.length + "; give a larger --fit set");
            if (!kind.needsLabels()) continue;
            boolean[] seen = new boolean[classes];
            for (int label : labels) {
                if (label < 0)
                    throw new QvitException(kind.cliName() + " is fitted on labelled ID images, but the fit set has unlabelled ones;"
                            + " pass a labelled list or class folders as --fit");
                if (label < classes) seen[label] = true;
            }
            if (kind == ScoreKind.MDS || kind == ScoreKind.RMDS) {
                for (int c = 0; c < classes; c++)
                    if (!seen[c])
                        throw new QvitException(kind.cliName() + " needs a fit image of every one of the " + classes
                                + " classes for its class means; the fit set has none of class " + c + "; give a --fit set that covers them");
            }
        }
    }
}
