package io.qvit.quant;

import java.util.Arrays;

/**
 * Reconstruction-error search over clipping ranges, as RepQ-ViT calibrates weights and
 * activations: for each group, try {@code alpha * [lo, hi]} for every alpha of a grid and keep the
 * range whose fake-quantized values have the least sum of squared errors (in double) against the
 * originals. Ties keep the larger alpha, so min-max wins unless clipping strictly helps.
 */
public final class ClippingSearch {
    /** 0.50, 0.51, ..., 1.00. */
    public static final float[] DEFAULT_ALPHAS = grid(0.5f, 1.0f, 51);

    private final QuantFormat format;
    private final float[] alphas;

    public ClippingSearch(QuantFormat format, float[] alphas) {
        if (alphas.length == 0) throw new IllegalArgumentException("no alphas to search");
        for (float a : alphas) if (!(a > 0 && a <= 1)) throw new IllegalArgumentException("alpha must be in (0, 1], got " + a);
        this.format = format;
        this.alphas = alphas.clone();
    }

    public ClippingSearch(QuantFormat format) {
        this(format, DEFAULT_ALPHAS);
    }

    /**
     * The best clipped range of each group, starting from {@code base} (usually min-max);
     * {@code values[g]} holds group g's values (all of them, or a sample).
     */
    public Ranges search(float[][] values, Ranges base) {
        int groups = base.groups();
        float[] lo = new float[groups], hi = new float[groups];
        for (int g = 0; g < groups; g++) {
            double best = Double.POSITIVE_INFINITY;
            float bestAlpha = 0;
            for (float alpha : alphas) {
                double err = squaredError(values[g], base.lo()[g] * alpha, base.hi()[g] * alpha);
                if (err < best || (err == best && alpha > bestAlpha)) {
                    best = err;
                    bestAlpha = alpha;
                }
            }
            lo[g] = base.lo()[g] * bestAlpha;
            hi[g] = base.hi()[g] * bestAlpha;
        }
        return new Ranges(lo, hi);
    }

    /** The best clipped range of each row of a row-major {@code [rows, cols]} tensor (weights, per output channel). */
    public Ranges searchRows(float[] data, int rows) {
        int cols = data.length / rows;
        float[][] values = new float[rows][];
        for (int r = 0; r < rows; r++) values[r] = Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
        return search(values, Ranges.minMax(data, rows));
    }

    /** Sum of squared fake-quantization errors of x under the params of [lo, hi]. */
    double squaredError(float[] x, float lo, float hi) {
        float s = QuantRules.scale(format, lo, hi);
        int z = QuantRules.zeroPoint(format, lo, s);
        double sum = 0;
        for (float v : x) {
            double d = QuantRules.dequantize(QuantRules.quantize(v, s, z, format.qmin(), format.qmax()), s, z) - (double) v;
            sum += d * d;
        }
        return sum;
    }

    private static float[] grid(float from, float to, int points) {
        float[] a = new float[points];
        for (int i = 0; i < points; i++) a[i] = from + (to - from) * i / (points - 1);
        return a;
    }
}
