package io.qvit.backend.cpu;

/**
 * A matrix {@code W[N,K]} repacked for the GEMM micro-kernel: column panels of {@code nr} output
 * features, each panel storing, for k = 0..K-1, its {@code nr} values {@code W[n][k]} side by side
 * (zeros past N, unless packed into reused scratch). The kernel then reads one panel strictly sequentially, {@code nr} floats per k.
 */
final class PackedWeights {
    final int n;
    final int k;
    final int nr;
    final float[] data;

    private PackedWeights(int n, int k, int nr, float[] data) {
        this.n = n;
        this.k = k;
        this.nr = nr;
        this.data = data;
    }

    /**
     * Packs the matrix whose element {@code W[i][j]} is {@code src[off + i*strideN + j*strideK]}; the
     * strides let attention pack K (a row-major slice of qkv) and V (its transpose) without copies.
     */
    static PackedWeights pack(float[] src, int off, int strideN, int strideK, int n, int k, int nr) {
        return packInto(new float[size(n, k, nr)], src, off, strideN, strideK, n, k, nr);
    }

    /** Floats that a packing of {@code W[n,k]} into panels of {@code nr} takes. */
    static int size(int n, int k, int nr) {
        return (n + nr - 1) / nr * nr * k;
    }

    /**
     * As {@link #pack}, into {@code data} (at least {@link #size} floats; reused scratch). Columns past N
     * keep what the array held: the kernel computes them, but no result of theirs is ever stored.
     */
    static PackedWeights packInto(float[] data, float[] src, int off, int strideN, int strideK, int n, int k, int nr) {
        int panels = (n + nr - 1) / nr;
        for (int p = 0; p < panels; p++) {
            int cols = Math.min(nr, n - p * nr);
            int base = p * nr * k;
            if (strideN == 1) { // W^T stored row-major (attention's V): each k is one contiguous run
                for (int kk = 0; kk < k; kk++) System.arraycopy(src, off + p * nr + kk * strideK, data, base + kk * nr, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    int s = off + (p * nr + j) * strideN;
                    for (int kk = 0; kk < k; kk++) data[base + kk * nr + j] = src[s + kk * strideK];
                }
            }
        }
        return new PackedWeights(n, k, nr, data);
    }

    int panels() {
        return (n + nr - 1) / nr;
    }

    /** Offset of panel {@code p} at depth {@code k0}. */
    int offset(int p, int k0) {
        return p * nr * k + k0 * nr;
    }
}
