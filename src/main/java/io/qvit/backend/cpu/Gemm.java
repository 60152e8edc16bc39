package io.qvit.backend.cpu;

/**
 * {@code C[M,N] += A[M,K] . W[N,K]^T} with W packed into panels. Blocking, outermost first:
 * K in blocks of at most {@link #KC_MAX} (one weight panel slice, {@code kc * nr} floats, stays in
 * L1 while it meets every row of A), then panels of {@code nr} columns, then micro-tiles of
 * {@link Kernels#MR} rows. Callers split M across threads; the k-blocks depend on K alone, so each
 * element's sum runs in the same order whatever the split.
 */
final class Gemm {
    /**
     * 192 k-steps of a 48-wide panel are 36 KiB, inside a 48 KiB L1 with room for the A rows. At the ViT
     * shapes 128, 192, 256 and 384 measured within noise of each other (K is at most 1536).
     */
    static final int KC_MAX = 192;

    private final Kernels kernels;

    Gemm(Kernels kernels) {
        this.kernels = kernels;
    }

    int nr() {
        return kernels.nr();
    }

    /** Equal k-blocks of at most KC_MAX, so no block is a short tail. */
    static int kBlock(int k) {
        int blocks = (k + KC_MAX - 1) / KC_MAX;
        return (k + blocks - 1) / blocks;
    }

    /**
     * Accumulates {@code m} rows: A row r at {@code a[aOff + r*lda]}, C row r at {@code c[cOff + r*ldc]};
     * C must already hold the bias (or zeros).
     */
    void multiplyAdd(float[] a, int aOff, int lda, int m, PackedWeights w, float[] c, int cOff, int ldc) {
        int nr = w.nr;
        if (nr != kernels.nr()) throw new IllegalArgumentException("weights packed for nr=" + nr + ", kernel needs " + kernels.nr());
        int kc = kBlock(w.k);
        float[] edge = null; // ragged last panel: the kernel writes full panels, so it works on a copy
        for (int k0 = 0; k0 < w.k; k0 += kc) {
            int kLen = Math.min(kc, w.k - k0);
            for (int p = 0; p < w.panels(); p++) {
                int n0 = p * nr;
                int cols = Math.min(nr, w.n - n0);
                int bOff = w.offset(p, k0);
                for (int i = 0; i < m; i += Kernels.MR) {
                    int rows = Math.min(Kernels.MR, m - i);
                    int aRow = aOff + i * lda + k0;
                    int cRow = cOff + i * ldc + n0;
                    if (cols == nr) {
                        kernels.tile(a, aRow, lda, rows, nr, w.data, bOff, kLen, c, cRow, ldc);
                    } else {
                        if (edge == null) edge = new float[Kernels.MR * nr];
                        for (int r = 0; r < rows; r++) System.arraycopy(c, cRow + r * ldc, edge, r * nr, cols);
                        kernels.tile(a, aRow, lda, rows, cols, w.data, bOff, kLen, edge, 0, nr);
                        for (int r = 0; r < rows; r++) System.arraycopy(edge, r * nr, c, cRow + r * ldc, cols);
                    }
                }
            }
        }
    }
}
