package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.ElementType;
import io.qvit.backend.QuantizedRows;
import io.qvit.backend.QuantizedWeights;
import io.qvit.backend.RowQuantization;
import io.qvit.backend.Tensor;
import io.qvit.quant.Granularity;
import io.qvit.quant.IntGemm;
import io.qvit.quant.PackedCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.QuantRules;
import io.qvit.quant.UniformQuantizer;
import io.qvit.quant.reparam.ActivationSmoothing;
import io.qvit.quant.reparam.HadamardRotation;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU twins of {@link Backend#quantizeRows} and {@link Backend#integerLinear} on fresh random
 * inputs of ragged shapes, every element checked exactly: codes, scales and zero points against the
 * quantizer of {@code io.qvit.quant} applied to the transformed rows; products against sums in long
 * (and {@link IntGemm}, the int32 reference), then the epilogue's fp32 steps; with the Vector API
 * kernels and the scalar ones. Quantized rows reuse the arrays of closed ones (the backend's pool), so
 * the rows checked are written over those of other rows.
 */
class IntegerOpsTest {
    private static final int THREADS = 3;

    @ParameterizedTest(name = "{0}x{1} at {2} bits, divisors {3}, rotate {4}, per row {5}")
    @CsvSource({"37,48,4,true,true,true", "5,33,8,false,false,true", "64,96,8,true,true,true", "9,7,3,false,false,false",
            "13,40,6,true,false,false", "1,16,4,false,true,true"})
    void quantizeRowsFollowsTheRules(int m, int k, int bits, boolean divide, boolean rotate, boolean perRow) {
        SplittableRandom rnd = Check.random("quantizeRows");
        float[] x = Check.uniform(rnd, m * k, 4f);
        x[rnd.nextInt(x.length)] = 60f; // an outlier, as ViT tokens have
        float[] divisors = divide ? positive(rnd, k) : null;
        QuantFormat f = QuantFormat.asymmetric(bits);
        for (boolean vector : new boolean[] {true, false}) {
            try (Backend be = new CpuBackend(THREADS, vector); Tensor xt = be.fromHost(x, m, k);
                 Tensor dt = divide ? be.fromHost(divisors, k) : null) {
                float[] seen = divide ? ActivationSmoothing.divideColumns(x, divisors) : x.clone();
                if (rotate) seen = HadamardRotation.rotateRows(seen, k);
                QuantParams expected = perRow ? QuantParams.minMax("x", seen, m, f, Granularity.PER_TOKEN)
                        : QuantParams.fromRanges(f, Granularity.PER_TENSOR, new io.qvit.quant.Ranges(new float[] {-3f}, new float[] {5f}));
                RowQuantization recipe = perRow ? RowQuantization.perRow(f, dt, rotate)
                        : new RowQuantization(f, dt, rotate, false, expected.scaleOfRow(0), expected.zeroPointOfRow(0));
                // other rows of this shape, quantized and closed first: the rows below get their arrays
                // back from the backend's pool, and must overwrite every code
                try (Tensor other = be.fromHost(Check.uniform(rnd, m * k, 9f), m, k)) {
                    be.quantizeRows(other, recipe).close();
                }
                try (QuantizedRows q = be.quantizeRows(xt, recipe)) {
                    assertEquals(ElementType.codes(f), q.codes().type());
                    assertArrayEquals(new int[] {m, k}, q.codes().shape());
                    assertArrayEquals(new UniformQuantizer(expected).quantize("x", seen), be.toHostInts(q.codes()), "codes");
                    float[] scales = be.toHost(q.scales());
                    int[] zeros = be.toHostInts(q.zeroPoints());
                    for (int r = 0; r < m; r++) {
                        assertEquals(Float.floatToRawIntBits(expected.scaleOfRow(r)), Float.floatToRawIntBits(scales[r]), "scale of row " + r);
                        assertEquals(expected.zeroPointOfRow(r), zeros[r], "zero point of row " + r);
                    }
                }
            }
    
        }
    }

    /** The fused op against its two steps, at row counts that split into ragged tasks of the backend's rows. */
    @ParameterizedTest(name = "{0}x{1} at {2} bits, rotate {3}")
    @CsvSource({"150,48,4,true", "65,96,8,true", "3,40,6,false", "129,384,8,true"})
    void layerNormQuantizeRowsIsLayerNormThenQuantizeRows(int m, int k, int bits, boolean rotate) {
        SplittableRandom rnd = Check.random("layerNormQuantizeRows");
        float[] x = Check.uniform(rnd, m * k, 4f), gamma = Check.uniform(rnd, k, 2f), beta = Check.uniform(rnd, k, 1f);
        x[rnd.nextInt(x.length)] = 60f;
        float[] divisors = positive(rnd, k);
        QuantFormat f = QuantFormat.asymmetric(bits);
        for (boolean vector : new boolean[] {true, false}) {
            try (Backend be = new CpuBackend(THREADS, vector); Tensor xt = be.fromHost(x, m, k); Tensor g = be.fromHost(gamma, k);
                 Tensor b = be.fromHost(beta, k); Tensor dt = be.fromHost(divisors, k); Tensor normed = be.layerNorm(xt, g, b, 1e-6f)) {
                RowQuantization recipe = RowQuantization.perRow(f, dt, rotate);
                try (QuantizedRows fused = be.layerNormQuantizeRows(xt, g, b, 1e-6f, recipe); QuantizedRows steps = be.quantizeRows(normed, recipe)) {
                    assertArrayEquals(be.toHostInts(steps.codes()), be.toHostInts(fused.codes()), "codes, vector " + vector);
                    assertArrayEquals(be.toHostInts(steps.zeroPoints()), be.toHostInts(fused.zeroPoints()), "zero points, vector " + vector);
                    Check.identical("scales, vector " + vector, be.toHost(steps.scales()), be.toHost(fused.scales()));
                }
            }
        }
    }

    @ParameterizedTest(name = "NaN at {0}")
    @CsvSource({"0", "77"})
    void quantizeRowsRejectsNaN(int at) {
        float[] x = Check.uniform(Check.random("quantizeRowsNaN"), 6 * 16, 1f);
        x[at] = Float.NaN;
        try (Backend be = new CpuBackend(THREADS); Tensor xt = be.fromHost(x, 6, 16)) {
            QvitException e = assertThrows(QvitException.class, () -> be.quantizeRows(xt, RowQuantization.perRow(QuantFormat.asymmetric(8), null, false)));
            assertTrue(e.getMessage().contains("row " + at / 16 + " has a NaN"), e.getMessage());
        }
    }

    /**
     * Every epilogue: plain, GELU, residual add with and without LayerScale, and requantized. At 8
     * bits with K = 4096 the first row's codes are extreme, so its float sum could pass 2^24 and is
     * summed in double: the rows on both sides of the bound are checked.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}, a{3} w{4}")
    @CsvSource({"37,24,192,4,4", "29,19,4096,8,8", "5,3,3001,8,4", "70,50,33,6,3", "1,7,8,2,8", "9,5,33,4,4", "3,4,17,3,2"})
    void integerLinearIsExact(int m, int n, int k, int bitsA, int bitsW) {
        SplittableRandom rnd = Check.random("integerLinear");
        float[] x = Check.uniform(rnd, m * k, 3f), wv = Check.uniform(rnd, n * k, 0.1f);
        for (int i = 0; i < k; i++) x[i] = i % 2 == 0 ? 3f : -3f; // far from the zero point: past the bound at 8 bits
        QuantFormat fa = QuantFormat.asymmetric(bitsA), fw = QuantFormat.symmetric(bitsW);
        QuantParams pa = QuantParams.minMax("x", x, m, fa, Granularity.PER_TOKEN), pw = QuantParams.minMax("w", wv, n, fw, Granularity.PER_CHANNEL);
        int[] qa = new UniformQuantizer(pa).quantize("x", x), qw = new UniformQuantizer(pw).quantize("w", wv);
        PackedCodes wCodes = PackedCodes.pack(qw, n, k, fw);
        int[] expectedSums = new int[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++) {
                long s = 0;
                for (int c = 0; c < k; c++) s += (long) (qa[r * k + c] - pa.zeroPointOfRow(r)) * (qw[j * k + c] - pw.zeroPointOfRow(j));
                expectedSums[r * n + j] = Math.toIntExact(s);
            }
        assertArrayEquals(expectedSums, IntGemm.accumulate(PackedCodes.pack(qa, m, k, fa), pa, wCodes, pw), "IntGemm");
        float[] bias = Check.uniform(rnd, n, 0.5f), gamma = Check.uniform(rnd, n, 1f), residual = Check.uniform(rnd, m * n, 2f);
        float[] y = new float[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++) y[r * n + j] = QuantRules.epilogue(expectedSums[r * n + j], pa.scaleOfRow(r), pw.scaleOfRow(j), bias[j]);
        float[] gelu = new float[y.length], added = new float[y.length], addedScaled = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            gelu[i] = Erf.gelu(y[i]);
            added[i] = residual[i] + y[i];
            addedScaled[i] = residual[i] + gamma[i % n] * y[i];
        }
        for (boolean vector : new boolean[] {true, false}) {
            try (Backend be = new CpuBackend(THREADS, vector); Tensor xt = be.fromHost(x, m, k); Tensor bt = be.fromHost(bias, n);
                 Tensor gt = be.fromHost(gamma, n); Tensor rt = be.fromHost(residual, m, n); Tensor rt2 = be.fromHost(residual, m, n);
                 QuantizedWeights w = be.uploadWeights(wCodes, pw)) {
                // other rows of this shape, quantized and closed first: the input's codes and centred values
                // get their arrays back from the backend's pool, and must overwrite all of them
                try (Tensor other = be.fromHost(Check.uniform(rnd, m * k, 9f), m, k)) {
                    be.quantizeRows(other, RowQuantization.perRow(fa, null, false)).close();
                }
                try (QuantizedRows a = be.quantizeRows(xt, RowQuantization.perRow(fa, null, false))) {
                    assertArrayEquals(qa, be.toHostInts(a.codes()), "input codes");
                    assertArrayEquals(qw, be.toHostInts(w.codes()), "uploaded weight codes");
                    try (Tensor out = be.integerLinear(a, w, Backend.Epilogue.bias(bt))) {
                        Check.identical("plain", y, be.toHost(out));
                    }
                    try (Tensor out = be.integerLinear(a, w, new Backend.Epilogue(bt, true, null, null))) {
                        Check.identical("gelu", gelu, be.toHost(out));
                    }
                    assertNull(be.integerLinear(a, w, new Backend.Epilogue(bt, false, rt, null)));
                    Check.identical("residual", added, be.toHost(rt));
                    be.integerLinear(a, w, new Backend.Epilogue(bt, false, rt2, gt));
                    Check.identical("residual with LayerScale", addedScaled, be.toHost(rt2));
                    RowQuantization next = RowQuantization.perRow(QuantFormat.asymmetric(4), null, Integer.lowestOneBit(n) > 1);
                    try (QuantizedRows fused = be.integerLinearRequantized(a, w, new Backend.Epilogue(bt, true, null, null), next);
                         Tensor g = be.fromHost(gelu, m, n); QuantizedRows separate = be.quantizeRows(g, next)) {
                        assertArrayEquals(be.toHostInts(separate.codes()), be.toHostInts(fused.codes()), "requantized codes");
                        Check.identical("requantized scales", be.toHost(separate.scales()), be.toHost(fused.scales()));
                        assertArrayEquals(be.toHostInts(separate.zeroPoints()), be.toHostInts(fused.zeroPoints()), "requantized zero points");
                    }
                }
            }
    
        }
    }

    private static float[] positive(SplittableRandom rnd, int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = (float) (0.25 + 4 * rnd.nextDouble());
        return s;
    }
}
