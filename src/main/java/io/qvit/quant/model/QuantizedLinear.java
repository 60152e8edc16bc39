package io.qvit.quant.model;

import io.qvit.backend.Backend;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.model.LinearLayer;
import io.qvit.model.NormLayer;

/**
 * A linear layer run on codes: its input quantized by its recipe ({@link Backend#quantizeRows}, or
 * {@link Backend#layerNormQuantizeRows} after a LayerNorm), then the integer product with the weight
 * codes and the float epilogue ({@link Backend#integerLinear}), GELU and the residual add fused into
 * it; as fc1 before another such layer, its output goes to fc2 as codes
 * ({@link Backend#integerLinearRequantized}). Owns its weights, bias and the recipe's divisors.
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
    public Tensor applyNormed(NormLayer norm, Tensor x, boolean gelu) {
        try (QuantizedRows q = normedInput(norm, x)) {
            return backend.integerLinear(q, weights, new Backend.Epilogue(bias, gelu, null, null));
        }
    }

    @Override
    public void mlpAddTo(Tensor residual, NormLayer norm, LinearLayer fc2, Tensor gamma) {
        if (!(fc2 instanceof QuantizedLinear next)) {
            LinearLayer.super.mlpAddTo(residual, norm, fc2, gamma);
            return;
        }
        try (QuantizedRows q = normedInput(norm, residual);
             QuantizedRows hidden = backend.integerLinearRequantized(q, weights, new Backend.Epilogue(bias, true, null, null), next.input)) {
            backend.integerLinear(hidden, next.weights, new Backend.Epilogue(next.bias, false, residual, gamma));
        }
    }

    private QuantizedRows normedInput(NormLayer norm, Tensor x) {
        return backend.layerNormQuantizeRows(x, norm.weight(), norm.bias(), norm.eps(), input);
    }

    @Override
    public void close() {
        weights.close();
        if (bias != null) bias.close();
        if (input.divisors() != null) input.divisors().close();
    }
}
