package io.qvit.metrics;

import static io.qvit.testsupport.MetricFixtures.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qvit.QvitException;
import io.qvit.files.Npy;
import io.qvit.testsupport.MetricFixtures;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdMetricsTest {
    @Test
    void matchesTheNumpyFormulas() {
        for (JsonNode c : MetricFixtures.cases("id_cases.json")) {
            String name = c.get("name").asText();
            float[][] values = Npy.read(MetricFixtures.DIR.resolve(c.get("values").asText())).floatRows();
            int[] labels = new int[c.get("labels").size()];
            for (int i = 0; i < labels.length; i++) labels[i] = c.get("labels").get(i).asInt();
            IdResult r = c.get("kind").asText().equals("logits") ? IdMetrics.fromLogits(values, labels)
                    : IdMetrics.fromProbabilities(values, labels);
            assertEquals(c.get("top1").asDouble(), r.top1(), TOLERANCE, name + " top1");
            assertEquals(c.get("top5").asDouble(), r.top5(), TOLERANCE, name + " top5");
            assertEquals(c.get("ece").asDouble(), r.ece(), TOLERANCE, name + " ece");
            assertEquals(c.get("nll").asDouble(), r.nll(), TOLERANCE, name + " nll");
            assertEquals(c.get("brier").asDouble(), r.brier(), TOLERANCE, name + " brier");
            assertEquals(c.get("aurc").asDouble(), r.aurc(), TOLERANCE, name + " aurc");
            for (double v : new double[] {r.top1(), r.top5(), r.ece(), r.aurc()}) assertTrue(v >= 0 && v <= 1, name + ": " + r);
        }
    }

    @Test
    void handCheckedTwoSamples() {
        // Sample 0: logits (0, 0), label 0. p = (.5, .5); the tie ranks class 0 first, so it is correct with
        //   confidence .5; NLL ln 2; Brier (.5-1)^2 + .5^2 = .5.
        // Sample 1: logits (ln 3, 0), label 1. p = (.75, .25); wrong with confidence .75; NLL ln 4;
        //   Brier .75^2 + (.25-1)^2 = 1.125.
        // ECE: .5 is in bin (7/15, 8/15], .75 in (11/15, 12/15]: .5*|1 - .5| + .5*|0 - .75| = .625.
        // AURC: by confidence, the wrong .75 first (risk 1/1), then both (risk 1/2): mean .75.
        IdResult r = IdMetrics.fromLogits(new float[][] {{0, 0}, {(float) Math.log(3), 0}}, new int[] {0, 1});
        double tol = 1e-7; // ln 3 rounded to float
        assertEquals(0.5, r.top1(), tol);
        assertEquals(1, r.top5(), tol, "two classes: the label is always in the top five");
        assertEquals(0.625, r.ece(), tol);
        assertEquals(1.5 * Math.log(2), r.nll(), tol);
        assertEquals(0.8125, r.brier(), tol);
        assertEquals(0.75, r.aurc(), tol);
    }

    @Test
    void aurcOfTiedConfidencesDoesNotDependOnTheirOrder() {
        // Four saturated samples (confidence exactly 1.0), one wrong. Sorted wrong-first the plain definition gives
        // (1 + 1/2 + 1/3 + 1/4)/4, wrong-last (0 + 0 + 0 + 1/4)/4; by expectation it is the error rate, 1/4.
        float[][] logits = {{200, 0}, {200, 0}, {200, 0}, {200, 0}};
        SplittableRandom rnd = TestRandom.random("IdMetricsTest.aurcTies");
        for (int trial = 0; trial < 4; trial++) {
            int[] labels = new int[4];
            labels[rnd.nextInt(4)] = 1;
            IdResult r = IdMetrics.fromLogits(logits, labels);
            assertEquals(0.25, r.aurc(), 1e-15, TestRandom.seedNote());
            assertEquals(0.25, r.ece(), 1e-15, "confidence 1, accuracy .75" + TestRandom.seedNote());
        }
    }

    @Test
    void probabilitiesAgreeWithTheLogitsTheyCameFrom() {
        SplittableRandom rnd = TestRandom.random("IdMetricsTest.probabilities");
        int n = 200, classes = 2 + rnd.nextInt(20);
        float[][] logits = new float[n][], probabilities = new float[n][classes];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            logits[i] = TestRandom.uniform(rnd, classes, 4f);
            labels[i] = rnd.nextInt(classes);
            double sum = 0;
            for (float v : logits[i]) sum += Math.exp(v);
            for (int c = 0; c < classes; c++) probabilities[i][c] = (float) (Math.exp(logits[i][c]) / sum);
        }
        IdResult a = IdMetrics.fromLogits(logits, labels), b = IdMetrics.fromProbabilities(probabilities, labels);
        String note = a + " vs " + b + TestRandom.seedNote();
        assertEquals(a.top1(), b.top1(), note);
        assertEquals(a.top5(), b.top5(), note);
        assertEquals(a.nll(), b.nll(), 1e-5, note);
        assertEquals(a.brier(), b.brier(), 1e-5, note);
    }

    @Test
    void badInputIsNamed() {
        assertMessage("labels[1] is 3, outside 0..2", () -> IdMetrics.fromLogits(new float[][] {{1, 2, 3}, {1, 2, 3}}, new int[] {0, 3}));
        assertMessage("labels[0] is -1", () -> IdMetrics.fromLogits(new float[][] {{1, 2}}, new int[] {-1}));
        assertMessage("logits[0][1] is NaN", () -> IdMetrics.fromLogits(new float[][] {{1, Float.NaN}}, new int[] {0}));
        assertMessage("2 rows of logits but 1 labels", () -> IdMetrics.fromLogits(new float[][] {{1}, {2}}, new int[] {0}));
        assertMessage("logits row 1 has 1 classes", () -> IdMetrics.fromLogits(new float[][] {{1, 2}, {2}}, new int[] {0, 0}));
        assertMessage("no samples", () -> IdMetrics.fromLogits(new float[0][], new int[0]));
        assertMessage("row 0 sums to", () -> IdMetrics.fromProbabilities(new float[][] {{0.5f, 0.1f}}, new int[] {0}));
        assertMessage("not in [0, 1]", () -> IdMetrics.fromProbabilities(new float[][] {{2f, -1f}}, new int[] {0}));
    }

    private static void assertMessage(String expected, Runnable call) {
        QvitException e = assertThrows(QvitException.class, call::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
