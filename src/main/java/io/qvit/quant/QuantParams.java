package io.qvit.quant;

/**
 * Scales and zero points of a uniformly quantized [rows, cols] tensor: one entry for the whole
 * tensor, or one per row (see {@link Granularity}). Zero points are all 0 for symmetric formats.
 */
public record QuantParams(QuantFormat format, Granularity granularity, float[] scales, int[] zeroPoints) {
    public QuantParams {
        if (scales.length != zeroPoints.length) throw new IllegalArgumentException("scales and zero points lengths differ");
        if (granularity == Granularity.PER_TENSOR && scales.length != 1) throw new IllegalArgumentException("per-tensor params need one scale");
    }

    /** Params for each group's range by {@link QuantRules#scale} and {@link QuantRules#zeroPoint}. */
    public static QuantParams fromRanges(QuantFormat format, Granularity granularity, Ranges ranges) {
        int n = ranges.groups();
        float[] scales = new float[n];
        int[] zeros = new int[n];
        for (int g = 0; g < n; g++) {
            scales[g] = QuantRules.scale(format, ranges.lo()[g], ranges.hi()[g]);
            zeros[g] = QuantRules.zeroPoint(format, ranges.lo()[g], scales[g]);
        }
        return new QuantParams(format, granularity, scales, zeros);
    }

    /** Min-max params computed from the tensor itself: dynamic per-token activations, or weights. */
    public static QuantParams minMax(String tensor, float[] x, int rows, QuantFormat format, Granularity granularity) {
        FiniteValues.require(tensor, x);
        return fromRanges(format, granularity, Ranges.minMax(x, granularity.groups(rows)));
    }

    public int groups() {
        return scales.length;
    }

    /** The scale of a row of a [rows, cols] tensor: the only one when per-tensor, else that row's. */
    public float scaleOfRow(int row) {
        return scales[scales.length == 1 ? 0 : row];
    }

    public int zeroPointOfRow(int row) {
        return zeroPoints[zeroPoints.length == 1 ? 0 : row];
    }
}
