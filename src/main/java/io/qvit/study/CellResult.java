package io.qvit.study;

import io.qvit.metrics.IdResult;
import io.qvit.metrics.OodResult;
import io.qvit.metrics.ReliabilityBin;
import io.qvit.ood.ScoreKind;
import java.util.List;
import java.util.Map;

/**
 * Everything measured for one model at one precision: ID accuracy and calibration (null when the
 * ID set is unlabelled), and per score the scores of every ID and OOD image and the OOD metrics per
 * OOD set. The raw scores are kept for the figures.
 *
 * @param idSamples  ID images that went through the network
 * @param id         ID metrics, or null without labels
 * @param bins       reliability-diagram bins, or null without labels
 * @param idScores   per score, the ID images' scores
 * @param oodScores  per score, per OOD set name, the OOD images' scores
 * @param ood        per score, per OOD set name, the metrics
 */
public record CellResult(String model, String precision, int idSamples, IdResult id, List<ReliabilityBin> bins,
                         Map<ScoreKind, double[]> idScores, Map<ScoreKind, Map<String, double[]>> oodScores,
                         Map<ScoreKind, Map<String, OodResult>> ood) {}
