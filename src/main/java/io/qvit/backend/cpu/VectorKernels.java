package io.qvit.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loading this class fails with a {@link LinkageError} when the JVM runs without
 * {@code --add-modules=jdk.incubator.vector}; {@link CpuBackend} then falls back to {@link ScalarKernels}.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    // 6 rows x 2 vectors = 12 accumulators + 2 weight vectors + 1 broadcast: fits 16 registers
    // (AVX2) and leaves room in 32 (AVX-512).
    private static final int NR = 2 * L;

    @Override
    int nr() {
        return NR;
    }

    @Override
    String describe() {
        return "Vector API " + S.vectorBitSize() + "-bit";
    }

    @Override
    void tile(float[] a, int aOff, int lda, int rows, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc) {
        if (rows == MR) {
            tile6(a, aOff, lda, b, bOff, kLen, c, cOff, ldc);
        } else {
            for (int r = 0; r < rows; r++) tile1(a, aOff + r * lda, b, bOff, kLen, c, cOff + r * ldc);
        }
    }

    private static void tile6(float[] a, int aOff, int lda, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc) {
        int c0 = cOff, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector s40 = FloatVector.fromArray(S, c, c4), s41 = FloatVector.fromArray(S, c, c4 + L);
        FloatVector s50 = FloatVector.fromArray(S, c, c5), s51 = FloatVector.fromArray(S, c, c5 + L);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int k = 0, bo = bOff; k < kLen; k++, bo += NR) {
            FloatVector w0 = FloatVector.fromArray(S, b, bo), w1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            s00 = w0.fma(x, s00);
            s01 = w1.fma(x, s01);
            x = FloatVector.broadcast(S, a[a1 + k]);
            s10 = w0.fma(x, s10);
            s11 = w1.fma(x, s11);
            x = FloatVector.broadcast(S, a[a2 + k]);
            s20 = w0.fma(x, s20);
            s21 = w1.fma(x, s21);
            x = FloatVector.broadcast(S, a[a3 + k]);
            s30 = w0.fma(x, s30);
            s31 = w1.fma(x, s31);
            x = FloatVector.broadcast(S, a[a4 + k]);
            s40 = w0.fma(x, s40);
            s41 = w1.fma(x, s41);
            x = FloatVector.broadcast(S, a[a5 + k]);
            s50 = w0.fma(x, s50);
            s51 = w1.fma(x, s51);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
    }

    private static void tile1(float[] a, int aOff, float[] b, int bOff, int kLen, float[] c, int cOff) {
        FloatVector s0 = FloatVector.fromArray(S, c, cOff), s1 = FloatVector.fromArray(S, c, cOff + L);
        for (int k = 0, bo = bOff; k < kLen; k++, bo += NR) {
            FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
            s0 = FloatVector.fromArray(S, b, bo).fma(x, s0);
            s1 = FloatVector.fromArray(S, b, bo + L).fma(x, s1);
        }
        s0.intoArray(c, cOff);
        s1.intoArray(c, cOff + L);
    }

    @Override
    void expShifted(float[] x, int off, int n, float shift, float scale) {
        int i = off, end = off + n;
        for (; i <= end - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i).sub(shift).mul(scale);
            exp(v).intoArray(x, i);
        }
        for (; i < end; i++) x[i] = ScalarKernels.exp((x[i] - shift) * scale);
    }

    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector n = x.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, EXP_POLY[0]);
        for (int i = 1; i < EXP_POLY.length; i++) p = p.fma(r, FloatVector.broadcast(S, EXP_POLY[i]));
        FloatVector pow2 = n.convert(VectorOperators.F2I, 0).reinterpretAsInts()
                .add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(pow2);
    }
}
