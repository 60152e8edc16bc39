package io.qvit.quant.reparam;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.Ranges;
import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The transform search on fresh random rows: with one channel 30 times the others in every row
 * (an outlier channel, as in the GELU outputs of ImageNet-21k ViTs), 4-bit per-row inputs and
 * 4-bit weights, it does not settle for min-max rows untransformed.
 */
class ActivationSmoothingTest {
    private static final int ROWS = 256, K = 64, OUTPUTS = 32;

    @Test
    void outliersAreTransformedAway() {
        SplittableRandom rnd = TestRandom.random("ActivationSmoothing");
        float[] x = rows(rnd), w = TestRandom.uniform(rnd, OUTPUTS * K, 0.2f);
        try (CpuBackend cpu = new CpuBackend(2)) {
            InputTransform t = ActivationSmoothing.search(x, Ranges.minMax(transpose(x), K), w, OUTPUTS,
                    QuantFormat.asymmetric(4), QuantFormat.symmetric(4), cpu);
            assertFalse(t.identity(), "kept the outlier rows as they are" + seedNote());
        }
    }

    private static float[] rows(SplittableRandom rnd) {
        float[] x = TestRandom.uniform(rnd, ROWS * K, 1f);
        for (int r = 0; r < ROWS; r++) x[r * K + 5] = 30f + (float) rnd.nextDouble();
        return x;
    }

    /** [ROWS, K] to [K, ROWS]: min-max over contiguous groups gives each channel's range. */
    private static float[] transpose(float[] x) {
        float[] t = new float[x.length];
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < K; c++) t[c * ROWS + r] = x[r * K + c];
        return t;
    }
}
