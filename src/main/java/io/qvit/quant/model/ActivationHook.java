package io.qvit.quant.model;

/**
 * A host step at a quantizable activation ({@link HookedLayers}): calibration observes it, the
 * simulation of a setting that leaves weights or activations in float replaces it by its
 * quantized-then-dequantized values.
 */
@FunctionalInterface
public interface ActivationHook {
    /**
     * @param x the activation, row-major {@code [x.length / cols, cols]} (for {@link Site#V},
     *          head-major {@code [batch, heads, tokens, headDim]} with cols = headDim)
     * @return the values the model goes on with (x itself to change nothing)
     */
    float[] apply(ActivationKey key, float[] x, int cols);
}
