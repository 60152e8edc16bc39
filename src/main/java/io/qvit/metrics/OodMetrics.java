package io.qvit.metrics;

import io.qvit.QvitException;

/**
 * AUROC, AUPR-In, AUPR-Out and FPR@95TPR of an OOD detector, with the conventions of OpenOOD v1.5
 * ({@code openood/evaluators/metrics.py}, {@code auc_and_fpr_recall}) on top of scikit-learn:
 *
 * <ul>
 *   <li>Scores are the detector's: higher means more in-distribution (for example max softmax).
 *   <li>{@code auroc}: OOD is the positive class, scored by the negated score {@code -s}; the
 *       trapezoid area under {@code roc_curve}, which equals {@code roc_auc_score}. Ties count half.
 *   <li>{@code aupr_in}: ID positive, scored by {@code s}; {@code aupr_out}: OOD positive, scored by
 *       {@code -s}. Each is {@code auc(recall, precision)} over {@code precision_recall_curve}, that is
 *       the trapezoid area over every distinct threshold plus sklearn's final point (recall 0,
 *       precision 1); not {@code average_precision_score}, which is a step sum and differs.
 *   <li>{@code fpr95}: with OOD positive and score {@code -s}, the false-positive rate at the first
 *       point of {@code roc_curve} (thresholds from high to low {@code -s}) whose TPR is at least 0.95.
 *       The TPR is the fraction of <em>OOD</em> samples caught (score at or below the threshold), the
 *       FPR the fraction of <em>ID</em> samples wrongly flagged with them. The older Hendrycks/ODIN
 *       convention (95% of ID kept, fraction of OOD let through) is a different number.
 * </ul>
 *
 * <p>Ties follow scikit-learn exactly: the curves have one point per distinct score, so samples with
 * equal scores (common: a saturated softmax gives many exact 1.0s) move together. Dropping collinear
 * points ({@code roc_curve}'s {@code drop_intermediate}) changes neither the area nor the first point
 * reaching 95% TPR, so every distinct threshold is kept here.
 */
public final class OodMetrics {
    /** The TPR at which {@code fpr95} is read. */
    public static final double TPR = 0.95;

    private OodMetrics() {}

    /**
     * @param idScores scores of in-distribution samples, at least one, all finite
     * @param oodScores scores of out-of-distribution samples, at least one, all finite
     */
    public static OodResult compute(double[] idScores, double[] oodScores) {
        requireScores(idScores, "ID scores");
        requireScores(oodScores, "OOD scores");
        ThresholdCounts oodPositive = ThresholdCounts.of(negated(oodScores), negated(idScores));
        ThresholdCounts idPositive = ThresholdCounts.of(idScores, oodScores);
        return new OodResult(rocArea(oodPositive), prArea(idPositive), prArea(oodPositive), fpr95(oodPositive));
    }

    /** The ROC and PR curves (OOD positive) whose areas {@link #compute} reports; same inputs. */
    public static OodCurves curves(double[] idScores, double[] oodScores) {
        requireScores(idScores, "ID scores");
        requireScores(oodScores, "OOD scores");
        ThresholdCounts c = ThresholdCounts.of(negated(oodScores), negated(idScores));
        int n = c.thresholds() + 1;
        double[] fpr = new double[n], tpr = new double[n], recall = new double[n], precision = new double[n];
        precision[0] = 1;
        for (int k = 0; k < c.thresholds(); k++) {
            int tp = c.truePositives[k];
            fpr[k + 1] = (double) c.falsePositives[k] / c.negatives;
            tpr[k + 1] = recall[k + 1] = (double) tp / c.positives;
            precision[k + 1] = (double) tp / ((long) tp + c.falsePositives[k]);
        }
        return new OodCurves(fpr, tpr, recall, precision);
    }

    private static void requireScores(double[] scores, String name) {
        if (scores.length == 0) throw new QvitException(name + ": no scores; OOD metrics need at least one ID and one OOD sample");
        for (int i = 0; i < scores.length; i++)
            if (!Double.isFinite(scores[i])) throw new QvitException(name + "[" + i + "] is " + scores[i] + ", not a finite number");
    }

    private static double[] negated(double[] scores) {
        double[] out = new double[scores.length];
        for (int i = 0; i < out.length; i++) out[i] = -scores[i];
        return out;
    }

    /** Trapezoids from (0, 0) through (FPR, TPR) at each threshold; the last point is (1, 1). */
    private static double rocArea(ThresholdCounts c) {
        double area = 0, x = 0, y = 0;
        for (int k = 0; k < c.thresholds(); k++) {
            double nx = (double) c.falsePositives[k] / c.negatives, ny = (double) c.truePositives[k] / c.positives;
            area += (nx - x) * (y + ny) / 2;
            x = nx;
            y = ny;
        }
        return area;
    }

    /** Trapezoids over (recall, precision), starting at sklearn's appended point (0, 1). */
    private static double prArea(ThresholdCounts c) {
        double area = 0, recall = 0, precision = 1;
        for (int k = 0; k < c.thresholds(); k++) {
            int tp = c.truePositives[k];
            double r = (double) tp / c.positives, p = (double) tp / ((long) tp + c.falsePositives[k]);
            area += (r - recall) * (precision + p) / 2;
            recall = r;
            precision = p;
        }
        return area;
    }

    /** numpy's {@code fpr[argmax(tpr >= 0.95)]}; the last threshold has TPR 1, so one is always found. */
    private static double fpr95(ThresholdCounts c) {
        for (int k = 0; ; k++)
            if ((double) c.truePositives[k] / c.positives >= TPR) return (double) c.falsePositives[k] / c.negatives;
    }
}
