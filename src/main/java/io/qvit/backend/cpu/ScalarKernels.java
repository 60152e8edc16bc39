package io.qvit.backend.cpu;

import io.qvit.quant.reparam.HadamardRotation;

/** Plain-Java twin of {@link VectorKernels}; same operation order, so the same bits. */
final class ScalarKernels extends Kernels {
    private static final int NR = 16;

    @Override
    int nr() {
        return NR;
    }

    @Override
    String describe() {
        return "scalar fallback";
    }

    @Override
    void tile(float[] a, int aOff, int lda, int rows, int cols, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * lda;
            for (int j = 0; j < cols; j++) {
                float acc = c[cOff + r * ldc + j];
                for (int k = 0; k < kLen; k++) acc = Math.fma(b[bOff + k * NR + j], a[ar + k], acc);
                c[cOff + r * ldc + j] = acc;
            }
        }
    }

    @Override
    float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) m = Math.max(m, x[i]);
        return m;
    }

    @Override
    void expShifted(float[] x, int off, int n, float shift, float scale) {
        for (int i = off; i < off + n; i++) x[i] = exp((x[i] - shift) * scale);
    }

    @Override
    void gelu(float[] x, int from, int to) {
        for (int i = from; i < to; i++) x[i] = Erf.gelu(x[i]);
    }

    @Override
    void weightedRow(float[] p, int pOff, int[] js, int count, float[] v, int d, float[] out, int outOff) {
        weightedColumns(p, pOff, js, count, v, d, out, outOff, 0);
    }

    @Override
    void weightedRowPair(float[] p, int pOff, int n, int[] js, int count, float[] v, int d, float[] out, int outOff) {
        weightedColumns(p, pOff, js, count, v, d, out, outOff, 0);
        weightedColumns(p, pOff + n, js, count, v, d, out, outOff + d, 0);
    }

    @Override
    int quantizeCentred(float[] x, int xOff, int n, float s, int z, int qmin, int qmax, float[] out, int outOff, int[] codes) {
        return quantizeCentredScalar(x, xOff, n, s, z, qmin, qmax, out, outOff, codes, 0);
    }

    @Override
    void dots(float[] q, int qOff, int d, float[] kT, int tokens, float[] out, int outOff) {
        dotsFrom(q, qOff, d, kT, tokens, out, outOff, 0);
    }

    @Override
    void pack(int[] codes, int n, boolean nibbles, byte[] out, int outOff) {
        packFrom(codes, n, nibbles, out, outOff, 0);
    }

    @Override
    void scaleScores(float[] x, int off, int n, float a, float[] b, float c) {
        scaleScoresFrom(x, off, n, a, b, c, 0);
    }

    @Override
    void floatExp(float[] x, int off, double[] e, int eOff, int n) {
        floatExpScalar(x, off, e, eOff, n);
    }

    @Override
    void rotate(float[] x, int n, int block) {
        HadamardRotation.rotateInPlace(x, 0, n, block);
    }

    @Override
    void divide(float[] x, int xOff, float[] d, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = x[xOff + i] / d[i];
    }

    @Override
    void epilogueRow(float[] v, int off, int n, float sa, float[] sw, float[] bias) {
        for (int j = 0; j < n; j++) v[off + j] = v[off + j] * (sa * sw[j]) + bias[j];
    }

    @Override
    void range(float[] x, int off, int n, float[] out) {
        out[0] = Float.POSITIVE_INFINITY;
        out[1] = Float.NEGATIVE_INFINITY;
        rangeScalar(x, off, n, out);
    }

    @Override
    void sqrt2LogValues(float[] p, int off, int n, float s, int qmax) {
        sqrt2LogValuesScalar(p, off, n, s, qmax);
    }

    @Override
    void expApproximate(double[] x, int n) {
        for (int i = 0; i < n; i++) x[i] = Erf.exp(x[i]);
    }

    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float n = (x * LOG2E + ROUNDER) - ROUNDER;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = EXP_POLY[0];
        for (int i = 1; i < EXP_POLY.length; i++) p = Math.fma(p, r, EXP_POLY[i]);
        return p * Float.intBitsToFloat(Float.floatToRawIntBits(n + POW2_BIAS) << 23);
    }
}
