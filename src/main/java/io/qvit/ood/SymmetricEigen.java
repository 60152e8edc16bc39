package io.qvit.ood;

/**
 * Eigen-decomposition of a real symmetric matrix in double precision: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm (EISPACK's tred2 and tql2, as in JAMA). About
 * 4n³ flops; n = 768 takes a few seconds. Written here rather than pulled in as a library because the
 * scores need only this one routine and the pseudo-inverse built on it.
 */
final class SymmetricEigen {
    /** Eigenvalues, ascending. */
    final double[] values;
    /** {@code vectors[k]} is the unit eigenvector of {@code values[k]}. */
    final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes {@code a}, which must be symmetric; only its lower triangle is read. {@code a} is not changed. */
    static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) v[i] = a[i].clone();
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(v, d, e);
        // QL rotates pairs of columns of v; as rows of the transpose those are contiguous.
        double[][] vt = transpose(v);
        diagonalize(vt, d, e);
        return sorted(d, vt);
    }

    /**
     * The Moore-Penrose inverse of the decomposed (symmetric) matrix. Eigenvalues with
     * {@code |λ| <= n·2⁻⁵²·max|λ|} count as zero, the cutoff of scipy's {@code pinvh} that
     * scikit-learn's {@code EmpiricalCovariance.precision_} uses.
     */
    double[][] pseudoInverse() {
        int n = values.length;
        double largest = 0;
        for (double l : values) largest = Math.max(largest, Math.abs(l));
        double cutoff = n * Math.ulp(1.0) * largest;
        double[][] inv = new double[n][n];
        for (int k = 0; k < n; k++) {
            if (Math.abs(values[k]) <= cutoff) continue;
            double[] u = vectors[k];
            double s = 1 / values[k];
            for (int i = 0; i < n; i++) {
                double si = s * u[i];
                double[] row = inv[i];
                for (int j = 0; j < n; j++) row[j] += si * u[j];
            }
        }
        return inv;
    }

    private static double[][] transpose(double[][] m) {
        int n = m.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[j][i] = m[i][j];
        return t;
    }

    private static SymmetricEigen sorted(double[] d, double[][] vt) {
        int n = d.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y]));
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = d[order[k]];
            vectors[k] = vt[order[k]];
        }
        return new SymmetricEigen(values, vectors);
    }

    /** tred2: on return v holds the orthogonal transformation, d the diagonal, e the subdiagonal in e[1..n-1]. */
    private static void tridiagonalize(double[][] v, double[] d, double[] e) {
        int n = d.length;
        for (int j = 0; j < n; j++) d[j] = v[n - 1][j];
        for (int i = n - 1; i > 0; i--) {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(d[k]);
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                    v[j][i] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) v[k][j] -= f * e[k] + g * d[k];
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) d[k] = v[k][i + 1] / h;
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += v[k][i + 1] * v[k][j];
                    for (int k = 0; k <= i; k++) v[k][j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) v[k][i + 1] = 0;
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0;
        }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    /** tql2 on the tridiagonal (d, e), rotating the rows of vt (the transposed transformation). */
    private static void diagonalize(double[][] vt, double[] d, double[] e) {
        int n = d.length;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
            if (m > l) {
                int iterations = 0;
                do {
                    if (++iterations > 100) throw new IllegalStateException("eigenvalue " + l + " did not converge in 100 QL iterations");
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    double el1 = e[l + 1];
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        double[] a = vt[i], b = vt[i + 1];
                        for (int k = 0; k < n; k++) {
                            double bk = b[k];
                            b[k] = s * a[k] + c * bk;
                            a[k] = c * a[k] - s * bk;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    /** sqrt(a² + b²) without Math.hypot's slow exact rounding; the operands here are far from overflow. */
    private static double hypot(double a, double b) {
        return Math.sqrt(a * a + b * b);
    }
}
