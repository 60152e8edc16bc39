package io.qvit.quant;

import java.util.Arrays;

/** Running minimum and maximum per group: exact, streaming, constant memory. */
public final class MinMaxObserver implements RangeObserver {
    private final float[] lo, hi;

    public MinMaxObserver(int groups) {
        lo = new float[groups];
        hi = new float[groups];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    }

    @Override
    public void observe(String tensor, float[] x) {
        RangeObserver.groupSize(tensor, x, lo.length);
        Ranges batch = Ranges.minMax(x, lo.length);
        for (int g = 0; g < lo.length; g++) {
            lo[g] = Math.min(lo[g], batch.lo()[g]);
            hi[g] = Math.max(hi[g], batch.hi()[g]);
        }
    }

    @Override
    public Ranges ranges() {
        if (lo[0] > hi[0]) throw new IllegalStateException("no values observed");
        return new Ranges(lo.clone(), hi.clone());
    }
}
