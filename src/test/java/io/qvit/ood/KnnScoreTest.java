package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.testsupport.TestRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
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

    /**
     * Against a double-precision scan of the whole (float32) normalised bank, on ragged random shapes
     * with near-duplicate bank rows: neighbours whose distances differ by about 1e-6, below what an fp32
     * product resolves, so ranking by the matrix product alone would pick wrong ones. The reference
     * sorts all distances; only its summation order differs, hence 1e-12.
     */
    @Test
    void matchesADoublePrecisionScanOnNearTies() {
        SplittableRandom rnd = TestRandom.random("knn near ties");
        for (int[] shape : new int[][] {{37, 301, 23}, {192, 517, 41}, {5, 9, 3}}) {
            int dim = shape[0], n = shape[1], queries = shape[2];
            float[][] fit = new float[n][];
            float[][] query = new float[queries][];
            for (int q = 0; q < queries; q++) query[q] = TestRandom.uniform(rnd, dim, 1 + rnd.nextInt(5));
            for (int i = 0; i < n; i++) {
                float[] base = i % 3 == 0 ? query[rnd.nextInt(queries)] : TestRandom.uniform(rnd, dim, 2);
                fit[i] = new float[dim];
                double scale = 0.1 + rnd.nextDouble(10);
                for (int j = 0; j < dim; j++) fit[i][j] = (float) ((base[j] + (i % 3 == 0 ? 1e-6 : 0) * rnd.nextGaussian()) * scale);
            }
            FitData data = new FitData(new ModelOutputs(new float[n][2], fit), null, null);
            ModelOutputs outputs = new ModelOutputs(new float[queries][2], query);
            for (int k : new int[] {1, 2, 7, Math.min(n, 50)}) {
                double[] actual = Scores.fit(ScoreKind.KNN, data, ScoreSettings.DEFAULTS.withKnnK(k)).score(outputs);
                for (int q = 0; q < queries; q++) {
                    double expected = -Math.sqrt(referenceKth(fit, query[q], k));
                    assertEquals(expected, actual[q], 1e-12, "dim " + dim + ", bank " + n + ", K = " + k + ", query " + q + TestRandom.seedNote());
                }
            }
        }
    }

    /** The k-th smallest squared distance from the unit query (double) to the unit bank rows (rounded to float). */
    private static double referenceKth(float[][] fit, float[] query, int k) {
        double[] q = unit(query);
        double[] d = new double[fit.length];
        for (int i = 0; i < fit.length; i++) {
            double[] b = unit(fit[i]);
            for (int j = 0; j < q.length; j++) {
                double diff = q[j] - (float) b[j];
                d[i] += diff * diff;
            }
        }
        Arrays.sort(d);
        return d[k - 1];
    }

    private static double[] unit(float[] x) {
        double norm = 0;
        for (float v : x) norm += (double) v * v;
        norm = Math.sqrt(norm);
        double[] u = new double[x.length];
        for (int j = 0; j < x.length; j++) u[j] = x[j] / norm;
        return u;
    }
}
