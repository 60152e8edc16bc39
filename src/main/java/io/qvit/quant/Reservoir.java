package io.qvit.quant;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A uniform random sample of at most {@code capacity} values per group (Vitter's algorithm R),
 * seeded so that calibration is repeatable. Below capacity it holds every value, so statistics
 * over it are exact; above, memory stays bounded however many batches are observed.
 */
final class Reservoir {
    private final float[][] samples;
    private final long[] seen;
    private final SplittableRandom random;

    Reservoir(int groups, int capacity, long seed) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        samples = new float[groups][capacity];
        seen = new long[groups];
        random = new SplittableRandom(seed);
    }

    void add(String tensor, float[] x) {
        int size = RangeObserver.groupSize(tensor, x, samples.length);
        for (int g = 0; g < samples.length; g++) {
            float[] s = samples[g];
            for (int i = g * size; i < (g + 1) * size; i++, seen[g]++) {
                if (seen[g] < s.length) {
                    s[(int) seen[g]] = x[i];
                } else {
                    long j = random.nextLong(seen[g] + 1);
                    if (j < s.length) s[(int) j] = x[i];
                }
            }
        }
    }

    int groups() {
        return samples.length;
    }

    /** A copy of the sample of group g. */
    float[] sample(int g) {
        if (seen[g] == 0) throw new IllegalStateException("no values observed");
        return Arrays.copyOf(samples[g], (int) Math.min(seen[g], samples[g].length));
    }
}
