package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KnnScoreTest {
    /** A 2-D feature at angle θ with length r: after normalisation only θ counts. */
    private static float[] at(double theta, double r) {
        return new float[] {(float) (r * Math.cos(theta)), (float) (r * Math.sin(theta))};
    }

    @Test
    void distanceToTheKthNeighbourOnTheUnitCircle() {
        // Fit directions 0, 0.1, 0.2, 0.3, 0.4 rad (of assorted lengths); query at 0.25 rad.
        // Unit vectors at angles a, b are 2·sin(|a - b| / 2) apart: the 1st and 2nd neighbours (0.2, 0.3)
        // are 2·sin(0.025) away, the 3rd (0.1 or 0.4) 2·sin(0.075).
        float[][] fit = {at(0, 3), at(0.1, 0.5), at(0.2, 1), at(0.3, 9), at(0.4, 2)};
        FitData data = new FitData(new ModelOutputs(new float[5][2], fit), null, null);
        ModelOutputs query = new ModelOutputs(new float[1][2], new float[][] {at(0.25, 7)});
        double[] expected = {2 * Math.sin(0.025), 2 * Math.sin(0.025), 2 * Math.sin(0.075), 2 * Math.sin(0.075), 2 * Math.sin(0.125)};
        for (int k = 1; k <= 5; k++) {
            double s = Scores.fit(ScoreKind.KNN, data, ScoreSettings.DEFAULTS.withKnnK(k)).score(query)[0];
            assertEquals(-expected[k - 1], s, 1e-6, "K = " + k);
        }
    }
}
