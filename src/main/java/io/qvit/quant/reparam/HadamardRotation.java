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
        if (Integer.bitCount(b) != 1 || k % b != 0) throw new IllegalArgumentException("a Hadamard block of " + b + " does not tile " + k);
        float norm = (float) (1 / Math.sqrt(b));
        float[] y = x.clone();
        for (int from = 0; from < y.length; from += b) {
            for (int h = 1; h < b; h <<= 1) {
                for (int i = from; i < from + b; i += h << 1) {
                    for (int j = i; j < i + h; j++) {
                        float u = y[j], v = y[j + h];
                        y[j] = u + v;
                        y[j + h] = u - v;
                    }
                }
            }
            for (int i = from; i < from + b; i++) y[i] *= norm;
        }
        return y;
    }

    /** H times x {@code [rows, cols]}: every column rotated, H block-diagonal of blocks of b rows, into a new array. */
    public static float[] rotateColumns(float[] x, int rows, int cols, int b) {
        if (Integer.bitCount(b) != 1 || rows % b != 0) throw new IllegalArgumentException("a Hadamard block of " + b + " does not tile " + rows);
        float norm = (float) (1 / Math.sqrt(b));
        float[] y = x.clone();
        for (int from = 0; from < rows; from += b) {
            for (int h = 1; h < b; h <<= 1) {
                for (int i = from; i < from + b; i += h << 1) {
                    for (int j = i; j < i + h; j++) {
                        for (int c = 0; c < cols; c++) {
                            float u = y[j * cols + c], v = y[(j + h) * cols + c];
                            y[j * cols + c] = u + v;
                            y[(j + h) * cols + c] = u - v;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < y.length; i++) y[i] *= norm;
        return y;
    }
}
