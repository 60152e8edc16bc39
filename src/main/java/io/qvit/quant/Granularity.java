package io.qvit.quant;

/**
 * Which elements share a scale. Tensors are row-major [rows, cols] matrices; both finer
 * granularities give one scale per row: a row of a weight [N, K] is an output channel, a row of an
 * activation [M, K] is a token.
 */
public enum Granularity {
    PER_TENSOR,
    PER_CHANNEL,
    PER_TOKEN;

    /** Number of scales for a matrix of this many rows. */
    public int groups(int rows) {
        return this == PER_TENSOR ? 1 : rows;
    }
}
