package io.qvit.testsupport;

import java.util.SplittableRandom;

/**
 * Fresh random test inputs per run: the seed is printed into every failure message and
 * {@code -Dqvit.test.seed=...} repeats a run.
 */
public final class TestRandom {
    private TestRandom() {}

    public static final long SEED = Long.getLong("qvit.test.seed", System.nanoTime());

    public static SplittableRandom random(String test) {
        return new SplittableRandom(SEED ^ test.hashCode());
    }

    /** Uniform in [-scale, scale] but never within scale/64 of zero, so no product vanishes by accident. */
    public static float[] uniform(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble(1.0 / 64, 1.0);
            v[i] = (float) ((rnd.nextBoolean() ? u : -u) * scale);
        }
        return v;
    }

    /** " (seed N, -Dqvit.test.seed=N to repeat)", for failure messages. */
    public static String seedNote() {
        return " (seed " + SEED + ", -Dqvit.test.seed=" + SEED + " to repeat)";
    }
}
