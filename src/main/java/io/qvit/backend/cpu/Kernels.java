package io.qvit.backend.cpu;

/**
 * The inner loops that decide speed, in a Vector API and a scalar version. Both compute every output
 * element with the same sequence of IEEE operations (fused multiply-adds in k order, the same exp
 * polynomial), so they agree bit for bit; the scalar one runs where jdk.incubator.vector is absent.
 */
abstract class Kernels {
    /** Rows of the GEMM micro-tile. */
    static final int MR = 8;

    /** Panel width (output columns per micro-tile) that {@link PackedWeights} must use. */
    abstract int nr();

    /** For the description, e.g. {@code Vector API 512-bit}. */
    abstract String describe();

    /**
     * {@code C[r][j] = fma(W[j][k], A[r][k], C[r][j])} for k in order, for {@code rows <= MR} rows and
     * the first {@code cols <= nr} columns of one panel: A at {@code a[aOff + r*lda + k]}, the panel at
     * {@code b[bOff + k*nr + j]}, C at {@code c[cOff + r*ldc + j]}. C must have room for all {@code nr}
     * columns: a kernel may compute (and store) more than {@code cols}.
     */
    abstract void tile(float[] a, int aOff, int lda, int rows, int cols, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc);

    /** The largest of {@code x[off, off+n)} (exact in any order, so both versions agree). */
    abstract float max(float[] x, int off, int n);

    /** {@code x[i] = exp((x[i] - shift) * scale)} for {@code i in [off, off+n)}. */
    abstract void expShifted(float[] x, int off, int n, float shift, float scale);

    /** {@code x[i] = GELU(x[i])} for {@code i in [from, to)}, as {@link Erf#gelu}. */
    abstract void gelu(float[] x, int from, int to);

    /**
     * {@code out[outOff + c] = sum_j p[pOff + j] * v[j * d + c]} for {@code c < d}, j running over
     * {@code js[0, count)} in that order, each product rounded to fp32 and then added (no fused
     * multiply-add). The caller leaves out only rows j whose weight is zero, with V finite: a zero
     * product added to a sum that starts at +0 changes nothing.
     */
    abstract void weightedRow(float[] p, int pOff, int[] js, int count, float[] v, int d, float[] out, int outOff);

    /**
     * {@link #weightedRow} of two rows, p's at {@code pOff} and {@code pOff + n} into out's at
     * {@code outOff} and {@code outOff + d}: the same sums, each V row read once for both.
     */
    abstract void weightedRowPair(float[] p, int pOff, int n, int[] js, int count, float[] v, int d, float[] out, int outOff);

    /**
     * {@code codes[i] = clamp(rint(x[xOff + i] / s) + z, qmin, qmax)} for {@code i < n}, as
     * {@link io.qvit.quant.QuantRules#quantize}, and {@code out[outOff + i] = codes[i] - z}: small integers
     * held exactly as floats (out may be x itself); returns the sum of their magnitudes. x finite. The
     * vector kernel rounds and clamps on the bits of {@code y + 1.5 * 2^23}, whose low mantissa bits are
     * rint(y) for {@code |y| <= 2^22} and which, beyond, still order as y does.
     */
    abstract int quantizeCentred(float[] x, int xOff, int n, float s, int z, int qmin, int qmax, float[] out, int outOff, int[] codes);

    static int quantizeCentredScalar(float[] x, int xOff, int n, float s, int z, int qmin, int qmax, float[] out, int outOff,
                                     int[] codes, int codesOff) {
        int magnitude = 0;
        for (int i = 0; i < n; i++) {
            int q = io.qvit.quant.QuantRules.quantize(x[xOff + i], s, z, qmin, qmax);
            codes[codesOff + i] = q;
            out[outOff + i] = q - z;
            magnitude += Math.abs(q - z);
        }
        return magnitude;
    }

    /**
     * Codes {@code [0, n)} into bytes at {@code out[outOff]}: one byte each ({@code (byte) code}), or with
     * {@code nibbles} two to a byte, the even column in the low nibble; an odd n needs
     * {@code codes[n] = 0} for the padding nibble.
     */
    abstract void pack(int[] codes, int n, boolean nibbles, byte[] out, int outOff);

    /** {@link #pack} of codes {@code [from, n)}, from even: the scalar kernel, and the vector one's tail. */
    static void packFrom(int[] codes, int n, boolean nibbles, byte[] out, int outOff, int from) {
        if (nibbles) for (int c = from; c < n; c += 2) out[outOff + (c >> 1)] = (byte) ((codes[c] & 0xF) | ((codes[c + 1] & 0xF) << 4));
        else for (int c = from; c < n; c++) out[outOff + c] = (byte) codes[c];
    }

    /** {@code x[0, n)} rotated in place as {@link io.qvit.quant.reparam.HadamardRotation#rotateInPlace} does it, bit for bit. */
    abstract void rotate(float[] x, int n, int block);

    /** {@code out[i] = x[xOff + i] / d[i]} for {@code i < n}. */
    abstract void divide(float[] x, int xOff, float[] d, float[] out, int n);

    /**
     * {@code v[off + j] = v[off + j] * (sa * sw[j]) + bias[j]} for {@code j < n}: the integer product's
     * epilogue ({@link io.qvit.quant.QuantRules#epilogue}) on sums held exactly as floats, its steps in its order.
     */
    abstract void epilogueRow(float[] v, int off, int n, float sa, float[] sw, float[] bias);

