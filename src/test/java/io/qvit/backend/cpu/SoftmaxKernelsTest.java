package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.quant.QuantRules;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quantized softmax's two kernels against their definitions, with the Vector API and the scalar
 * kernels: {@link FloatExp} and {@link Kernels#floatExp} over {@link Kernels#expApproximate} give
 * {@code (float) Math.exp(x)} bit for bit (the poison either side of the kernel's output stays), and
 * {@link Kernels#sqrt2LogValues} gives {@link QuantRules}' log-sqrt(2) code values bit for bit. Exact
 * agreement is the tolerance for all three.
 */
class SoftmaxKernelsTest {
    private static Kernels kernels(boolean vector) {
        return vector ? new VectorKernels() : new ScalarKernels();
    }

    @ParameterizedTest(name = "vector {0}")
    @ValueSource(booleans = {true, false})
    void expIsMathExpRoundedToFloat(boolean vector) {
        SplittableRandom rnd = Check.random("floatExp");
        Kernels k = kernels(vector);
        int n = 1_000_003; // ragged: not a multiple of any vector length
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            switch (i % 4) {
                case 0 -> x[i] = (float) (-110 * rnd.nextDouble());              // the whole range, subnormal and zero results too
                case 1 -> x[i] = (float) (-12 * rnd.nextDouble());               // where softmax scores lie
                case 2 -> x[i] = (float) -Math.scalb(rnd.nextDouble(), -rnd.nextInt(40)); // tiny magnitudes, e^x near 1
                default -> x[i] = Float.intBitsToFloat(Float.floatToRawIntBits(FloatExp.NORMAL_FROM) + rnd.nextInt(-50, 50));
            }
        }
        float[] edges = {-0f, 0f, FloatExp.NORMAL_FROM, FloatExp.ZERO_UP_TO, Math.nextUp(FloatExp.ZERO_UP_TO), -103.97f,
                -708.5f, Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -Float.MIN_VALUE, -0.34657356f};
        System.arraycopy(edges, 0, x, 0, edges.length);
        double[] e = new double[n];
        for (int i = 0; i < n; i++) e[i] = x[i];
        k.expApproximate(e, n);
        float[] kernel = new float[n + 5];
        java.util.Arrays.fill(kernel, Float.NaN);
        System.arraycopy(x, 0, kernel, 3, n);
        double[] approximations = e.clone();
        k.floatExp(kernel, 3, e, 0, n);
        for (int i : new int[] {0, 1, 2, n + 3, n + 4}) assertTrue(Float.isNaN(kernel[i]), "floatExp wrote outside its range, at " + (i - 3));
        for (int i = 0; i < n; i++)
            assertEquals(Double.doubleToRawLongBits(kernel[3 + i]), Double.doubleToRawLongBits(e[i]), "floatExp's double of its float at " + x[i]);
        e = approximations;
        int nearMidpoint = 0;
        for (int i = 0; i < n; i++) {
            float expected = (float) Math.exp(x[i]);
            float got = FloatExp.of(x[i], e[i]);
            if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(expected))
                throw new AssertionError("exp(" + x[i] + "): " + got + ", Math.exp gives " + expected + " (seed " + Check.SEED + ")");
            if (Float.floatToRawIntBits(kernel[3 + i]) != Float.floatToRawIntBits(expected))
                throw new AssertionError("floatExp kernel at " + x[i] + ": " + kernel[3 + i] + ", Math.exp gives " + expected + " (seed " + Check.SEED + ")");
            if (x[i] >= FloatExp.NORMAL_FROM) {
                long apart = Math.abs(Double.doubleToRawLongBits(e[i]) - Double.doubleToRawLongBits(Math.exp(x[i])));
                assertTrue(apart < FloatExp.MARGIN / 2, "approximation " + apart + " ulps from Math.exp at " + x[i] + ", more than half the margin");
                long low = Double.doubleToRawLongBits(e[i]) & ((1L << 29) - 1);
                if (Math.abs(low - (1L << 28)) <= FloatExp.MARGIN) nearMidpoint++;
            }
        }
        assertTrue(nearMidpoint < n / 1000, nearMidpoint + " of " + n + " near a midpoint: the fallback should be rare");
    }

    /**
     * Near float rounding midpoints, where random inputs almost never put an approximation on the other
     * side of one from Math.exp: every approximation within the error bound that {@link FloatExp} allows
     * ({@code MARGIN / 2} double ulps, which SoftmaxKernelsTest's first test checks expApproximate keeps)
     * must still give Math.exp's float.
     */
    @ParameterizedTest(name = "vector {0}")
    @ValueSource(booleans = {true, false})
    void expNearRoundingMidpointsIsMathExpsFloat(boolean vector) {
        SplittableRandom rnd = Check.random("floatExp near midpoints");
        Kernels k = kernels(vector);
        int n = 40_003;
        float[] x = new float[n];
        double[] e = new double[n];
        for (int i = 0; i < n; ) {
            float xi = (float) (-87 * rnd.nextDouble());
            long bits = Double.doubleToRawLongBits(Math.exp(xi));
            if (Math.abs((bits & FloatExp.LOW_BITS) - FloatExp.MIDPOINT) >= FloatExp.MARGIN / 2) continue;
            x[i] = xi;
            e[i++] = Double.longBitsToDouble(bits + rnd.nextLong(-FloatExp.MARGIN / 2 + 1, FloatExp.MARGIN / 2));
        }
        float[] exps = x.clone();
        k.floatExp(exps, 0, e, 0, n);
        for (int i = 0; i < n; i++) {
            float expected = (float) Math.exp(x[i]);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(exps[i]), "floatExp at " + x[i] + " (seed " + Check.SEED + ")");
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(e[i]), "floatExp's double at " + x[i] + " (seed " + Check.SEED + ")");
        }
    }

    @ParameterizedTest(name = "vector {0}")
    @ValueSource(booleans = {true, false})
    void logValuesFollowQuantRules(boolean vector) {
        SplittableRandom rnd = Check.random("sqrt2LogValues");
        Kernels k = kernels(vector);
        int[] qmaxes = {1, 7, 15, 255};
        float[] thresholds = {1f, QuantRules.ROOT4_2, (float) Math.sqrt(2), QuantRules.ROOT4_8};
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + rnd.nextInt(90), qmax = qmaxes[trial % qmaxes.length], off = rnd.nextInt(5);
            float s = trial % 7 == 0 ? QuantRules.MIN_SCALE : (float) Math.scalb(0.5 + rnd.nextDouble(), -rnd.nextInt(8));
            float[] p = new float[off + n + 3];
            for (int i = 0; i < p.length; i++) {
                float v = switch (rnd.nextInt(6)) {
                    case 0 -> (float) (s * rnd.nextDouble());
                    case 1 -> (float) (s * Math.scalb(rnd.nextDouble(), -rnd.nextInt(140))); // deep codes and subnormal quotients
                    case 2 -> 0f;
                    case 3 -> s;
                    default -> { // next to a code boundary: s times a threshold times 2^-j, a few ulps either side
                        float t = (float) (s * thresholds[rnd.nextInt(4)] * Math.scalb(1.0, -1 - rnd.nextInt(40)));
                        yield Math.min(s, Math.max(0f, Float.intBitsToFloat(Float.floatToRawIntBits(t) + rnd.nextInt(-3, 4))));
                    }
                };
                p[i] = v;
            }
            float[] expected = p.clone();
            for (int i = off; i < off + n; i++)
                expected[i] = QuantRules.log2Value(QuantRules.log2Code(p[i], s, true, qmax), s, true, qmax);
            k.sqrt2LogValues(p, off, n, s, qmax);
            for (int i = 0; i < p.length; i++)
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(p[i]),
                        "element " + i + " of trial " + trial + " (qmax " + qmax + ", s " + s + ", seed " + Check.SEED + ")");
        }
    }
}
