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
    private final int capacity;
    private final SplittableRandom random;

    Reservoir(int groups, int capacity, long seed) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        // Arrays grow to capacity as values arrive: many groups of few values (weight rows) stay small.
        samples = new float[groups][0];
        seen = new long[groups];
        this.capacity = capacity;
        random = new SplittableRandom(seed);
    }

    void add(String tensor, float[] x) {
        int size = RangeObserver.groupSize(tensor, x, samples.length);
        for (int g = 0; g < samples.length; g++) {
            long filled = Math.min(capacity, seen[g] + size);
            if (samples[g].length < filled) samples[g] = Arrays.copyOf(samples[g], (int) Math.min(capacity, Math.max(filled, 2L * samples[g].length)));
            float[] s = samples[g];
            for (int i = g * size; i < (g + 1) * size; i++, seen[g]++) {
                if (seen[g] < capacity) {
                    s[(int) seen[g]] = x[i];
                } else {
                    long j = random.nextLong(seen[g] + 1);
                    if (j < capacity) s[(int) j] = x[i];
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
        return Arrays.copyOf(samples[g], (int) Math.min(seen[g], capacity));
    }
}
