package io.qvit.backend;

import io.qvit.quant.QuantFormat;

/**
 * A linear layer's weight as the backend keeps it from load to close: packed codes {@code [N, K]}
 * with a scale and zero point per output row ({@link Backend#uploadWeights}). A backend may keep
 * whatever it derives from them at upload (the CPU backend: the codes minus their zero points as
 * float GEMM panels) with the codes, so products never unpack them again.
 *
 * @param codes      {@code [N, K]}, {@link ElementType#codes} of the format
 * @param scales     F32 {@code [N]}
 * @param zeroPoints I32 {@code [N]}
 */
public record QuantizedWeights(Tensor codes, Tensor scales, Tensor zeroPoints, QuantFormat format) implements AutoCloseable {
    public int n() {
        return codes.shape()[0];
    }

    public int k() {
        return codes.shape()[1];
    }

    @Override
    public void close() {
        codes.close();
        scales.close();
        zeroPoints.close();
    }
}
