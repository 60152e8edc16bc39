package io.qvit.backend.cpu;

import io.qvit.QvitException;
import io.qvit.backend.AttentionQuantization;
import io.qvit.backend.ProbabilityCodes;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantRules;

/**
 * CPU twin of {@link io.qvit.backend.Backend#quantizedAttention}, one (image, head) per call. The
 * integer scores are taken by the float GEMM on centred codes: at most {@code d * 255^2} in
 * magnitude, exact in fp32 for head widths up to 258 (wider heads sum in int). The softmax's exp
 * ({@link FloatExp}) and the probability codes ({@link Kernels#sqrt2LogValues}) are vectorised and give
 * the op's scalar results bit for bit; P.V is {@link Kernels#weightedRowPair}.
 */
final class QuantizedAttention {
    private static final double EXACT = 0x1p24;
    /** Softmax rows taken together (their double sums interleave: each add waits on its row's last one). */
    private static final int SOFTMAX_ROWS = 8;

    private final Gemm gemm;
    private final Kernels kernels;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] q = new float[0], k = new float[0], v = new float[0], p = new float[0], panels = new float[0], acc = new float[0];
        float[] kT = new float[0];
        float[] sq = new float[0], sk = new float[0], rowMax = new float[0];
        int[] codes = new int[0], js = new int[0];
        double[] exp = new double[0];
    }

    QuantizedAttention(Gemm gemm, Kernels kernels) {
        this.gemm = gemm;
        this.kernels = kernels;
    }

    /** Writes head {@code h} of image {@code b} into {@code out[B*T, D]} from {@code qkv[B*T, 3D]}. */
    void head(float[] qkv, float[] out, int b, int h, int tokens, int dim, int heads, AttentionQuantization quant) {
        int d = dim / heads, n = tokens * d;
        Scratch s = scratch.get();
        float[] q = s.q = atLeast(s.q, n), k = s.k = atLeast(s.k, n), v = s.v = atLeast(s.v, n);
        float[] p = s.p = atLeast(s.p, tokens * tokens);
        for (int t = 0; t < tokens; t++) {
            int row = (b * tokens + t) * 3 * dim + h * d;
            System.arraycopy(qkv, row, q, t * d, d);
            System.arraycopy(qkv, row + dim, k, t * d, d);
            System.arraycopy(qkv, row + 2 * dim, v, t * d, d);
        }
        float scale = (float) (1.0 / Math.sqrt(d));
        if (quant.qk() != null) integerScores(s, q, k, p, tokens, d, quant, scale);
        else floatScores(s, q, k, p, tokens, d, scale);
        s.exp = s.exp.length >= SOFTMAX_ROWS * tokens ? s.exp : new double[SOFTMAX_ROWS * tokens];
        float[] rowMax = s.rowMax = atLeast(s.rowMax, tokens);
        for (int i = 0; i < tokens; i += SOFTMAX_ROWS) softmaxRows(p, i, Math.min(SOFTMAX_ROWS, tokens - i), tokens, s.exp, rowMax);
        if (quant.probBits() != 0) for (int i = 0; i < tokens; i++) probabilityRow(p, i * tokens, tokens, rowMax[i], quant);
        if (quant.v() != null) {
            range(v, 0, n, "V");
            s.codes = s.codes.length >= n ? s.codes : new int[n];
            kernels.quantizeCentred(v, 0, n, quant.vScale(), quant.vZeroPoint(), quant.v().qmin(), quant.v().qmax(), v, 0, s.codes);
        }
        float[] acc = s.acc = atLeast(s.acc, 2 * d);
        int[] js = s.js = s.js.length >= tokens ? s.js : new int[tokens];
        // V codes are finite, so P.V may pass over the V rows that both rows' probabilities give zero
        // weight: low-bit probability codes round most of a peaked row to zero.
        boolean skipZeros = quant.v() != null;
        for (int i = 0; i < tokens; i += 2) {
            int rows = Math.min(2, tokens - i), first = i * tokens, last = first + (rows - 1) * tokens, count = 0;
            for (int j = 0; j < tokens; j++) { // no branch: low-bit rows are zero in no predictable pattern
                js[count] = j;
                count += !skipZeros | p[first + j] != 0f | p[last + j] != 0f ? 1 : 0;
            }
            if (rows == 2) kernels.weightedRowPair(p, first, tokens, js, count, v, d, acc, 0);
            else kernels.weightedRow(p, first, js, count, v, d, acc, 0);
            for (int r = 0; r < rows; r++) {
                int o = (b * tokens + i + r) * dim + h * d;
                if (quant.v() != null) for (int c = 0; c < d; c++) out[o + c] = acc[r * d + c] * quant.vScale();
                else System.arraycopy(acc, r * d, out, o, d);
            }
        }
    }

    /** Scores from Q's and K's codes: int sums (exact as floats) times the two rows' scales, then the 1/sqrt(d). */
    private void integerScores(Scratch s, float[] q, float[] k, float[] p, int tokens, int d, AttentionQuantization quant, float scale) {
        QuantFormat f = quant.qk();
        float[] sq = s.sq = atLeast(s.sq, tokens), sk = s.sk = atLeast(s.sk, tokens);
        s.codes = s.codes.length >= d ? s.codes : new int[d];
        centreRows(q, tokens, d, f, quant.qScale(), quant.qZeroPoint(), sq, "Q", s.codes);
        centreRows(k, tokens, d, f, quant.kScale(), quant.kZeroPoint(), sk, "K", s.codes);
        long bound = (long) d * (f.qmax() - f.qmin()) * (f.qmax() - f.qmin());
        if (bound < EXACT) {
            java.util.Arrays.fill(p, 0, tokens * tokens, 0f);
            s.panels = atLeast(s.panels, PackedWeights.size(tokens, d, gemm.nr()));
            PackedWeights kp = PackedWeights.packInto(s.panels, k, 0, d, 1, tokens, d, gemm.nr());
            gemm.multiplyAdd(q, 0, d, tokens, kp, p, 0, tokens);
        } else {
            for (int i = 0; i < tokens; i++)
                for (int j = 0; j < tokens; j++) {
                    int acc = 0;
                    for (int c = 0; c < d; c++) acc += (int) q[i * d + c] * (int) k[j * d + c];
                    p[i * tokens + j] = acc;
                }
        }
        // p holds the sums as exact integers: (float) acc is p itself
        for (int i = 0; i < tokens; i++) kernels.scaleScores(p, i * tokens, tokens, sq[i], sk, scale);
    }

    /**
     * Each row of x {@code [rows, d]} replaced by its codes minus the zero point, the scales into
     * {@code scales}: at the row's min-max range, or at {@code fixedScale} and {@code fixedZero} when finite.
     */
    private void centreRows(float[] x, int rows, int d, QuantFormat f, float fixedScale, int fixedZero, float[] scales, String what, int[] codes) {
        for (int r = 0; r < rows; r++) {
            float[] range = range(x, r * d, d, what);
            boolean fixed = Float.isFinite(fixedScale);
            float s = fixed ? fixedScale : QuantRules.scale(f, range[0], range[1]);
            int z = fixed ? fixedZero : QuantRules.zeroPoint(f, range[0], s);
            scales[r] = s;
            kernels.quantizeCentred(x, r * d, d, s, z, f.qmin(), f.qmax(), x, r * d, codes);
        }
    }

    /** The min and max of {@code x[from, from + n)}, which must be finite. */
    private float[] range(float[] x, int from, int n, String what) {
        float[] range = new float[2];
        kernels.range(x, from, n, range); // a NaN makes both NaN, an infinity one of them infinite
        finite(range[0], what);
        finite(range[1], what);
        return range;
    }

    private static void finite(float x, String what) {
        if (!Float.isFinite(x))
            throw new QvitException("quantized attention: " + what + " has a NaN or infinite value (" + x + "); quantization needs finite inputs");
    }

    /** Scores from the float Q and K: {@link Kernels#dots} on K transposed, times the 1/sqrt(d). */
    private void floatScores(Scratch s, float[] q, float[] k, float[] p, int tokens, int d, float scale) {
        float[] kT = s.kT = atLeast(s.kT, tokens * d);
        for (int j = 0; j < tokens; j++)
            for (int c = 0; c < d; c++) kT[c * tokens + j] = k[j * d + c];
        for (int i = 0; i < tokens; i++) kernels.dots(q, i * d, d, kT, tokens, p, i * tokens);
        for (int i = 0; i < tokens * tokens; i++) p[i] *= scale;
    }

    /**
     * Rows {@code [first, first + rows)} of p {@code [n, n]} replaced by their softmax: minus the row's max,
     * {@code (float) Math.exp} of that (by {@link Kernels#floatExp}), summed in double in column order, each
     * value times the float of 1 / sum. Up to {@link #SOFTMAX_ROWS} rows at once, so that their sums
     * (each still in its own order) run side by side instead of waiting on one add at a time; {@code e}
     * is scratch of at least {@code rows * n}. Each row's largest probability into {@code rowMax[first + r]}:
     * the float of 1 / sum, since the largest exp is e^0 = 1 and every other one at most 1 (NaN where the
     * row has a NaN).
     */
    private void softmaxRows(float[] p, int first, int rows, int n, double[] e, float[] rowMax) {
        int row0 = first * n, r0 = 0;
        for (int r = 0; r < rows; r++) {
            int row = row0 + r * n;
            float m = kernels.max(p, row, n);
            for (int j = 0; j < n; j++) e[r * n + j] = p[row + j] -= m;
        }
        kernels.expApproximate(e, rows * n);
        kernels.floatExp(p, row0, e, 0, rows * n); // e now holds the rows' exps as doubles, row r at r * n
        double[] sum = new double[SOFTMAX_ROWS];
        if (rows == SOFTMAX_ROWS) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (int j = 0; j < n; j++) {
                s0 += e[j];
                s1 += e[j + n];
                s2 += e[j + 2 * n];
                s3 += e[j + 3 * n];
                s4 += e[j + 4 * n];
                s5 += e[j + 5 * n];
                s6 += e[j + 6 * n];
                s7 += e[j + 7 * n];
            }
            sum[0] = s0;
            sum[1] = s1;
            sum[2] = s2;
            sum[3] = s3;
            sum[4] = s4;
            sum[5] = s5;
            sum[6] = s6;
            sum[7] = s7;
            r0 = SOFTMAX_ROWS;
        }
        for (int r = r0; r < rows; r++) { // the last few rows of the matrix, one at a time
            double s = 0;
            for (int j = r * n; j < (r + 1) * n; j++) s += e[j];
            sum[r] = s;
        }
        for (int r = 0; r < rows; r++) {
            float inv = (float) (1 / sum[r]);
            for (int j = row0 + r * n; j < row0 + (r + 1) * n; j++) p[j] *= inv;
            rowMax[first + r] = inv;
        }
    }

    /** A row of probabilities, whose largest is {@code rowMax}, replaced by the values of their codes ({@link ProbabilityCodes}). */
    private void probabilityRow(float[] p, int row, int n, float rowMax, AttentionQuantization quant) {
        int bits = quant.probBits();
        float max = Math.max(QuantRules.MIN_SCALE, rowMax); // NaN stays NaN
        finite(max, "a probability");
        switch (quant.probCodes()) {
            case LOG2_ROW_MAX -> kernels.sqrt2LogValues(p, row, n, max, quant.probCodes().log2Qmax(bits));
            case LOG2_CALIBRATED -> {
                float s = quant.probScale();
                int qmax = quant.probCodes().log2Qmax(bits);
                for (int j = 0; j < n; j++) p[row + j] = QuantRules.log2Value(QuantRules.log2Code(p[row + j], s, true, qmax), s, true, qmax);
            }
            case UNIFORM_CALIBRATED -> {
                float s = quant.probScale();
                int qmax = (1 << bits) - 1;
                for (int j = 0; j < n; j++) p[row + j] = QuantRules.dequantize(QuantRules.quantize(p[row + j], s, 0, 0, qmax), s, 0);
            }
        }
    }

    private static float[] atLeast(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
