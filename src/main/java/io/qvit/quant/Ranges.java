package io.qvit.quant;

/** Per-group value ranges [lo[g], hi[g]], as observers report them; one group per scale. */
public record Ranges(float[] lo, float[] hi) {
    public Ranges {
        if (lo.length != hi.length) throw new IllegalArgumentException("lo and hi lengths differ: " + lo.length + ", " + hi.length);
        for (int g = 0; g < lo.length; g++) {
            if (!(lo[g] <= hi[g])) throw new IllegalArgumentException("range " + g + " is [" + lo[g] + ", " + hi[g] + "]");
        }
    }

    public int groups() {
        return lo.length;
    }

    /** The ranges scaled by alpha towards zero (clipping), alpha in (0, 1]. */
    public Ranges clipped(float alpha) {
        float[] l = new float[lo.length], h = new float[hi.length];
        for (int g = 0; g < l.length; g++) {
            l[g] = lo[g] * alpha;
            h[g] = hi[g] * alpha;
        }
        return new Ranges(l, h);
    }

    /** Exact min and max of each of {@code groups} equal contiguous slices of x. */
    public static Ranges minMax(float[] x, int groups) {
        int size = x.length / groups;
        float[] lo = new float[groups], hi = new float[groups];
        for (int g = 0; g < groups; g++) {
            float l = Float.POSITIVE_INFINITY, h = Float.NEGATIVE_INFINITY;
            for (int i = g * size; i < (g + 1) * size; i++) {
                l = Math.min(l, x[i]);
                h = Math.max(h, x[i]);
            }
            lo[g] = l;
            hi[g] = h;
        }
        return new Ranges(lo, hi);
    }
}
