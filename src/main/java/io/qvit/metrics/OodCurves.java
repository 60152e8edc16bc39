package io.qvit.metrics;

/**
 * The ROC and precision-recall curves behind {@link OodMetrics#compute}, OOD positive (scored by the
 * negated score), one point per distinct threshold from the strictest to the loosest, for plots.
 *
 * @param fpr       false-positive rate (fraction of ID flagged), starting at 0
 * @param tpr       true-positive rate (fraction of OOD caught), starting at 0
 * @param recall    recall of OOD, starting at sklearn's appended point 0
 * @param precision precision of OOD, starting at sklearn's appended point 1
 */
public record OodCurves(double[] fpr, double[] tpr, double[] recall, double[] precision) {}