    /**
     * {@code p[off + i] = log2Value(log2Code(p[off + i], s, true, qmax), s, true, qmax)} for {@code i < n}
     * (the {@link io.qvit.quant.QuantRules} log-sqrt(2) code of each probability, and its value);
     * every p in {@code [0, s]}, s finite and at least {@code MIN_SCALE}.
     */
    abstract void sqrt2LogValues(float[] p, int off, int n, float s, int qmax);

    static void sqrt2LogValuesScalar(float[] p, int off, int n, float s, int qmax) {
        for (int i = off; i < off + n; i++)
            p[i] = io.qvit.quant.QuantRules.log2Value(io.qvit.quant.QuantRules.log2Code(p[i], s, true, qmax), s, true, qmax);
    }

    /**
     * {@code x[i] = e^x[i]} for {@code i < n}, x in {@code [-708, 0]}, by {@link Erf#exp}'s polynomial: within
     * 2^-36 of e^x (relative), not bit-exact; {@link FloatExp} decides where that fixes the float rounding.
     */
    abstract void expApproximate(double[] x, int n);

    /**
     * {@code x[off + j] = FloatExp.of(x[off + j], e[eOff + j])} for {@code j < n}: {@code (float) Math.exp(x)}
     * from e, {@link #expApproximate}'s approximations of e^x; then {@code e[eOff + j]} is the double of that float.
     */
    abstract void floatExp(float[] x, int off, double[] e, int eOff, int n);

    static void floatExpScalar(float[] x, int off, double[] e, int eOff, int n) {
        for (int j = 0; j < n; j++) e[eOff + j] = x[off + j] = FloatExp.of(x[off + j], e[eOff + j]);
    }

    /**
     * {@code out[outOff + j] = q[qOff, qOff + d) . K row j} for {@code j < tokens}, K given transposed
     * ({@code kT[c * tokens + j]}): four interleaved partial sums {@code s(c mod 4)} of products rounded
     * to fp32 (no fused multiply-add), the tail of d into s0, then {@code (s0 + s1) + (s2 + s3)}.
     */
    abstract void dots(float[] q, int qOff, int d, float[] kT, int tokens, float[] out, int outOff);

    /** The scalar {@link #dots} of columns {@code [from, tokens)}: the scalar kernel, and the vector one's tail. */
    static void dotsFrom(float[] q, int qOff, int d, float[] kT, int tokens, float[] out, int outOff, int from) {
        for (int j = from; j < tokens; j++) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int c = 0;
            for (; c + 4 <= d; c += 4) {
                s0 += q[qOff + c] * kT[c * tokens + j];
                s1 += q[qOff + c + 1] * kT[(c + 1) * tokens + j];
                s2 += q[qOff + c + 2] * kT[(c + 2) * tokens + j];
                s3 += q[qOff + c + 3] * kT[(c + 3) * tokens + j];
            }
            for (; c < d; c++) s0 += q[qOff + c] * kT[c * tokens + j];
            out[outOff + j] = (s0 + s1) + (s2 + s3);
        }
    }

    /** {@code x[off + j] = x[off + j] * (a * b[j]) * c} for {@code j < n}: integer scores times the two rows' scales and the 1/sqrt(d). */
    abstract void scaleScores(float[] x, int off, int n, float a, float[] b, float c);

    /** {@link #scaleScores} of {@code j} in {@code [from, n)}: the scalar kernel, and the vector one's tail. */
    static void scaleScoresFrom(float[] x, int off, int n, float a, float[] b, float c, int from) {
        for (int j = from; j < n; j++) x[off + j] = x[off + j] * (a * b[j]) * c;
    }

    /** {@code {min, max}} of {@code x[off, off + n)} as Math.min and Math.max fold them (a NaN gives NaN). */
    abstract void range(float[] x, int off, int n, float[] out);

    static void rangeScalar(float[] x, int off, int n, float[] out) {
        float lo = out[0], hi = out[1];
        for (int i = off; i < off + n; i++) {
            lo = Math.min(lo, x[i]);
            hi = Math.max(hi, x[i]);
        }
        out[0] = lo;
        out[1] = hi;
    }

    /** The scalar {@link #weightedRow} of columns {@code [from, d)}: the scalar kernel, and the vector one's tail. */
    static void weightedColumns(float[] p, int pOff, int[] js, int count, float[] v, int d, float[] out, int outOff, int from) {
        if (from == d) return;
        for (int c = from; c < d; c++) out[outOff + c] = 0f;
        for (int i = 0; i < count; i++) {
            int j = js[i];
            float w = p[pOff + j];
            int vj = j * d;
            for (int c = from; c < d; c++) out[outOff + c] += w * v[vj + c];
        }
    }

    // exp(x) = 2^n * e^r with n = round(x / ln 2) and |r| <= ln2/2; Taylor to degree 7 leaves a
    // truncation error below 6e-9, well under float's 6e-8 relative ulp.
    static final float EXP_MIN = -87.33f; // below this e^x is subnormal; inputs are clamped here
    static final float EXP_MAX = 88.37f;
    static final float LOG2E = 1.44269504f;
    static final float LN2_HI = 0.693145752f; // ln 2 split so that n * LN2_HI is exact
    static final float LN2_LO = 1.42860677e-6f;
    static final float ROUNDER = 12582912f; // 1.5 * 2^23: adding and subtracting rounds to nearest even
    // n + 2^23 + 127 is exact and its low mantissa bits are n + 127, the biased exponent of 2^n;
    // shifting the bits left by 23 drops the 2^23 and leaves exactly 2^n.
    static final float POW2_BIAS = 8388608f + 127f;
    static final float[] EXP_POLY = {1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};
}
