package io.qvit.ood;

import io.qvit.QvitException;

/**
 * In-distribution data that a score is fitted on once: the model's outputs on it, its labels where
 * the score needs them (class labels for MDS and RMDS, validation labels for temperature scaling),
 * and the classifier head where the score needs it (ViM, ReAct). Checked on construction: labels in
 * {@code [0, C)}, one per sample; head dimensions equal to the logits' and features' widths.
 *
 * @param outputs logits and features on the ID fit set
 * @param labels  one class index per sample, or null
 * @param head    the model's classifier head, or null
 */
public record FitData(ModelOutputs outputs, int[] labels, ClassifierHead head) {
    public FitData {
        if (outputs == null) throw new QvitException("fit data needs the model's outputs on the ID fit set");
        if (labels != null) {
            if (labels.length != outputs.samples()) {
                throw new QvitException("fit labels has " + labels.length + " entries but the fit logits have " + outputs.samples()
                        + " rows; pass one label per fit sample");
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= outputs.classes()) {
                    throw new QvitException("fit label " + i + " is " + labels[i] + ", outside [0, " + outputs.classes()
                            + "); labels must index the logits' classes");
                }
            }
        }
        if (head != null) {
            if (head.classes() != outputs.classes()) {
                throw new QvitException("head weight has " + head.classes() + " rows but the logits have " + outputs.classes()
                        + " classes; pass the head of the model that produced the logits");
            }
            if (outputs.features() != null && head.inputDim() != outputs.features()[0].length) {
                throw new QvitException("head weight has " + head.inputDim() + " columns but the features have "
                        + outputs.features()[0].length + " dimensions; pass the head of the model that produced the features");
            }
        }
    }

    int[] requireLabels(ScoreKind kind) {
        if (labels == null) throw new QvitException(kind.cliName() + " needs labels for its ID fit data; pass them in FitData");
        return labels;
    }

    ClassifierHead requireHead(ScoreKind kind) {
        if (head == null) throw new QvitException(kind.cliName() + " needs the classifier head (W, b); pass it in FitData");
        return head;
    }

    /** Fails unless there are at least {@code needed} fit samples, saying why they are needed. */
    void requireSamples(ScoreKind kind, int needed, String why) {
        if (outputs.samples() < needed) {
            throw new QvitException(kind.cliName() + " needs at least " + needed + " ID fit samples (" + why + "), got "
                    + outputs.samples() + "; fit on a larger ID set");
        }
    }
}
