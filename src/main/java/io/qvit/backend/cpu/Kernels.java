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
