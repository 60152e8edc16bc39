package io.qvit.quant;

import java.util.Arrays;

/**
 * RepQ-ViT's range calibration (Li et al., ICCV 2023, as its code runs): for each candidate
 * percentile p of {@link #PERCENTILES}, the range [quantile(1 - p), quantile(p)] (linear
 * interpolation between order statistics, as torch.quantile), and the candidate whose fake-quantized
 * values have the least sum of squared errors wins (the first on a tie). Min-max is not a candidate.
 * The affine params are RepQ-ViT's: {@code delta = (hi - lo) / (2^b - 1)}, {@code z = rint(-lo / delta)}
 * with neither the range widened to 0 nor z clamped (unlike {@link QuantRules}; the same wherever
 * lo <= 0 <= hi). The log-sqrt(2) search picks the probabilities' scale among the same quantiles.
 */
public final class PercentileSearch {
    /** RepQ-ViT's candidates. */
    static final double[] PERCENTILES = {0.999, 0.9999, 0.99999};

    private PercentileSearch() {}

    /** Scale and (unclamped) zero point of one group. */
    public record Affine(float delta, float zeroPoint) {
        /** The least value the codes reach: {@code -z * delta}. */
        public float min() {
            return -zeroPoint * delta;
        }

        /** {@code (clamp(rint(x / delta) + z, 0, 2^b - 1) - z) * delta}. */
        float fakeQuant(float x, int bits) {
            float q = Math.min(Math.max((float) Math.rint(x / delta) + zeroPoint, 0f), (float) ((1 << bits) - 1));
            return (q - zeroPoint) * delta;
        }
    }

    /** The affine params of a range, RepQ-ViT's rule; the scale is at least {@link QuantRules#MIN_SCALE}. */
    public static Affine affine(float lo, float hi, int bits) {
        float delta = Math.max((hi - lo) / ((1 << bits) - 1), QuantRules.MIN_SCALE);
        return new Affine(delta, (float) Math.rint(-lo / delta));
    }

    /** The best candidate for all of {@code values} (left unmodified). */
    public static Affine search(float[] values, int bits) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        Affine best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (double p : PERCENTILES) {
            Affine a = affine(quantile(sorted, 1 - p), quantile(sorted, p), bits);
            double err = 0;
            for (float x : values) {
                double d = a.fakeQuant(x, bits) - (double) x;
                err += d * d;
            }
            if (err < bestError) {
                bestError = err;
                best = a;
            }
        }
        return best;
    }

    /** The best candidate of each row of a row-major {@code [rows, cols]} tensor (weights, per output channel). */
    public static Affine[] searchRows(float[] data, int rows, int bits) {
        int cols = data.length / rows;
        Affine[] out = new Affine[rows];
        for (int r = 0; r < rows; r++) out[r] = search(Arrays.copyOfRange(data, r * cols, (r + 1) * cols), bits);
        return out;
    }

    /** The best candidate of each column of a row-major {@code [rows, cols]} tensor (activations, per channel). */
    public static Affine[] searchColumns(float[] data, int cols, int bits) {
        int rows = data.length / cols;
        Affine[] out = new Affine[cols];
        float[] column = new float[rows];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) column[r] = data[r * cols + c];
            out[c] = search(column, bits);
        }
        return out;
    }

    /** x with each column c fake-quantized at {@code params[c]}. */
    public static float[] fakeQuantColumns(float[] x, Affine[] params, int bits) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = params[i % params.length].fakeQuant(x[i], bits);
        return out;
    }

    /**
     * The scale of b-bit log-sqrt(2) codes with 2^b non-zero levels
     * ({@link QuantRules#log2Code} with qmax 2^b) for these probabilities.
     */
    public static float log2Scale(float[] probabilities, int bits) {
        float[] sorted = probabilities.clone();
        Arrays.sort(sorted);
        int qmax = 1 << bits;
        float best = Float.NaN;
        double bestError = Double.POSITIVE_INFINITY;
        for (double p : PERCENTILES) {
            float s = Math.max(quantile(sorted, p), QuantRules.MIN_SCALE);
            double err = 0;
            for (float x : probabilities) {
                double d = QuantRules.log2Value(QuantRules.log2Code(x, s, true, qmax), s, true, qmax) - (double) x;
                err += d * d;
            }
            if (err < bestError) {
                bestError = err;
                best = s;
            }
        }
        return best;
    }

    /** The p-quantile of sorted values, linear interpolation between the neighbouring order statistics. */
    static float quantile(float[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) return sorted[sorted.length - 1];
        return (float) (sorted[i] + (pos - i) * ((double) sorted[i + 1] - sorted[i]));
    }
}
