package io.qvit.model;

import io.qvit.backend.Tensor;

/**
 * One linear layer of the graph, {@code x W^T + b} with its precision inside: float weights
 * ({@link FloatLinear}), or weight codes with the recipe that quantizes its input
 * ({@code io.qvit.quant.model.QuantizedLinear}). Inputs stay open: they are the caller's.
 */
public interface LinearLayer extends AutoCloseable {
    /** {@code x [rows, K]} to a new {@code [rows, N]}, through GELU when {@code gelu}. */
    Tensor apply(Tensor x, boolean gelu);

    /** {@code residual += gamma * (x W^T + b)} in place; {@code gamma} may be null (= 1). */
    void addTo(Tensor residual, Tensor x, Tensor gamma);

    /** {@link #apply} of {@code norm(x)}; a layer on codes fuses the LayerNorm into its input's quantization. */
    default Tensor applyNormed(NormLayer norm, Tensor x, boolean gelu) {
        try (Tensor h = norm.apply(x)) {
            return apply(h, gelu);
        }
    }

    /**
     * The MLP with this layer as fc1, in place: {@code residual += gamma * fc2(GELU(this(norm(residual))))}.
     * A layer on codes whose fc2 is one too keeps the hidden activations as codes: its output is
     * quantized for fc2 in the same op.
     */
    default void mlpAddTo(Tensor residual, NormLayer norm, LinearLayer fc2, Tensor gamma) {
        try (Tensor hidden = applyNormed(norm, residual, true)) {
            fc2.addTo(residual, hidden, gamma);
        }
    }

    @Override
    void close();
}
