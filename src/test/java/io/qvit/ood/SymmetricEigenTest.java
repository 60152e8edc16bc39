package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    @Test
    void twoByTwo() {
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3 with eigenvectors (1, -1)/√2 and (1, 1)/√2.
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertArrayEquals(new double[] {1, 3}, e.values, 1e-14);
        assertEquals(0, Math.abs(e.vectors[1][0] - e.vectors[1][1]), 1e-14);
        assertEquals(1 / Math.sqrt(2), Math.abs(e.vectors[1][0]), 1e-14);
    }

    @Test
    void degenerateMatrices() {
        check(new double[4][4], "zero");
        double[][] identity = new double[5][5];
        for (int i = 0; i < 5; i++) identity[i][i] = 1;
        check(identity, "identity");
        check(new double[][] {{7}}, "1x1");
    }

    @Test
    void randomSymmetricMatrices() {
        SplittableRandom rnd = TestRandom.random("eigen");
        for (int n : new int[] {2, 3, 8, 33, 64}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i][j] = a[j][i] = rnd.nextDouble(-1, 1);
            check(a, "random " + n + TestRandom.seedNote());
        }
    }

    @Test
    void pseudoInverseOfARankOneMatrix() {
        // A = v vᵀ with |v|² = 9: A⁺ = v vᵀ / 81.
        double[] v = {1, 2, 2};
        double[][] a = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) a[i][j] = v[i] * v[j];
        double[][] inv = SymmetricEigen.of(a).pseudoInverse();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(v[i] * v[j] / 81, inv[i][j], 1e-15);
    }

    /** A·v = λ·v for every pair, eigenvectors orthonormal, eigenvalues ascending. */
    private static void check(double[][] a, String what) {
        int n = a.length;
        SymmetricEigen e = SymmetricEigen.of(a);
        double scale = 1;
        for (double[] row : a) for (double x : row) scale = Math.max(scale, Math.abs(x));
        for (int k = 0; k < n; k++) {
            if (k > 0) assertTrue(e.values[k - 1] <= e.values[k], what + ": ascending");
            double[] av = Covariance.times(a, e.vectors[k]);
            for (int i = 0; i < n; i++) assertEquals(e.values[k] * e.vectors[k][i], av[i], 1e-12 * scale * n, what + ": A v = λ v");
            for (int l = 0; l < n; l++) assertEquals(k == l ? 1 : 0, Covariance.dot(e.vectors[k], e.vectors[l]), 1e-12 * n, what + ": orthonormal");
        }
    }
}
