package io.qvit.metrics;

import static io.qvit.testsupport.MetricFixtures.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qvit.QvitException;
import io.qvit.testsupport.MetricFixtures;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OodMetricsTest {
    @Test
    void matchesScikitLearnWithOpenOodConventions() {
        for (JsonNode c : MetricFixtures.cases("ood_cases.json")) {
            String name = c.get("name").asText();
            OodResult r = OodMetrics.compute(MetricFixtures.doubles(c.get("id")), MetricFixtures.doubles(c.get("ood")));
            assertEquals(c.get("auroc").asDouble(), r.auroc(), TOLERANCE, name + " auroc");
            assertEquals(c.get("aupr_in").asDouble(), r.auprIn(), TOLERANCE, name + " aupr_in");
            assertEquals(c.get("aupr_out").asDouble(), r.auprOut(), TOLERANCE, name + " aupr_out");
            assertEquals(c.get("fpr95").asDouble(), r.fpr95(), TOLERANCE, name + " fpr95");
        }
    }

    @Test
    void handCheckedSmallCases() {
        // ID {0.9, 0.8} all above OOD {0.2, 0.1}: every metric is perfect.
        assertResult(1, 1, 1, 0, OodMetrics.compute(new double[] {0.9, 0.8}, new double[] {0.1, 0.2}));

        // ID {0.9, 0.2}, OOD {0.8, 0.1}. OOD positive, thresholds low to high s: 0.1 (O), 0.2 (I), 0.8 (O), 0.9 (I).
        // ROC (FPR, TPR): (0,0) (0,.5) (.5,.5) (.5,1) (1,1): area .5*.5 + .5*1 = .75; TPR first >= .95 at FPR .5.
        // PR-Out (recall, precision) from sklearn's (0,1): (.5,1) (.5,.5) (1,2/3) (1,.5): .5*1 + .5*(.5+2/3)/2 = 19/24.
        // PR-In (ID positive, high to low s: .9 I, .8 O, .2 I, .1 O) has the same points: 19/24.
        assertResult(0.75, 19.0 / 24, 19.0 / 24, 0.5, OodMetrics.compute(new double[] {0.9, 0.2}, new double[] {0.8, 0.1}));

        // Ties, as from a saturated softmax: ID {1, 1}, OOD {1, .5}. The three 1.0s enter together.
        // ROC: (0,0), (0,.5) after the OOD .5, then (1,1) for the tied group: area (.5 + 1)/2 = .75 (Mann-Whitney
        // agrees: each ID 1.0 beats the .5 and ties the OOD 1.0 for half, (1 + .5) * 2 / 4 pairs). TPR reaches .95
        // only with the three 1.0s, so FPR95 is 1: tied scores cannot tell the sets apart.
        // PR-Out: (0,1) (.5,1) (1,2/4): .5 + .5*(1+.5)/2 = .875. PR-In: (0,1) then (1,2/3) for the tied group,
        // then (1,.5): 1*(1+2/3)/2 = 5/6.
        assertResult(0.75, 5.0 / 6, 0.875, 1, OodMetrics.compute(new double[] {1, 1}, new double[] {1, 0.5}));
    }

    @Test
    void aurocIsTheMannWhitneyStatisticAndSwappingTheSetsMirrorsEverything() {
        SplittableRandom rnd = TestRandom.random("OodMetricsTest.mannWhitney");
        for (int trial = 0; trial < 20; trial++) {
            // scores on a coarse grid, so ties are frequent
            double[] id = grid(rnd, 1 + rnd.nextInt(60), 0.2), ood = grid(rnd, 1 + rnd.nextInt(60), 0.0);
            double pairs = 0;
            for (double i : id) for (double o : ood) pairs += i > o ? 1 : i == o ? 0.5 : 0;
            OodResult r = OodMetrics.compute(id, ood), swapped = OodMetrics.compute(negate(id), negate(ood));
            String note = "trial " + trial + TestRandom.seedNote();
            assertEquals(pairs / (id.length * ood.length), r.auroc(), 1e-12, note);
            // negating every score makes ID the OOD-looking set: AUROC mirrors, the two AUPRs trade places
            OodResult mirrored = OodMetrics.compute(negate(ood), negate(id));
            assertEquals(r.auroc(), mirrored.auroc(), 1e-12, note);
            assertEquals(r.auprIn(), mirrored.auprOut(), 1e-12, note);
            assertEquals(1 - r.auroc(), swapped.auroc(), 1e-12, note);
            for (double v : new double[] {r.auroc(), r.auprIn(), r.auprOut(), r.fpr95()}) assertTrue(v >= 0 && v <= 1, note);
        }
    }

    @Test
    void badScoresAreNamed() {
        QvitException nan = assertThrows(QvitException.class, () -> OodMetrics.compute(new double[] {1}, new double[] {0, Double.NaN}));
        assertTrue(nan.getMessage().contains("OOD scores[1]") && nan.getMessage().contains("NaN"), nan.getMessage());
        QvitException inf = assertThrows(QvitException.class,
                () -> OodMetrics.compute(new double[] {Double.NEGATIVE_INFINITY}, new double[] {0}));
        assertTrue(inf.getMessage().contains("ID scores[0]"), inf.getMessage());
        QvitException empty = assertThrows(QvitException.class, () -> OodMetrics.compute(new double[0], new double[] {0}));
        assertTrue(empty.getMessage().contains("ID scores: no scores"), empty.getMessage());
    }

    private static void assertResult(double auroc, double auprIn, double auprOut, double fpr95, OodResult r) {
        assertEquals(auroc, r.auroc(), 1e-12, "auroc of " + r);
        assertEquals(auprIn, r.auprIn(), 1e-12, "aupr_in of " + r);
        assertEquals(auprOut, r.auprOut(), 1e-12, "aupr_out of " + r);
        assertEquals(fpr95, r.fpr95(), 1e-12, "fpr95 of " + r);
    }

    private static double[] grid(SplittableRandom rnd, int n, double shift) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Math.round((rnd.nextGaussian() + shift) * 4) / 4.0;
        return v;
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = -v[i];
        return out;
    }
}
