package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;

/**
 * A LayerNorm of the graph: its weight, bias and eps on {@code backend}. The tensors belong to
 * {@link VitParameters}; a {@link LinearLayer} on codes takes them to fuse the LayerNorm into its
 * input's quantization.
 */
public record NormLayer(Backend backend, Tensor weight, Tensor bias, float eps) {
    /** A new tensor: {@code x} normalised row by row. */
    public Tensor apply(Tensor x) {
        return backend.layerNorm(x, weight, bias, eps);
    }
}
