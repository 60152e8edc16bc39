package io.qvit.quant.model;

import io.qvit.quant.Ranges;
import java.util.Arrays;

/**
 * What {@link io.qvit.quant.reparam.ActivationSmoothing} needs of an activation {@code [rows, cols]}
 * over calibration: the exact min and max of every column (channel), and every {@code stride}-th
 * row (whole rows, since the search measures a layer's output error).
 */
final class RowSample {
    private final int cols, stride;
    private final float[] lo, hi;
    private float[] rows = new float[0];
    private int kept;
    private long seen;

    RowSample(int cols, int stride) {
        this.cols = cols;
        this.stride = stride;
        lo = new float[cols];
        hi = new float[cols];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    }

    void observe(float[] x) {
        for (int r = 0; r < x.length / cols; r++, seen++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                lo[c] = Math.min(lo[c], x[base + c]);
                hi[c] = Math.max(hi[c], x[base + c]);
            }
            if (seen % stride != 0) continue;
            if ((kept + 1) * cols > rows.length) rows = Arrays.copyOf(rows, Math.max(cols, 2 * rows.length));
            System.arraycopy(x, base, rows, kept++ * cols, cols);
        }
    }

    Ranges channels() {
        return new Ranges(lo.clone(), hi.clone());
    }

    float[] rows() {
        return Arrays.copyOf(rows, kept * cols);
    }
}
