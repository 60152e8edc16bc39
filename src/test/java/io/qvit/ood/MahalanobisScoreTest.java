package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MahalanobisScoreTest {
    // Class 0 around (0, 0), class 1 around (3, 1), each at offsets (±1, 0), (0, ±1). Per axis, four of
    // the eight centred samples are ±1 and four 0: variance 4/8 = 0.5, no correlation, so Σ⁻¹ = 2·I.
    private static final float[][] FIT = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {4, 1}, {2, 1}, {3, 2}, {3, 0}};
    private static final int[] LABELS = {0, 0, 0, 0, 1, 1, 1, 1};

    private static FitData fitData(float[][] features, int[] labels, int classes) {
        return new FitData(new ModelOutputs(new float[features.length][classes], features), labels, null);
    }

    private static double score(ScoreKind kind, FitData data, float[] x, int classes) {
        return Scores.fit(kind, data, ScoreSettings.DEFAULTS).score(new ModelOutputs(new float[][] {new float[classes]}, new float[][] {x}))[0];
    }

    @Test
    void handComputedMds() {
        // x = (1, 1): MD_0 = 2·(1² + 1²) = 4, MD_1 = 2·((1-3)² + 0²) = 8, so MDS = max(-4, -8) = -4.
        assertEquals(-4, score(ScoreKind.MDS, fitData(FIT, LABELS, 2), new float[] {1, 1}, 2), 1e-12);
    }

    @Test
    void handComputedRelativeMds() {
        // Global mean μ₀ = (1.5, 0.5). Global covariance = within-class 0.5·I plus between-class
        // (1.5, 0.5)(1.5, 0.5)ᵀ = [[2.75, 0.75], [0.75, 0.75]], determinant 1.5.
        // x - μ₀ = (-0.5, 0.5): MD_0 = (0.75·0.25 + 2·0.75·0.25 + 2.75·0.25) / 1.5 = 1.25 / 1.5 = 0.8333.
        // RMDS = max(-(4 - 0.8333), -(8 - 0.8333)) = -3.1667.
        assertEquals(-4 + 1.25 / 1.5, score(ScoreKind.RMDS, fitData(FIT, LABELS, 2), new float[] {1, 1}, 2), 1e-12);
    }

    @Test
    void approachesTheTrueMahalanobisDistanceWithManySamples() {
        SplittableRandom rnd = TestRandom.random("mdsLargeN");
        double[][] means = {{0, 0, 0}, {3, -1, 2}};
        double[][] chol = {{1, 0, 0}, {0.5, 0.8, 0}, {-0.3, 0.4, 0.6}}; // Σ = L·Lᵀ
        int n = 20000;
        float[][] x = new float[n][3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            double[] g = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            for (int r = 0; r < 3; r++) x[i][r] = (float) (means[labels[i]][r] + Covariance.dot(chol[r], g));
        }
        OodScore mds = Scores.fit(ScoreKind.MDS, fitData(x, labels, 2), ScoreSettings.DEFAULTS);
        for (int t = 0; t < 20; t++) {
            float[] q = TestRandom.uniform(rnd, 3, 4f);
            double truth = Math.max(-trueDistance(q, means[0], chol), -trueDistance(q, means[1], chol));
            double got = mds.score(new ModelOutputs(new float[][] {{0, 0}}, new float[][] {q}))[0];
            assertEquals(truth, got, 0.05 * Math.abs(truth) + 0.05, "sampling error shrinks as 1/√n" + TestRandom.seedNote());
        }
    }

    /** (x-μ)ᵀ(L Lᵀ)⁻¹(x-μ) = |L⁻¹(x-μ)|², by forward substitution. */
    private static double trueDistance(float[] x, double[] mean, double[][] chol) {
        double[] y = new double[3];
        double s = 0;
        for (int r = 0; r < 3; r++) {
            double v = x[r] - mean[r];
            for (int c = 0; c < r; c++) v -= chol[r][c] * y[c];
            y[r] = v / chol[r][r];
            s += y[r] * y[r];
        }
        return s;
    }

    @Test
    void featuresInAHyperplaneScoreAsTheirCoordinates() {
        // A LayerNorm output lies in a hyperplane, so its covariance is singular. Embedding 2-D data as
        // (a, b, -a-b) keeps every Mahalanobis distance (pseudo-inverse on the image of the embedding).
        SplittableRandom rnd = TestRandom.random("mdsHyperplane");
        int n = 60;
        float[][] flat = new float[n][], embedded = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            flat[i] = grid(rnd, labels[i]);
            embedded[i] = new float[] {flat[i][0], flat[i][1], -flat[i][0] - flat[i][1]};
        }
        for (ScoreKind kind : new ScoreKind[] {ScoreKind.MDS, ScoreKind.RMDS}) {
            float[] q = grid(rnd, 1);
            double expected = score(kind, fitData(flat, labels, 3), q, 3);
            double got = score(kind, fitData(embedded, labels, 3), new float[] {q[0], q[1], -q[0] - q[1]}, 3);
            assertEquals(expected, got, 1e-9 * Math.abs(expected) + 1e-9, kind + TestRandom.seedNote());
        }
    }

    /** Multiples of 1/8 in [-2, 2) (x shifted by {@code shift}): -a-b stays exact in float, so the plane is exact. */
    private static float[] grid(SplittableRandom rnd, int shift) {
        return new float[] {rnd.nextInt(-16, 16) / 8f + shift, rnd.nextInt(-16, 16) / 8f};
    }
}
