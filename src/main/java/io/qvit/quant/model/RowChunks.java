package io.qvit.quant.model;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/** Quantizers applied to row-aligned chunks of an activation in parallel. */
final class RowChunks {
    private static final int CHUNK = 1 << 15;

    private RowChunks() {}

    /**
     * A per-tensor (or per-row) quantizer applied to row-aligned chunks of x {@code [*, cols]} in
     * parallel (the same values as applied to x whole), into a new array: x may be the caller's image batch.
     */
    static float[] map(float[] x, int cols, UnaryOperator<float[]> quantizer) {
        float[] out = new float[x.length];
        int chunk = Math.max(1, CHUNK / cols) * cols, chunks = (x.length + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * chunk;
            float[] q = quantizer.apply(Arrays.copyOfRange(x, from, Math.min(x.length, from + chunk)));
            System.arraycopy(q, 0, out, from, q.length);
        });
        return out;
    }
}
