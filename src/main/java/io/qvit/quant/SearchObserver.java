package io.qvit.quant;

/**
 * Min-max over every observed value, then a {@link ClippingSearch} over a reservoir sample of them
 * (exact when the values fit its capacity).
 */
public final class SearchObserver implements RangeObserver {
    private final MinMaxObserver minMax;
    private final Reservoir reservoir;
    private final ClippingSearch search;

    public SearchObserver(int groups, ClippingSearch search, int capacity, long seed) {
        this.minMax = new MinMaxObserver(groups);
        this.reservoir = new Reservoir(groups, capacity, seed);
        this.search = search;
    }

    @Override
    public void observe(String tensor, float[] x) {
        minMax.observe(tensor, x);
        reservoir.add(tensor, x);
    }

    @Override
    public Ranges ranges() {
        float[][] samples = new float[reservoir.groups()][];
        for (int g = 0; g < samples.length; g++) samples[g] = reservoir.sample(g);
        return search.search(samples, minMax.ranges());
    }
}
