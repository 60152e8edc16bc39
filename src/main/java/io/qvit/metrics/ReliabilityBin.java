package io.qvit.metrics;

/**
 * One confidence bin of a reliability diagram ({@link IdMetrics#reliability}): the samples whose
 * max-softmax confidence lies in (lo, hi], how many of them were classified correctly, and the sum
 * of their confidences.
 */
public record ReliabilityBin(double lo, double hi, int count, int correct, double confidenceSum) {
    /** Fraction correct in the bin; NaN when it is empty. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Mean confidence in the bin; NaN when it is empty. */
    public double meanConfidence() {
        return count == 0 ? Double.NaN : confidenceSum / count;
    }
}
