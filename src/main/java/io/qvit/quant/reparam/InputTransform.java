package io.qvit.quant.reparam;

/**
 * What a layer's input goes through in float before it is quantized, with the inverse folded into
 * the layer's weight so that {@code x W^T} is unchanged: a division per channel
 * ({@link ActivationSmoothing}), then optionally a rotation ({@link HadamardRotation}).
 *
 * @param divisors s per input channel, or null for none
 * @param rotated  whether the divided input is then rotated
 * @param k        the number of input channels
 */
public record InputTransform(float[] divisors, boolean rotated, int k) {
    public InputTransform {
        if (divisors != null && divisors.length != k) throw new IllegalArgumentException(divisors.length + " divisors for " + k + " channels");
    }

    /** Whether it changes nothing. */
    public boolean identity() {
        return divisors == null && !rotated;
    }

    /** What the quantizer sees of x {@code [rows, k]}, in a new array. */
    public float[] apply(float[] x) {
        if (identity()) return x.clone();
        float[] d = divisors == null ? x : ActivationSmoothing.divideColumns(x, divisors);
        return rotated ? HadamardRotation.rotateRows(d, k) : d; // each makes a new array
    }

    /** The layer's weight {@code [outputs, k]} that goes with the transformed input, in a new array. */
    public float[] applyToWeight(float[] w, int outputs) {
        if (identity()) return w.clone();
        float[] scaled = divisors == null ? w : ActivationSmoothing.scaleColumns(w, outputs, divisors);
        return rotated ? HadamardRotation.rotateRows(scaled, k) : scaled;
    }
}
