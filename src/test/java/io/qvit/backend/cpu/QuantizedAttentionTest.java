package io.qvit.backend.cpu;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.Backend;
import io.qvit.backend.ProbabilityCodes;
import io.qvit.backend.Tensor;
import io.qvit.quant.Granularity;
import io.qvit.quant.Log2Quantizer;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.QuantRules;
import io.qvit.quant.UniformQuantizer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Backend#quantizedAttention} against the op's specification written out here, on fresh
 * random qkv of ragged shapes, every output element checked bit for bit, with the Vector API and the
 * scalar kernels: Q.K^T from codes summed in long, Q and K quantized per row and V at its fixed range
 * by {@code io.qvit.quant}'s quantizer, the probabilities by {@link Log2Quantizer#fakeQuantRows}, and
 * the fp32 steps (scaling, softmax, P.V) in the order the op states. With every operand in fp32 the op
 * also agrees with the fp32 attention ({@link Backend#attention}) to 1e-5 relative to the largest
 * output: only the summation orders and the exp differ.
 */
class QuantizedAttentionTest {
    @ParameterizedTest(name = "batch {0}, tokens {1}, heads {2}, head width {3}: Q/K {4} bits, V {5}, P {6}, vector {7}")
    @CsvSource({"2,13,3,16,8,8,8,true", "2,13,3,16,4,4,4,true", "1,7,2,24,0,6,5,true", "3,5,1,9,3,0,0,true",
            "2,11,4,8,0,0,0,true", "2,13,3,16,8,8,8,false", "1,7,2,24,4,0,3,false", "1,197,1,64,4,4,4,true",
            "1,197,1,64,0,4,4,true", "2,37,2,21,0,8,4,true", "2,37,2,21,0,8,4,false"})
    void followsTheSpecification(int batch, int tokens, int heads, int d, int qkBits, int vBits, int pBits, boolean vector) {
        SplittableRandom rnd = Check.random("quantizedAttention");
        int dim = heads * d;
        float[] qkv = Check.uniform(rnd, batch * tokens * 3 * dim, 2f);
        for (int i = 0; i < 3; i++) qkv[rnd.nextInt(qkv.length)] *= 25; // outliers
        QuantFormat qk = qkBits == 0 ? null : QuantFormat.asymmetric(qkBits), v = vBits == 0 ? null : QuantFormat.asymmetric(vBits);
        float vScale = v == null ? Float.NaN : 4f / v.qmax();
        int vZero = v == null ? 0 : v.qmax() / 2 + 1;
        AttentionQuantization quant = new AttentionQuantization(qk, v, vScale, vZero, pBits);
        float[] expected = reference(qkv, batch, tokens, heads, d, quant);
        try (Backend be = new CpuBackend(3, vector); Tensor x = be.fromHost(qkv, batch * tokens, 3 * dim);
             Tensor out = be.quantizedAttention(x, batch, tokens, heads, quant)) {
            Check.identical("quantized attention " + quant + " (seed " + Check.SEED + ")", expected, be.toHost(out));
            if (quant.equals(AttentionQuantization.FLOAT)) {
                float[] fp32;
                try (Tensor f = be.attention(x, batch, tokens, heads, (float) (1 / Math.sqrt(d)))) {
                    fp32 = be.toHost(f);
                }
                double max = 0;
                for (float e : expected) max = Math.max(max, Math.abs(e));
                double[] ref = new double[fp32.length];
                for (int i = 0; i < ref.length; i++) ref[i] = fp32[i];
                Check.close("fp32 operands against the fp32 attention", ref, expected, 1e-5 * max, 0);
            }
        }
    }

    /**
     * Q and K at calibrated ranges and the probabilities at a calibrated scale (the repq and minmax
     * methods), against the same written-out steps; the calibrated scales are drawn around the
     * data's own so that some values clip.
     */
    @ParameterizedTest(name = "batch {0}, tokens {1}, heads {2}, head width {3}: {4} bits, probabilities {5}, vector {6}")
    @CsvSource({"2,13,3,16,8,LOG2_CALIBRATED,true", "2,13,3,16,4,LOG2_CALIBRATED,true", "1,7,2,24,6,UNIFORM_CALIBRATED,true",
            "3,5,1,9,4,UNIFORM_CALIBRATED,false", "1,197,1,64,4,LOG2_CALIBRATED,false"})
    void calibratedRangesFollowTheSpecification(int batch, int tokens, int heads, int d, int bits, ProbabilityCodes codes, boolean vector) {
        SplittableRandom rnd = Check.random("quantizedAttention calibrated");
        int dim = heads * d;
        float[] qkv = Check.uniform(rnd, batch * tokens * 3 * dim, 2f);
        QuantFormat f = QuantFormat.asymmetric(bits);
        float qScale = (float) (rnd.nextDouble(2.5, 4.5) / f.qmax()), kScale = (float) (rnd.nextDouble(2.5, 4.5) / f.qmax());
        int qZero = f.qmax() / 2 + rnd.nextInt(-1, 2), kZero = f.qmax() / 2 + rnd.nextInt(-1, 2);
        float probScale = codes == ProbabilityCodes.UNIFORM_CALIBRATED ? (float) (rnd.nextDouble(0.5, 1.0) / f.qmax()) : (float) rnd.nextDouble(0.2, 1.0);
        AttentionQuantization quant = new AttentionQuantization(f, qScale, qZero, kScale, kZero, f, 4f / f.qmax(), f.qmax() / 2 + 1, bits, codes, probScale);
        float[] expected = reference(qkv, batch, tokens, heads, d, quant);
        try (Backend be = new CpuBackend(3, vector); Tensor x = be.fromHost(qkv, batch * tokens, 3 * dim);
             Tensor out = be.quantizedAttention(x, batch, tokens, heads, quant)) {
            Check.identical("quantized attention " + quant + " (seed " + Check.SEED + ")", expected, be.toHost(out));
        }
    }

    /**
     * RepQ-ViT's log-sqrt(2) codes (its fake quantizer in double: {@code c = rint(-2 log2(p / s))},
     * 0 beyond {@code 2^b - 1}, value {@code s 2^(-c/2)}) are what {@link ProbabilityCodes#LOG2_CALIBRATED}
     * takes: the codes equal, the values within 2 ulp (fp32 rounding of s / sqrt 2).
     */
    @Test
    void calibratedLog2CodesAreRepqs() {
        SplittableRandom rnd = Check.random("repq log2");
        for (int bits : new int[] {3, 4, 6, 8}) {
            int qmax = ProbabilityCodes.LOG2_CALIBRATED.log2Qmax(bits);
            for (int i = 0; i < 20000; i++) {
                float s = (float) rnd.nextDouble(0.05, 1), p = (float) Math.pow(10, -rnd.nextDouble(0, 8));
                double c = Math.max(0, Math.rint(-2 * Math.log((double) (p / s)) / Math.log(2)));
                double expected = c >= (1 << bits) ? 0 : s * Math.pow(2, -c / 2);
                int code = QuantRules.log2Code(p, s, true, qmax);
                float value = QuantRules.log2Value(code, s, true, qmax);
                assertTrue(Math.abs(value - expected) <= 2 * Math.ulp((float) expected),
                        "p " + p + " s " + s + " at " + bits + " bits: " + value + ", RepQ-ViT's " + expected + " (seed " + Check.SEED + ")");
            }
        }
    }

    @Test
    void nanInQIsAClearError() {
        float[] qkv = Check.uniform(Check.random("quantizedAttentionNaN"), 2 * 5 * 3 * 8, 1f);
        qkv[3] = Float.NaN;
        try (Backend be = new CpuBackend(2); Tensor x = be.fromHost(qkv, 2 * 5, 3 * 8)) {
            QvitException e = assertThrows(QvitException.class,
                    () -> be.quantizedAttention(x, 2, 5, 2, new AttentionQuantization(QuantFormat.asymmetric(8), null, Float.NaN, 0, 8)));
            assertTrue(e.getMessage().contains("Q has a NaN"), e.getMessage());
        }
    }

    /** The op's steps, one (image, head) at a time. */
    private static float[] reference(float[] qkv, int batch, int tokens, int heads, int d, AttentionQuantization quant) {
        int dim = heads * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] out = new float[batch * tokens * dim];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                float[][] q = part(qkv, b, h, 0, tokens, d, dim), k = part(qkv, b, h, 1, tokens, d, dim), v = part(qkv, b, h, 2, tokens, d, dim);
                float[] p = new float[tokens * tokens];
                if (quant.qk() != null) {
                    float[] sq = new float[tokens], sk = new float[tokens];
                    long[][] cq = centredRows(q, quant.qk(), quant.qScale(), quant.qZeroPoint(), sq),
                            ck = centredRows(k, quant.qk(), quant.kScale(), quant.kZeroPoint(), sk);
                    for (int i = 0; i < tokens; i++)
                        for (int j = 0; j < tokens; j++) {
                            long acc = 0;
                            for (int c = 0; c < d; c++) acc += cq[i][c] * ck[j][c];
                            p[i * tokens + j] = (float) acc * (sq[i] * sk[j]) * scale;
                        }
                } else {
                    for (int i = 0; i < tokens; i++)
                        for (int j = 0; j < tokens; j++) {
                            float[] s = new float[4];
                            int c = 0;
                            for (; c + 4 <= d; c += 4) for (int t = 0; t < 4; t++) s[t] += q[i][c + t] * k[j][c + t];
                            for (; c < d; c++) s[0] += q[i][c] * k[j][c];
                            p[i * tokens + j] = ((s[0] + s[1]) + (s[2] + s[3])) * scale;
                        }
                }
                for (int i = 0; i < tokens; i++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < tokens; j++) max = Math.max(max, p[i * tokens + j]);
                    double sum = 0;
                    for (int j = 0; j < tokens; j++) {
                        p[i * tokens + j] = (float) Math.exp(p[i * tokens + j] - max);
                        sum += p[i * tokens + j];
                    }
                    float inv = (float) (1 / sum);
                    for (int j = 0; j < tokens; j++) p[i * tokens + j] *= inv;
                }
                if (quant.probBits() != 0) p = switch (quant.probCodes()) {
                    case LOG2_ROW_MAX -> Log2Quantizer.fakeQuantRows("p", p, tokens, quant.probBits(), Log2Quantizer.Base.SQRT_TWO);
                    case LOG2_CALIBRATED -> {
                        int qmax = 1 << quant.probBits(); // 2^b non-zero levels, then 0
                        float[] coded = new float[p.length];
                        for (int i = 0; i < p.length; i++)
                            coded[i] = QuantRules.log2Value(QuantRules.log2Code(p[i], quant.probScale(), true, qmax), quant.probScale(), true, qmax);
                        yield coded;
                    }
                    case UNIFORM_CALIBRATED -> new UniformQuantizer(new QuantParams(QuantFormat.asymmetric(quant.probBits()), Granularity.PER_TENSOR,
                            new float[] {quant.probScale()}, new int[] {0})).fakeQuant("p", p);
                };
                float[][] values = v;
                if (quant.v() != null) {
                    QuantParams pv = new QuantParams(quant.v(), Granularity.PER_TENSOR, new float[] {quant.vScale()}, new int[] {quant.vZeroPoint()});
                    values = new float[tokens][d];
                    for (int j = 0; j < tokens; j++) {
                        int[] codes = new UniformQuantizer(pv).quantize("v", v[j]);
                        for (int c = 0; c < d; c++) values[j][c] = codes[c] - quant.vZeroPoint();
                    }
                }
                for (int i = 0; i < tokens; i++) {
                    int o = (b * tokens + i) * dim + h * d;
                    for (int c = 0; c < d; c++) {
                        float acc = 0;
                        for (int j = 0; j < tokens; j++) acc += p[i * tokens + j] * values[j][c];
                        out[o + c] = quant.v() != null ? acc * quant.vScale() : acc;
                    }
                }
            }
        }
        return out;
    }

    /** Part {@code which} (0 Q, 1 K, 2 V) of head h of image b, {@code [tokens][d]}. */
    private static float[][] part(float[] qkv, int b, int h, int which, int tokens, int d, int dim) {
        float[][] x = new float[tokens][d];
        for (int t = 0; t < tokens; t++) System.arraycopy(qkv, (b * tokens + t) * 3 * dim + which * dim + h * d, x[t], 0, d);
        return x;
    }

    /** Each row's codes minus its zero point, at the row's min-max range or at the calibrated one when {@code scale} is finite; the row scales into {@code scales}. */
    private static long[][] centredRows(float[][] x, QuantFormat f, float scale, int zero, float[] scales) {
        long[][] out = new long[x.length][];
        for (int r = 0; r < x.length; r++) {
            QuantParams p = Float.isFinite(scale) ? new QuantParams(f, Granularity.PER_TENSOR, new float[] {scale}, new int[] {zero})
                    : QuantParams.minMax("row", x[r], 1, f, Granularity.PER_TOKEN);
            int[] codes = new UniformQuantizer(p).quantize("row", x[r]);
            scales[r] = p.scaleOfRow(0);
            out[r] = new long[codes.length];
            for (int c = 0; c < codes.length; c++) out[r][c] = codes[c] - p.zeroPointOfRow(0);
        }
        return out;
    }
}
