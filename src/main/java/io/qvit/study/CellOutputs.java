package io.qvit.study;

import io.qvit.ood.ModelOutputs;
import java.util.List;

/**
 * The network's outputs on one data set at one model and precision, as cached on disk: the image
 * files in row order, their logits {@code [n][C]} and features {@code [n][D]} (the head's input),
 * and the class labels of the rows ({@code -1} where unknown).
 */
public record CellOutputs(List<String> files, float[][] logits, float[][] features, int[] labels) {
    public ModelOutputs modelOutputs() {
        return new ModelOutputs(logits, features);
    }

    /** Whether every row has a class label. */
    public boolean labelled() {
        for (int l : labels) if (l < 0) return false;
        return true;
    }
}
