package io.qvit.quant;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * Clips outliers: the range of each group is [the (100 - p)th, the pth] percentile of the observed
 * values, by the nearest-rank rule without interpolation. With n values sorted ascending and
 * {@code k = ceil(p/100 * n)} (in exact decimal arithmetic, so 99.99% of 10000 is 9999), hi is the
 * k-th smallest and lo the k-th largest. p = 100 gives min-max. Exact while the values fit the
 * reservoir's capacity, a uniform sample's order statistic beyond it.
 */
public final class PercentileObserver implements RangeObserver {
    private final BigDecimal fraction;
    private final Reservoir reservoir;

    /** @param percentile in (50, 100], e.g. 99.99 */
    public PercentileObserver(int groups, double percentile, int capacity, long seed) {
        if (!(percentile > 50 && percentile <= 100)) throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        this.fraction = BigDecimal.valueOf(percentile).movePointLeft(2);
        this.reservoir = new Reservoir(groups, capacity, seed);
    }

    @Override
    public void observe(String tensor, float[] x) {
        reservoir.add(tensor, x);
    }

    @Override
    public Ranges ranges() {
        int groups = reservoir.groups();
        float[] lo = new float[groups], hi = new float[groups];
        for (int g = 0; g < groups; g++) {
            float[] v = reservoir.sample(g);
            Arrays.sort(v);
            int k = fraction.multiply(BigDecimal.valueOf(v.length)).setScale(0, RoundingMode.CEILING).intValueExact();
            hi[g] = v[k - 1];
            lo[g] = v[v.length - k];
        }
        return new Ranges(lo, hi);
    }
}
