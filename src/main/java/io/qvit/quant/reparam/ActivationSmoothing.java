package io.qvit.quant.reparam;

import io.qvit.backend.Tensor;
import io.qvit.backend.Backend;
import io.qvit.quant.ClippingSearch;
import io.qvit.quant.Granularity;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.Ranges;
import io.qvit.quant.UniformQuantizer;

/**
 * SmoothQuant's migration (Xiao et al., ICML 2023) of an activation's outlier channels into the
 * next layer's weights: per input channel c, {@code y = W x = (W diag(s)) (x / s)}, so the
 * quantizer sees {@code x / s} and the weight's columns are multiplied by s before they are
 * quantized. After a LayerNorm the division is folded into its affine parameters
 * ({@link LayerNormReparameterizer}); elsewhere it is one fp32 division per element, which a kernel
 * fuses into the producing layer's epilogue. With {@code m[c] = max|x[:, c]|}
 * and {@code w[c] = max|W[:, c]|}, SmoothQuant's factors are {@code s = m^α / w^(1-α)}.
 *
 * <p>ViTs trained on ImageNet-21k have a few GELU channels whose values reach 50 to 100 times the
 * rest on a few tokens. The migration strength α is searched per layer, "none" (s = 1) included,
 * each α with and without a {@link HadamardRotation} of {@code x / s} (which spreads what outliers
 * remain over their block); the choice is the candidate with the least error of the layer's output
 * {@code fq(T(x)) · fq(T(W))^T} against {@code x · W^T} on a sample of calibration rows, x
 * quantized per row with each row's min-max range, W per output row with a clipping search
 * ({@link InputTransform} T).
 */
public final class ActivationSmoothing {
    /** The migration strengths tried besides no smoothing. */
    static final float[] ALPHAS = {0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};

    private ActivationSmoothing() {}

    /**
     * The chosen transform: a division by s (none when smoothing did not help), and whether a rotation follows.
     *
     * @param rows        sampled rows of x, {@code [n, k]} row-major
     * @param channels    min and max of every channel of x over all calibration rows
     * @param weight      the layer's fp32 weight {@code [outputs, k]}
     * @param activations the activation format (per row)
     * @param weights     the weight format (per output row), or null for float weights
     */
    public static InputTransform search(float[] rows, Ranges channels, float[] weight, int outputs, QuantFormat activations,
                                        QuantFormat weights, Backend backend) {
        int k = channels.groups(), n = rows.length / k;
        float[] reference = multiply(rows, n, k, weight, outputs, backend);
        InputTransform best = null;
        double bestError = Double.POSITIVE_INFINITY;
        float[] weightMax = columnAbsMax(weight, outputs, k);
        for (boolean rotated : new boolean[] {false, true}) {
            for (int a = -1; a < ALPHAS.length; a++) {
                InputTransform t = new InputTransform(a < 0 ? null : factors(channels, weightMax, ALPHAS[a]), rotated, k);
                double e = error(t.apply(rows), n, t.applyToWeight(weight, outputs), outputs, reference, activations, weights, backend);
                if (e < bestError) {
                    bestError = e;
                    best = t;
                }
            }
        }
        return best;
    }

    /** W with column c multiplied by s[c]. */
    public static float[] scaleColumns(float[] weight, int outputs, float[] s) {
        int k = s.length;
        float[] out = new float[weight.length];
        for (int o = 0; o < outputs; o++)
            for (int c = 0; c < k; c++) out[o * k + c] = weight[o * k + c] * s[c];
        return out;
    }

    /** x with column c divided by s[c]: what the quantizer sees. */
    public static float[] divideColumns(float[] x, float[] s) {
        int k = s.length;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] / s[i % k];
        return out;
    }

    private static float[] factors(Ranges channels, float[] weightMax, float alpha) {
        int k = channels.groups();
        float[] s = new float[k];
        for (int c = 0; c < k; c++) {
            double m = Math.max(Math.abs(channels.lo()[c]), Math.abs(channels.hi()[c]));
            double f = Math.pow(Math.max(m, 1e-5), alpha) / Math.pow(Math.max(weightMax[c], 1e-5), 1 - alpha);
            s[c] = (float) Math.min(Math.max(f, 1e-5), 1e5);
        }
        return s;
    }

    /**
     * The quantized layer's output error (no bias) against the float one, the sum over rows of each
     * row's squared error relative to its squared norm; seen: the sampled rows transformed by the
     * candidate.
     */
    private static double error(float[] seen, int n, float[] w, int outputs, float[] reference,
                                QuantFormat activations, QuantFormat weights, Backend backend) {
        String name = "smoothing candidate";
        float[] x = new UniformQuantizer(QuantParams.minMax(name, seen, n, activations, Granularity.PER_TOKEN)).fakeQuant(name, seen);
        if (weights != null) {
            QuantParams wp = QuantParams.fromRanges(weights, Granularity.PER_CHANNEL, new ClippingSearch(weights).searchRows(w, outputs));
            w = new UniformQuantizer(wp).fakeQuant(name, w);
        }
        float[] y = multiply(x, n, w.length / outputs, w, outputs, backend);
        // relative per row: a few tokens carry outputs 100 times the rest, and would decide alone
        double sum = 0;
        for (int row = 0; row < n; row++) {
            double err = 0, norm = 0;
            for (int i = row * outputs; i < (row + 1) * outputs; i++) {
                double d = (double) y[i] - reference[i];
                err += d * d;
                norm += (double) reference[i] * reference[i];
            }
            sum += err / Math.max(norm, 1e-12);
        }
        return sum;
    }

    private static float[] columnAbsMax(float[] w, int outputs, int k) {
        float[] m = new float[k];
        for (int o = 0; o < outputs; o++)
            for (int c = 0; c < k; c++) m[c] = Math.max(m[c], Math.abs(w[o * k + c]));
        return m;
    }

    private static float[] multiply(float[] x, int n, int k, float[] w, int outputs, Backend backend) {
        try (Tensor xt = backend.fromHost(x, n, k); Tensor wt = backend.fromHost(w, outputs, k); Tensor y = backend.linear(xt, wt, null)) {
            return backend.toHost(y);
        }
    }
}
