package io.qvit.metrics;

/**
 * OOD-detection quality as fractions in [0, 1]; see {@link OodMetrics} for the conventions.
 *
 * @param auroc area under the ROC curve, OOD positive
 * @param auprIn area under the precision-recall curve, ID positive
 * @param auprOut area under the precision-recall curve, OOD positive
 * @param fpr95 fraction of ID samples flagged as OOD at the first threshold that catches 95% of OOD
 */
public record OodResult(double auroc, double auprIn, double auprOut, double fpr95) {}
