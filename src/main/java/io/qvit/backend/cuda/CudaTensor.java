package io.qvit.backend.cuda;

import io.qvit.backend.ElementType;
import io.qvit.backend.Tensor;
import java.util.Arrays;

/**
 * A tensor in device memory: a pooled buffer, a row-major shape and an element type (codes of at
 * most 4 bits two per byte along the last dimension, as {@link io.qvit.quant.Int4Packing}). Uploaded
 * weight codes also carry their rows' code sums ({@code codeSums}, I32 [N]), which the integer GEMM's
 * zero-point correction needs.
 */
final class CudaTensor implements Tensor {
    private final int[] shape;
    private final ElementType type;
    private final DeviceBuffer buffer;
    private final DeviceBuffer codeSums;
    private boolean closed;

    CudaTensor(DeviceBuffer buffer, ElementType type, DeviceBuffer codeSums, int... shape) {
        this.buffer = buffer;
        this.type = type;
        this.codeSums = codeSums;
        this.shape = shape.clone();
    }

    /** Bytes that {@code shape} of {@code type} takes. */
    static long bytes(ElementType type, int... shape) {
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) rows *= shape[i];
        int last = shape.length == 0 ? 1 : shape[shape.length - 1];
        return switch (type) {
            case F32, I32 -> 4L * rows * last;
            case U8, I8 -> rows * last;
            case U4, I4 -> rows * ((last + 1) / 2);
        };
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public ElementType type() {
        return type;
    }

    int dim(int i) {
        return shape[i];
    }

    int rank() {
        return shape.length;
    }

    int last() {
        return shape[shape.length - 1];
    }

    long address() {
        if (closed) throw new IllegalStateException("tensor " + this + " is closed");
        return buffer.address();
    }

    /** The code sums of uploaded weight codes; 0 for any other tensor. */
    long codeSums() {
        return codeSums == null ? 0 : codeSums.address();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        buffer.close();
        if (codeSums != null) codeSums.close();
    }

    @Override
    public String toString() {
        return "CudaTensor " + type + Arrays.toString(shape) + (closed ? " (closed)" : "");
    }
}
