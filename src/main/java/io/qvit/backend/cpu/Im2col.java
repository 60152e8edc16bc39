package io.qvit.backend.cpu;

/**
 * The patch embedding's input as a matrix: one row per patch, columns in the weight's
 * {@code (channel, ky, kx)} order, so that the convolution is a matrix product with the weight
 * seen as {@code [D, C * patch * patch]}.
 */
public final class Im2col {
    private Im2col() {}

    /**
     * Rows of the patches in patch-rows {@code [from, to)} of the batch (a patch-row is one image's
     * row of patches: index {@code image * (h / patch) + py}) from images {@code [batch, c, h, w]}.
     */
    public static void rows(float[] images, int c, int h, int w, int patch, float[] cols, int from, int to) {
        int gy = h / patch, gx = w / patch, k = c * patch * patch;
        for (int by = from; by < to; by++) {
            int img = by / gy, py = by % gy;
            for (int px = 0; px < gx; px++) {
                int row = (by * gx + px) * k;
                for (int ch = 0; ch < c; ch++) {
                    for (int ky = 0; ky < patch; ky++) {
                        int s = ((img * c + ch) * h + py * patch + ky) * w + px * patch;
                        System.arraycopy(images, s, cols, row + (ch * patch + ky) * patch, patch);
                    }
                }
            }
        }
    }
}
