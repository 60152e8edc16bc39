package io.qvit.ood;

import java.util.function.IntFunction;

/** Means and biased (1/n) covariance matrices of float features, accumulated in double. */
final class Covariance {
    private Covariance() {}

    static double[] mean(float[][] x) {
        double[] m = new double[x[0].length];
        for (float[] row : x) for (int j = 0; j < m.length; j++) m[j] += row[j];
        for (int j = 0; j < m.length; j++) m[j] /= x.length;
        return m;
    }

    /**
     * (1/n) Σᵢ (xᵢ - cᵢ)(xᵢ - cᵢ)ᵀ, where cᵢ = {@code centerOf.apply(i)} is the mean sample i is
     * measured from: its class mean for a tied covariance, the global mean for a plain one, or a fixed
     * origin. Same normalisation as scikit-learn's EmpiricalCovariance.
     */
    static double[][] around(float[][] x, IntFunction<double[]> centerOf) {
        int d = x[0].length;
        double[][] cov = new double[d][d];
        double[] diff = new double[d];
        for (int i = 0; i < x.length; i++) {
            double[] c = centerOf.apply(i);
            for (int j = 0; j < d; j++) diff[j] = x[i][j] - c[j];
            // Upper triangle only: a contiguous axpy per row, mirrored below.
            for (int j = 0; j < d; j++) {
                double dj = diff[j];
                double[] row = cov[j];
                for (int k = j; k < d; k++) row[k] += dj * diff[k];
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = j; k < d; k++) {
                cov[j][k] /= x.length;
                cov[k][j] = cov[j][k];
            }
        }
        return cov;
    }

    /** {@code m·v} for a square or rectangular double matrix. */
    static double[] times(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) out[i] = dot(m[i], v);
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
