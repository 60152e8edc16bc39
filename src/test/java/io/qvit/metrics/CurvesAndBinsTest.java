package io.qvit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The curves and bins exposed for plots agree with the metrics computed from them. */
class CurvesAndBinsTest {
    @Test
    void curvesAreTheOnesTheAreasAreTakenUnder() {
        double[] id = {0.9, 0.8, 0.8, 0.4, 0.7}, ood = {0.1, 0.8, 0.3};
        OodCurves c = OodMetrics.curves(id, ood);
        OodResult m = OodMetrics.compute(id, ood);
        double roc = 0, pr = 0;
        for (int k = 1; k < c.fpr().length; k++) {
            roc += (c.fpr()[k] - c.fpr()[k - 1]) * (c.tpr()[k] + c.tpr()[k - 1]) / 2;
            pr += (c.recall()[k] - c.recall()[k - 1]) * (c.precision()[k] + c.precision()[k - 1]) / 2;
        }
        assertEquals(m.auroc(), roc, 1e-12);
        assertEquals(m.auprOut(), pr, 1e-12);
        assertEquals(1, c.fpr()[c.fpr().length - 1], 0);
        assertEquals(1, c.tpr()[c.tpr().length - 1], 0);
        assertEquals(1, c.precision()[0], 0);
    }

    @Test
    void reliabilityBinsGiveTheEce() {
        float[][] logits = {{3, 0, 0}, {0, 2, 0}, {1, 1, 0}, {0, 0, 5}, {0.1f, 0, 0}};
        int[] labels = {0, 0, 1, 2, 2};
        List<ReliabilityBin> bins = IdMetrics.reliability(logits, labels);
        assertEquals(IdMetrics.ECE_BINS, bins.size());
        double ece = 0;
        int n = 0;
        for (ReliabilityBin b : bins) {
            n += b.count();
            if (b.count() > 0) ece += b.count() * Math.abs(b.accuracy() - b.meanConfidence());
        }
        assertEquals(logits.length, n);
        assertEquals(IdMetrics.fromLogits(logits, labels).ece(), ece / n, 1e-12);
        assertArrayEquals(new double[] {0, 1.0 / 15}, new double[] {bins.get(0).lo(), bins.get(0).hi()}, 1e-15);
    }
}
