package io.qvit.files;

/**
 * A 1-D or 2-D array read from a {@code .npy} file: its shape and its values in C (row-major)
 * order, widened to double (exact for float32, float64 and int32; int64 beyond 2^53 rounds).
 */
public record NpyArray(int[] shape, double[] values) {
    public int rows() {
        return shape[0];
    }

    /** 1 for a 1-D array. */
    public int columns() {
        return shape.length == 2 ? shape[1] : 1;
    }

    /** The values as {@code rows()} rows of {@code columns()} floats, for example logits [N][C]. */
    public float[][] floatRows() {
        float[][] out = new float[rows()][columns()];
        for (int r = 0, i = 0; r < out.length; r++)
            for (int c = 0; c < out[r].length; c++) out[r][c] = (float) values[i++];
        return out;
    }
}
