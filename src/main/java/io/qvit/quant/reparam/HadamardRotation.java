package io.qvit.quant.reparam;

/**
 * An orthogonal rotation of a layer's input channels by a block-diagonal Walsh-Hadamard matrix H
 * (blocks of the largest power of two dividing K, scaled by 1/sqrt(block), so H = H^T = H^-1):
 * {@code y = x W^T = (x H)(W H)^T}. The quantizer sees {@code x H}, whose few outlier channels are
 * spread over their block, and the weight's rows are rotated once, before they are quantized
 * (QuaRot, Ashkboos et al. 2024; an outlier's energy no longer sets the whole row's range). The
 * forward applies it with the fast transform, K log2(block) additions per row.
 */
public final class HadamardRotation {
    private HadamardRotation() {}

    /** The block of the rotation of K channels: the largest power of two dividing K. */
    public static int block(int k) {
        return Integer.lowestOneBit(k);
    }

    /** Every row of x {@code [rows, k]} times H, into a new array. */
    public static float[] rotateRows(float[] x, int k) {
        return rotateRows(x, k, block(k));
    }

    /** Every row of x {@code [rows, k]} times the block-diagonal H of blocks of b (a power of two dividing k). */
    public static float[] rotateRows(float[] x, int k, int b) {
        norm(b, k);
        float[] y = x.clone();
        rotateInPlace(y, 0, y.length, b);
        return y;
    }

    /**
     * {@code y[from, from + length)} times the block-diagonal H of blocks of b, in place: the fast
     * transform of each block, then every element multiplied by {@code (float) (1 / sqrt(b))}.
     */
    public static void rotateInPlace(float[] y, int from, int length, int b) {
        float norm = norm(b, length);
        for (int i = from; i < from + length; i += b) transform(y, i, 1, b);
        for (int i = from; i < from + length; i++) y[i] *= norm;
    }

    /** H times x {@code [rows, cols]}: every column rotated, H block-diagonal of blocks of b rows, into a new array. */
    public static float[] rotateColumns(float[] x, int rows, int cols, int b) {
        float norm = norm(b, rows);
        float[] y = x.clone();
        for (int from = 0; from < rows; from += b)
            for (int c = 0; c < cols; c++) transform(y, from * cols + c, cols, b);
        for (int i = 0; i < y.length; i++) y[i] *= norm;
        return y;
    }

    /** 1/sqrt(b), once b is checked to be a power of two that tiles n. */
    private static float norm(int b, int n) {
        if (Integer.bitCount(b) != 1 || n % b != 0) throw new IllegalArgumentException("a Hadamard block of " + b + " does not tile " + n);
        return norm(b);
    }

    /** The factor every element is multiplied by after the transform of blocks of b. */
    public static float norm(int b) {
        return (float) (1 / Math.sqrt(b));
    }

    /** The unnormalised fast transform, in place, of one block of b elements at {@code first + j * stride}. */
    private static void transform(float[] y, int first, int stride, int b) {
        for (int h = 1; h < b; h <<= 1) {
            for (int i = 0; i < b; i += h << 1) {
                for (int j = i; j < i + h; j++) {
                    int p = first + j * stride, q = p + h * stride;
                    float u = y[p], v = y[q];
                    y[p] = u + v;
                    y[q] = u - v;
                }
            }
        }
    }
}
