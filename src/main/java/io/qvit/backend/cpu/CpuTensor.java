package io.qvit.backend.cpu;

import io.qvit.backend.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor of the CPU backend: a row-major {@code float[]} and a shape. {@link CpuBackend#fromHost}
 * wraps the caller's array without copying, so writes to that array show through (and ops that work
 * in place write into it). Using a closed tensor throws {@link IllegalStateException}.
 */
public final class CpuTensor implements Tensor {
    private final int[] shape;
    private float[] data;
    private final List<Runnable> closeListeners = new ArrayList<>();

    CpuTensor(float[] data, int... shape) {
        this.data = data;
        this.shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The backing array itself (not a copy). */
    public float[] data() {
        float[] d = data;
        if (d == null) throw new IllegalStateException("tensor " + Arrays.toString(shape) + " is closed");
        return d;
    }

    int dim(int i) {
        return shape[i];
    }

    int rank() {
        return shape.length;
    }

    /** Runs {@code listener} when this tensor is closed (caches keyed by it drop their entry). */
    synchronized void onClose(Runnable listener) {
        closeListeners.add(listener);
    }

    @Override
    public void close() {
        List<Runnable> listeners;
        synchronized (this) {
            if (data == null) return;
            data = null;
            listeners = new ArrayList<>(closeListeners);
            closeListeners.clear();
        }
        listeners.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "CpuTensor" + Arrays.toString(shape) + (data == null ? " (closed)" : "");
    }
}
