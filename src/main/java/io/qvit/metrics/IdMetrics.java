package io.qvit.metrics;

import io.qvit.QvitException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Accuracy and calibration of a classifier on labelled in-distribution samples, from logits or
 * probabilities [N][C] and labels in 0..C-1. Everything is computed in double.
 *
 * <ul>
 *   <li>Top-k (k = 1, 5; k = C when there are fewer classes): the label is among the k highest
 *       inputs, ties ranked by lower class index first (as {@code TopK} and a stable argsort do).
 *   <li>Confidence: the max softmax probability; a sample is correct when its top-1 is the label.
 *   <li>ECE (Guo et al. 2017, whose reference code {@code gpleiss/temperature_scaling} this follows):
 *       15 bins with edges k/15, bin k holding confidences in (k/15, (k+1)/15] (the first bin also
 *       holds 0); the sum over bins of (bin size / N) * |accuracy - mean confidence| in the bin.
 *   <li>NLL: the mean of -log softmax at the label, as log-sum-exp minus the label's logit with the
 *       maximum subtracted first. From probabilities it is -log p; a label probability of exactly 0
 *       gives an infinite NLL, so pass logits where there are any.
 *   <li>Brier: the mean over samples of the sum over classes of (p - onehot)^2, so in [0, 2] (the
 *       original multi-class score of Brier 1950; some papers divide by C).
 *   <li>AURC (Geifman and El-Yaniv): sort by confidence, highest first; the risk at coverage k/N is
 *       the error rate among the first k; AURC is the mean of the N risks. Tied confidences (many
 *       exact 1.0s from a saturated softmax) would make that depend on input order, so ties are
 *       broken by expectation: the result is the mean over all orders of the tied samples, which
 *       without ties is the plain definition.
 * </ul>
 */
public final class IdMetrics {
    public static final int ECE_BINS = 15;
    private static final int TOP_K = 5;
    /** How far a row of probabilities may sum from 1 (float32 softmax rounding) before it is refused. */
    private static final double SUM_TOLERANCE = 1e-3;

    private IdMetrics() {}

    /** From logits [N][C]: finite, C at least 1, N at least 1, one label per row. */
    public static IdResult fromLogits(float[][] logits, int[] labels) {
        return summarise(fromLogitsSamples(logits, labels), logits[0].length);
    }

    private static Sample[] fromLogitsSamples(float[][] logits, int[] labels) {
        int classes = checkShape(logits, labels, "logits");
        Sample[] samples = new Sample[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float[] row = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (!Float.isFinite(row[c])) throw new QvitException("logits[" + i + "][" + c + "] is " + row[c] + ", not finite");
                max = Math.max(max, row[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.exp(row[c] - max);
            double brier = 0;
            for (int c = 0; c < classes; c++) brier += square(Math.exp(row[c] - max) / sum - (c == labels[i] ? 1 : 0));
            // the max's own term is exp(0) = 1, so the max softmax is exactly 1 / sum
            samples[i] = new Sample(rank(row, labels[i]), 1 / sum, Math.log(sum) + max - row[labels[i]], brier);
        }
        return samples;
    }

    /** From probabilities [N][C]: each in [0, 1], each row summing to 1 within 1e-3. */
    public static IdResult fromProbabilities(float[][] probabilities, int[] labels) {
        int classes = checkShape(probabilities, labels, "probabilities");
        Sample[] samples = new Sample[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            float[] row = probabilities[i];
            double sum = 0, max = 0, brier = 0;
            for (int c = 0; c < classes; c++) {
                if (!(row[c] >= 0 && row[c] <= 1))
                    throw new QvitException("probabilities[" + i + "][" + c + "] is " + row[c] + ", not in [0, 1]; pass logits to fromLogits");
                sum += row[c];
                max = Math.max(max, row[c]);
                brier += square((double) row[c] - (c == labels[i] ? 1 : 0));
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE)
                throw new QvitException("probabilities row " + i + " sums to " + sum + ", not 1; pass logits to fromLogits");
            samples[i] = new Sample(rank(row, labels[i]), max, -Math.log(row[labels[i]]), brier);
        }
        return summarise(samples, classes);
    }

    /** What each metric needs from one sample. {@code rank} 0 is top-1. */
    private record Sample(int rank, double confidence, double nll, double brier) {
        boolean correct() {
            return rank == 0;
        }
    }

    private static int checkShape(float[][] rows, int[] labels, String what) {
        if (rows.length == 0) throw new QvitException("no samples: " + what + " has no rows");
        if (rows.length != labels.length) throw new QvitException(rows.length + " rows of " + what + " but " + labels.length + " labels");
        int classes = rows[0].length;
        if (classes == 0) throw new QvitException(what + " rows have no classes");
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != classes)
                throw new QvitException(what + " row " + i + " has " + rows[i].length + " classes, row 0 has " + classes);
            if (labels[i] < 0 || labels[i] >= classes)
                throw new QvitException("labels[" + i + "] is " + labels[i] + ", outside 0.." + (classes - 1));
        }
        return classes;
    }

