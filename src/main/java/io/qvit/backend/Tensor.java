package io.qvit.backend;

/**
 * A backend-owned tensor (host memory for the CPU backend, device memory for CUDA). Closing it
 * releases the backend's storage; using it afterwards is an error.
 */
public interface Tensor extends AutoCloseable {
    /** Row-major shape, in elements (codes for packed types). */
    int[] shape();

    ElementType type();

    default long numel() {
        long n = 1;
        for (int d : shape()) n *= d;
        return n;
    }

    @Override
    void close();
}
