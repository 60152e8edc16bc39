package io.qvit.model.weights;

/** One named tensor of a checkpoint; its data is read (and widened to float) on demand. */
public interface WeightTensor {
    /** The name as stored in the file (before any renaming by {@link StateDict}). */
    String name();

    /** Row-major shape; an empty array for a scalar. */
    int[] shape();

    DType dtype();

    default long numel() {
        long n = 1;
        for (int d : shape()) n *= d;
        return n;
    }

    /** The elements as float32, row-major; F16/BF16/F64 are converted exactly as PyTorch's .float() does. */
    float[] toFloats();
}
