/**
 * Evaluation metrics: {@link io.qvit.metrics.OodMetrics} (AUROC, AUPR-In, AUPR-Out, FPR@95 of an OOD
 * score, OpenOOD v1.5 conventions, ties exactly as scikit-learn) and {@link io.qvit.metrics.IdMetrics}
 * (top-1/top-5 accuracy, ECE, NLL, Brier, AURC of a classifier). Each class's javadoc states its
 * conventions; src/test/python/make_metric_fixtures.py pins them to scikit-learn and numpy.
 */
package io.qvit.metrics;
