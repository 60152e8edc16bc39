package io.qvit.quant.model;

import io.qvit.backend.Backend;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.model.LinearLayer;

/**
 * A linear layer run on codes: its input quantized by its recipe ({@link Backend#quantizeRows}),
 * then the integer product with the weight codes and the float epilogue
 * ({@link Backend#integerLinear}), GELU and the residual add fused into it. Owns its weights, bias
 * and the recipe's divisors.
 */
final class QuantizedLinear implements LinearLayer {
    private final Backend backend;
    private final QuantizedWeights weights;
    private final Tensor bias;
    private final RowQuantization input;

    QuantizedLinear(Backend backend, QuantizedWeights weights, Tensor bias, RowQuantization input) {
        this.backend = backend;
        this.weights = weights;
        this.bias = bias;
        this.input = input;
    }

    @Override
    public Tensor apply(Tensor x, boolean gelu) {
        try (QuantizedRows q = backend.quantizeRows(x, input)) {
            return backend.integerLinear(q, weights, new Backend.Epilogue(bias, gelu, null, null));
        }
    }

    @Override
    public void addTo(Tensor residual, Tensor x, Tensor gamma) {
        try (QuantizedRows q = backend.quantizeRows(x, input)) {
            backend.integerLinear(q, weights, new Backend.Epilogue(bias, false, residual, gamma));
        }
    }

    @Override
    public void close() {
        weights.close();
        if (bias != null) bias.close();
        if (input.divisors() != null) input.divisors().close();
    }
}
