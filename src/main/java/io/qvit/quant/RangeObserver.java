package io.qvit.quant;

/**
 * Watches the values of one tensor over calibration batches and proposes a range per group.
 * Each observed array is split into the observer's number of equal contiguous groups (1 for
 * per-tensor; the rows of a weight for per-channel), as {@link UniformQuantizer} splits it.
 */
public interface RangeObserver {
    void observe(String tensor, float[] x);

    /** The ranges so far; at least one value must have been observed. */
    Ranges ranges();

    /** Checks the values and returns the group size. */
    static int groupSize(String tensor, float[] x, int groups) {
        FiniteValues.require(tensor, x);
        if (x.length == 0 || x.length % groups != 0) {
            throw new IllegalArgumentException("tensor '" + tensor + "' has " + x.length + " elements, not a positive multiple of " + groups + " groups");
        }
        return x.length / groups;
    }
}
