package io.qvit.backend.cuda;

import io.qvit.backend.Tensor;
import java.util.Arrays;

/** A float tensor in device memory: a pooled buffer and a row-major shape. */
final class CudaTensor implements Tensor {
    private final int[] shape;
    private final DeviceBuffer buffer;
    private boolean closed;

    CudaTensor(DeviceBuffer buffer, int... shape) {
        this.buffer = buffer;
        this.shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    int dim(int i) {
        return shape[i];
    }

    int last() {
        return shape[shape.length - 1];
    }

    long address() {
        if (closed) throw new IllegalStateException("tensor " + Arrays.toString(shape) + " is closed");
        return buffer.address();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        buffer.close();
    }

    @Override
    public String toString() {
        return "CudaTensor" + Arrays.toString(shape) + (closed ? " (closed)" : "");
    }
}
