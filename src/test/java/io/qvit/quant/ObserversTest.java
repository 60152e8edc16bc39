package io.qvit.quant;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.testsupport.TestRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObserversTest {
    /** Per-row batches of a [rows, cols] tensor; returns each group's values concatenated over batches. */
    private static float[][] feed(RangeObserver o, SplittableRandom rnd, int batches, int groups, int perGroup) {
        float[][] all = new float[groups][0];
        for (int b = 0; b < batches; b++) {
            float[] x = TestRandom.uniform(rnd, groups * perGroup, 3f);
            o.observe("x", x);
            for (int g = 0; g < groups; g++) {
                int old = all[g].length;
                all[g] = Arrays.copyOf(all[g], old + perGroup);
                System.arraycopy(x, g * perGroup, all[g], old, perGroup);
            }
        }
        return all;
    }

    @Test
    void minMaxStreamsExactly() {
        SplittableRandom rnd = TestRandom.random("minmax");
        MinMaxObserver o = new MinMaxObserver(4);
        float[][] all = feed(o, rnd, 5, 4, 37);
        for (int g = 0; g < 4; g++) {
            float[] v = all[g].clone();
            Arrays.sort(v);
            assertEquals(v[0], o.ranges().lo()[g], seedNote());
            assertEquals(v[v.length - 1], o.ranges().hi()[g], seedNote());
        }
    }

    @Test
    void percentileIsTheNearestRankOrderStatistic() {
        PercentileObserver o = new PercentileObserver(1, 99.99, 1 << 16, 1);
        float[] x = new float[10000];
        for (int i = 0; i < x.length; i++) x[i] = x.length - i; // 10000 .. 1, unsorted order
        o.observe("x", Arrays.copyOf(x, 4000));
        o.observe("x", Arrays.copyOfRange(x, 4000, 10000));
        // k = ceil(0.9999 * 10000) = 9999: hi is the 9999th smallest (9999), lo the 9999th largest (2).
        assertEquals(9999f, o.ranges().hi()[0]);
        assertEquals(2f, o.ranges().lo()[0]);

        SplittableRandom rnd = TestRandom.random("percentile");
        PercentileObserver rows = new PercentileObserver(3, 97.5, 1 << 16, 2);
        float[][] all = feed(rows, rnd, 3, 3, 101);
        for (int g = 0; g < 3; g++) {
            float[] v = all[g].clone();
            Arrays.sort(v);
            int k = (int) Math.ceil(0.975 * v.length); // 303 values: 295.425 -> 296, no decimal trap
            assertEquals(v[k - 1], rows.ranges().hi()[g], seedNote());
            assertEquals(v[v.length - k], rows.ranges().lo()[g], seedNote());
        }
        PercentileObserver all100 = new PercentileObserver(1, 100, 8, 3);
        all100.observe("x", new float[] {3, -1, 2});
        assertArrayEquals(new float[] {-1}, all100.ranges().lo());
        assertArrayEquals(new float[] {3}, all100.ranges().hi());
    }

    @Test
    void percentileBeyondCapacityUsesAUniformSample() {
        SplittableRandom rnd = TestRandom.random("reservoir");
        PercentileObserver o = new PercentileObserver(1, 99, 2000, rnd.nextLong());
        for (int b = 0; b < 50; b++) {
            float[] x = new float[2000];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
            o.observe("x", x);
        }
        // True 1%/99% points of U(0,1); a 2000-value sample's order statistic lies within 0.01 of them
        // (about 4 standard deviations).
        assertTrue(Math.abs(o.ranges().hi()[0] - 0.99) < 0.01, o.ranges().hi()[0] + seedNote());
        assertTrue(Math.abs(o.ranges().lo()[0] - 0.01) < 0.01, o.ranges().lo()[0] + seedNote());
    }

    @Test
    void searchClipsOutliersAndNeverLosesToMinMax() {
        SplittableRandom rnd = TestRandom.random("search");
        for (int bits : new int[] {2, 4, 8}) {
            for (boolean symmetric : new boolean[] {true, false}) {
                QuantFormat f = new QuantFormat(bits, symmetric);
                ClippingSearch search = new ClippingSearch(f);
                int groups = 3, n = 2000;
                float[] x = new float[groups * n];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                for (int g = 0; g < groups; g++) x[g * n + rnd.nextInt(n)] = 12f; // one outlier per row
                SearchObserver o = new SearchObserver(groups, search, n, 7);
                o.observe("x", x);
                Ranges got = o.ranges();
                Ranges base = Ranges.minMax(x, groups);
                for (int g = 0; g < groups; g++) {
                    float[] row = Arrays.copyOfRange(x, g * n, (g + 1) * n);
                    // Per-channel search equals the per-tensor search of that row alone.
                    Ranges alone = search.search(new float[][] {row}, Ranges.minMax(row, 1));
                    assertEquals(alone.hi()[0], got.hi()[g], f + seedNote());
                    double chosen = search.squaredError(row, got.lo()[g], got.hi()[g]);
                    for (float alpha : ClippingSearch.DEFAULT_ALPHAS) {
                        double other = search.squaredError(row, base.lo()[g] * alpha, base.hi()[g] * alpha);
                        assertTrue(chosen <= other, f + ": alpha " + alpha + " has error " + other + " < chosen " + chosen + seedNote());
                    }
                    // At 4 bits clipping the outlier to 6 costs 36 but shrinks the step on the other 1999 values
                    // from 12/7 (or 12/15) to half that: squared error falls about fourfold. At 2 bits every
                    // clipped grid range still rounds the Gaussian part to 0, at 8 bits the step is already fine.
                    if (bits == 4) assertTrue(got.hi()[g] < 12f, f + ": the outlier was not clipped" + seedNote());
                }
            }
        }
    }

    @Test
    void observersRejectNonFiniteValues() {
        RangeObserver[] all = {new MinMaxObserver(1), new PercentileObserver(1, 99.9, 10, 1), new SearchObserver(1, new ClippingSearch(QuantFormat.symmetric(8)), 10, 1)};
        for (RangeObserver o : all) {
            QvitException e = assertThrows(QvitException.class, () -> o.observe("blocks.3.mlp.fc1", new float[] {1f, Float.NaN}));
            assertTrue(e.getMessage().startsWith("tensor 'blocks.3.mlp.fc1' has NaN/inf values"), e.getMessage());
            assertThrows(IllegalStateException.class, o::ranges);
        }
    }
}