    /** Classes ranked above the label: higher inputs, and equal ones with a lower index. */
    private static int rank(float[] row, int label) {
        int rank = 0;
        for (int c = 0; c < row.length; c++) if (row[c] > row[label] || (row[c] == row[label] && c < label)) rank++;
        return rank;
    }

    private static IdResult summarise(Sample[] samples, int classes) {
        int k = Math.min(TOP_K, classes), top1 = 0, topK = 0;
        double nll = 0, brier = 0;
        for (Sample s : samples) {
            if (s.correct()) top1++;
            if (s.rank < k) topK++;
            nll += s.nll;
            brier += s.brier;
        }
        double n = samples.length;
        return new IdResult(top1 / n, topK / n, ece(samples), nll / n, brier / n, aurc(samples));
    }

    /**
     * The {@link #ECE_BINS} confidence bins behind the ECE of {@link #fromLogits}, for a reliability
     * diagram: bin k covers (k/15, (k+1)/15] (the first also holds 0). Empty bins are included.
     */
    public static List<ReliabilityBin> reliability(float[][] logits, int[] labels) {
        return bins(fromLogitsSamples(logits, labels));
    }

    private static List<ReliabilityBin> bins(Sample[] samples) {
        int[] count = new int[ECE_BINS], correct = new int[ECE_BINS];
        double[] confidence = new double[ECE_BINS];
        for (Sample s : samples) {
            int bin = 0;
            while (bin < ECE_BINS - 1 && s.confidence > (bin + 1) / (double) ECE_BINS) bin++;
            count[bin]++;
            if (s.correct()) correct[bin]++;
            confidence[bin] += s.confidence;
        }
        List<ReliabilityBin> bins = new ArrayList<>(ECE_BINS);
        for (int b = 0; b < ECE_BINS; b++)
            bins.add(new ReliabilityBin(b / (double) ECE_BINS, (b + 1) / (double) ECE_BINS, count[b], correct[b], confidence[b]));
        return bins;
    }

    private static double ece(Sample[] samples) {
        // sum over bins of (n_b / N) * |correct_b / n_b - confidence_b / n_b|
        double ece = 0;
        for (ReliabilityBin b : bins(samples)) ece += Math.abs(b.correct() - b.confidenceSum());
        return ece / samples.length;
    }

    private static double aurc(Sample[] samples) {
        Sample[] sorted = samples.clone();
        Arrays.sort(sorted, Comparator.comparingDouble(Sample::confidence).reversed());
        double total = 0, errorsBefore = 0;
        for (int start = 0, end; start < sorted.length; start = end) {
            int errors = 0;
            for (end = start; end < sorted.length && sorted[end].confidence == sorted[start].confidence; end++)
                if (!sorted[end].correct()) errors++;
            int m = end - start;
            // over all orders of the m tied samples, the first j of them hold j * errors / m errors on average
            for (int j = 1; j <= m; j++) total += (errorsBefore + (double) j * errors / m) / (start + j);
            errorsBefore += errors;
        }
        return total / sorted.length;
    }

    private static double square(double x) {
        return x * x;
    }
}
