package io.qvit.metrics;

import java.util.Arrays;

/**
 * Cumulative true and false positives at each distinct score, highest score first: the counts that
 * scikit-learn's {@code roc_curve} and {@code precision_recall_curve} build on. A threshold t counts
 * every sample scored at least t as predicted positive, so tied samples enter together (scores are
 * compared with {@code ==}, so -0.0 and 0.0 tie, as in numpy).
 */
final class ThresholdCounts {
    /** Per distinct threshold, in descending order of threshold. */
    final int[] truePositives, falsePositives;
    final int positives, negatives;

    private ThresholdCounts(int[] truePositives, int[] falsePositives, int positives, int negatives) {
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.positives = positives;
        this.negatives = negatives;
    }

    /** From the scores of the positive and of the negative samples (finite; higher means more positive). */
    static ThresholdCounts of(double[] positiveScores, double[] negativeScores) {
        double[] p = positiveScores.clone(), n = negativeScores.clone();
        Arrays.sort(p);
        Arrays.sort(n);
        int[] tps = new int[p.length + n.length], fps = new int[p.length + n.length];
        int i = p.length - 1, j = n.length - 1, distinct = 0;
        while (i >= 0 || j >= 0) {
            double t = j < 0 || (i >= 0 && p[i] >= n[j]) ? p[i] : n[j];
            while (i >= 0 && p[i] == t) i--;
            while (j >= 0 && n[j] == t) j--;
            tps[distinct] = p.length - 1 - i;
            fps[distinct] = n.length - 1 - j;
            distinct++;
        }
        return new ThresholdCounts(Arrays.copyOf(tps, distinct), Arrays.copyOf(fps, distinct), p.length, n.length);
    }

    int thresholds() {
        return truePositives.length;
    }
}
