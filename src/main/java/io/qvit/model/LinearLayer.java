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

    @Override
    void close();
}
