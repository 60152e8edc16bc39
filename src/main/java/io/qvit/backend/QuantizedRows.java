package io.qvit.backend;

/**
 * Rows of codes with each row's scale and zero point, as {@link Backend#quantizeRows} makes them.
 *
 * @param codes      {@code [rows, K]}, {@link ElementType#codes} of the format
 * @param scales     F32 {@code [rows]}
 * @param zeroPoints I32 {@code [rows]}
 */
public record QuantizedRows(Tensor codes, Tensor scales, Tensor zeroPoints, io.qvit.quant.QuantFormat format) implements AutoCloseable {
    public int rows() {
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
