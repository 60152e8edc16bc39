package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemperatureFitTest {
    @Test
    void handComputedMinimum() {
        // Logits [1, 0] three times, labels 0, 0, 1. With β = 1/T and σ(β) = p(class 0):
        // NLL = -(2 ln σ(β) + ln(1 - σ(β))) / 3, smallest where σ(β) = 2/3, i.e. β = ln 2, T = 1/ln 2 = 1.4427.
        float[][] z = {{1, 0}, {1, 0}, {1, 0}};
        assertEquals(1 / Math.log(2), TemperatureFit.fit(z, new int[] {0, 0, 1}), 1e-7);
    }

    @Test
    void aMinimumBeyondTheRangeEndsAtItsEdge() {
        // One right and one wrong at the same logits: the NLL falls towards T = ∞.
        assertEquals(TemperatureFit.MAX_T, TemperatureFit.fit(new float[][] {{1, 0}, {1, 0}}, new int[] {0, 1}), 1e-6);
    }

    @Test
    void recoversTheTemperatureThatGeneratedTheLabels() {
        SplittableRandom rnd = TestRandom.random("temperature");
        double trueT = 2.5;
        int n = 20000, classes = 5;
        float[][] z = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            z[i] = TestRandom.uniform(rnd, classes, 6f);
            double[] p = new double[classes];
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[c] = Math.exp(z[i][c] / trueT);
            double u = rnd.nextDouble() * sum;
            int c = 0;
            while (c < classes - 1 && (u -= p[c]) > 0) c++;
            labels[i] = c;
        }
        double t = TemperatureFit.fit(z, labels);
        assertEquals(trueT, t, 0.1 * trueT, "maximum-likelihood T" + TestRandom.seedNote());
        double at = TemperatureFit.nll(z, labels, t);
        assertTrue(at <= TemperatureFit.nll(z, labels, t * 1.001) && at <= TemperatureFit.nll(z, labels, t / 1.001),
                "fitted T is a local minimum of the NLL" + TestRandom.seedNote());
    }
}
