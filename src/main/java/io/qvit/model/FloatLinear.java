package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;

/** A linear layer with F32 weights {@code [N, K]} and an optional bias, which it owns. */
public final class FloatLinear implements LinearLayer {
    private final Backend backend;
    private final Tensor weight, bias;

    /** Uploads {@code weight} as {@code [rows, length / rows]} (the patch embedding's 4-D weight flattened) and the bias (null for none). */
    public FloatLinear(Backend backend, float[] weight, int rows, float[] bias) {
        this.backend = backend;
        this.weight = backend.fromHost(weight, rows, weight.length / rows);
        this.bias = bias == null ? null : backend.fromHost(bias, bias.length);
    }

    @Override
    public Tensor apply(Tensor x, boolean gelu) {
        Tensor y = backend.linear(x, weight, bias);
        if (gelu) backend.geluInPlace(y);
        return y;
    }

    @Override
    public void addTo(Tensor residual, Tensor x, Tensor gamma) {
        try (Tensor y = backend.linear(x, weight, bias)) {
            backend.addInPlace(residual, y, gamma);
        }
    }

    @Override
    public void close() {
        weight.close();
        if (bias != null) bias.close();
    }
}
