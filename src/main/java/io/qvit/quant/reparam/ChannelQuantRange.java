package io.qvit.quant.reparam;

/**
 * A per-channel asymmetric quantizer of one activation, {@code q[c] = clamp(rint(x[c] / scale[c]) + zeroPoint[c])}:
 * scales positive and finite, zero points whole numbers (held as floats, as calibration computes them).
 * The arrays are copied in and out.
 */
public record ChannelQuantRange(float[] scale, float[] zeroPoint) {
    public ChannelQuantRange {
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public float[] zeroPoint() {
        return zeroPoint.clone();
    }
}
