package io.qvit.quant.model;

/**
 * What the forward does with each quantizable activation: calibration observes it, the
 * fake-quant model replaces it by its quantized-then-dequantized values.
 */
@FunctionalInterface
public interface ActivationHook {
    /**
     * @param x    the activation, row-major {@code [x.length / cols, cols]} (for {@link Site#PROBS},
     *             {@code [batch, heads, tokens, tokens]} with cols = tokens)
     * @return the values the model goes on with (may be x itself)
     */
    float[] apply(ActivationKey key, float[] x, int cols);
}
