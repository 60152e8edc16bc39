package io.qvit.metrics;

/**
 * In-distribution classification quality; see {@link IdMetrics} for the definitions.
 *
 * @param top1 fraction of samples whose highest-scored class is the label, in [0, 1]
 * @param top5 fraction whose label is among the five highest-scored classes, in [0, 1]
 * @param ece expected calibration error over 15 equal-width confidence bins, in [0, 1]
 * @param nll mean negative log-likelihood of the label, in nats, at least 0
 * @param brier mean over samples of the squared error summed over classes, in [0, 2]
 * @param aurc area under the risk-coverage curve of the max-softmax confidence, in [0, 1]
 */
public record IdResult(double top1, double top5, double ece, double nll, double brier, double aurc) {}
