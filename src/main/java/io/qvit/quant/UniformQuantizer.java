package io.qvit.quant;

/**
 * Uniform quantization of a row-major tensor with fixed {@link QuantParams}: element i belongs to
 * group {@code i / (length / groups)}, so a per-row params object splits the tensor into its rows.
 * Codes are plain ints in the format's range; {@link Int4Packing} and {@link Int8Packing} store them.
 */
public final class UniformQuantizer {
    private final QuantParams params;

    public UniformQuantizer(QuantParams params) {
        this.params = params;
    }

    public QuantParams params() {
        return params;
    }

    /** Codes by {@link QuantRules#quantize}; NaN or infinite values are an error naming the tensor. */
    public int[] quantize(String tensor, float[] x) {
        FiniteValues.require(tensor, x);
        int size = groupSize(tensor, x.length);
        QuantFormat f = params.format();
        int[] q = new int[x.length];
        for (int g = 0; g < params.groups(); g++) {
            float s = params.scales()[g];
            int z = params.zeroPoints()[g], qmin = f.qmin(), qmax = f.qmax();
            for (int i = g * size; i < (g + 1) * size; i++) q[i] = QuantRules.quantize(x[i], s, z, qmin, qmax);
        }
        return q;
    }

    /** Values of codes by {@link QuantRules#dequantize}. */
    public float[] dequantize(int[] q) {
        int size = groupSize("codes", q.length);
        float[] x = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            int g = i / size;
            x[i] = QuantRules.dequantize(q[i], params.scales()[g], params.zeroPoints()[g]);
        }
        return x;
    }

    /** Quantize then dequantize, in float: the simulation calibration measures errors with. */
    public float[] fakeQuant(String tensor, float[] x) {
        return dequantize(quantize(tensor, x));
    }

    private int groupSize(String tensor, int length) {
        int groups = params.groups();
        if (length == 0 || length % groups != 0) {
            throw new IllegalArgumentException("tensor '" + tensor + "' has " + length + " elements, not a positive multiple of its " + groups + " scale groups");
        }
        return length / groups;
    }
}
