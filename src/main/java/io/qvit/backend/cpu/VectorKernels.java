package io.qvit.backend.cpu;

import io.qvit.quant.QuantRules;
import io.qvit.quant.reparam.HadamardRotation;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loading this class fails with a {@link LinkageError} when the JVM runs without
 * {@code --add-modules=jdk.incubator.vector}; {@link CpuBackend} then falls back to {@link ScalarKernels}.
 * No method here takes or returns a vector: C2 does not always inline such a helper into its caller
 * (for one, not once it has compiled the helper on its own into a large method), and then every vector
 * crosses the call as an object and every operation on it runs the lane-by-lane Java fallback, tens
 * of times slower (seen inside the forward for the Hadamard rotation, the row codes and GELU).
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    // 8 rows x 3 vectors = 24 accumulators + 3 weight vectors + 1 broadcast: 28 of AVX-512's 32
    // registers. Single-thread best-of-12 at the ViT shapes: 8x3 105-136 GFLOP/s, 6x2 95-115,
    // 4x4 84-106, 6x3 and 12x2 slower (Xeon, AVX-512). 48 columns divide every ViT width.
    private static final int NR = 3 * L;
    private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> SL = SD.withLanes(long.class);
    /** Veltkamp's splitting constant 2^29 + 1: {@code t - (t - a)} with {@code t = a * VELTKAMP} is a rounded to 24 bits. */
    private static final double VELTKAMP = 0x1p29 + 1;
    private static final long EXP_TINY_BITS = Double.doubleToRawLongBits(0x1p-125), EXP_TWO_BITS = Double.doubleToRawLongBits(2.0);
    /** A vector of L codes as bytes; null where no vector shape is that small. */
    private static final VectorSpecies<Byte> CODE_BYTES = bytes(8 * L);
    // Every vector here has one shape per element type (S, SI, SD, SL, CODE_BYTES): C2 types a Vector API
    // method's receiver by its profile, and one that has seen two shapes (a 256-bit float vector besides
    // the 512-bit ones, say) leaves the shape unknown, loses the intrinsics everywhere that method is
    // inlined, and runs the lane-by-lane Java fallback (measured: the codes' packing, the rotation and the
    // probability codes 5 to 20 times slower inside the forward than alone).
    // EXACT_TYPE: a vector that comes out of reinterpretAs... or convertShape has, to C2, only the static type
    // (IntVector, not Int512Vector); the lanewise operations on it still compile to instructions, but a store
    // or a rearrange of it compiles to the lane-by-lane fallback (seen inside the forward, not in a loop
    // alone). So such a vector passes through a lanewise operation that changes nothing (or(0), or abs() of
    // a positive float) before it is stored or rearranged.
    // The low int of each long lane (int lanes 0, 2, 4, ...) moved to the low half of an int vector, or to
    // its high half; the other lanes take lane 1, which is 0 where each long holds a value below 2^31.
    private static final VectorShuffle<Integer> EVENS_LOW = VectorShuffle.fromOp(SI, j -> j < L / 2 ? 2 * j : 1);
    private static final VectorShuffle<Integer> EVENS_HIGH = VectorShuffle.fromOp(SI, j -> j >= L / 2 ? 2 * (j - L / 2) : 1);
    private static final int CODE_BITS = Float.floatToRawIntBits(ROUNDER);
    // The mantissa fields of QuantRules' log-sqrt(2) thresholds: r = m 2^e reaches one where its own field is at least this.
    private static final int ROOT4_2_MANTISSA = Float.floatToRawIntBits(QuantRules.ROOT4_2) & 0x7FFFFF;
    private static final int ROOT4_8_MANTISSA = Float.floatToRawIntBits(QuantRules.ROOT4_8) & 0x7FFFFF;
    // The butterflies at distance h < L inside one vector: the partner lane (j ^ h), and +1 on the
    // lanes that take u + v, -1 on those that take u - v (negating is exact, and u + (-v) is u - v).
    private static final VectorShuffle<Float>[] PARTNER = partners();
    private static final FloatVector[] SIGN = signs();
    /** Elements of a row that {@link #rotate} takes through its first stages in registers: eight vectors. */
    private static final int REGISTER_BLOCK = 8 * L;
    /** GELU converts blocks of this many floats to doubles (JDK 17 does not intrinsify F2D on vectors). */
    private static final int GELU_BLOCK = 1024;

    @Override
    int nr() {
        return NR;
    }

    @Override
    String describe() {
        return "Vector API " + S.vectorBitSize() + "-bit";
    }

    @Override
    void tile(float[] a, int aOff, int lda, int rows, int cols, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc) {
        // A ragged last panel of at most one vector (197 tokens, head size 64) needs a third of the work.
        boolean narrow = cols <= L;
        if (rows == MR) {
            if (narrow) tile8x1(a, aOff, lda, b, bOff, kLen, c, cOff, ldc);
            else tile8(a, aOff, lda, b, bOff, kLen, c, cOff, ldc);
        } else {
            for (int r = 0; r < rows; r++) {
                if (narrow) tile1x1(a, aOff + r * lda, b, bOff, kLen, c, cOff + r * ldc);
                else tile1(a, aOff + r * lda, b, bOff, kLen, c, cOff + r * ldc);
            }
        }
    }

    private static void tile8(float[] a, int aOff, int lda, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc) {
        int c0 = cOff, a0 = aOff;
        int c1 = cOff + ldc, a1 = aOff + lda;
        int c2 = cOff + 2 * ldc, a2 = aOff + 2 * lda;
        int c3 = cOff + 3 * ldc, a3 = aOff + 3 * lda;
        int c4 = cOff + 4 * ldc, a4 = aOff + 4 * lda;
        int c5 = cOff + 5 * ldc, a5 = aOff + 5 * lda;
        int c6 = cOff + 6 * ldc, a6 = aOff + 6 * lda;
        int c7 = cOff + 7 * ldc, a7 = aOff + 7 * lda;
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L), s02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L), s12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L), s22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L), s32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        FloatVector s40 = FloatVector.fromArray(S, c, c4), s41 = FloatVector.fromArray(S, c, c4 + L), s42 = FloatVector.fromArray(S, c, c4 + 2 * L);
        FloatVector s50 = FloatVector.fromArray(S, c, c5), s51 = FloatVector.fromArray(S, c, c5 + L), s52 = FloatVector.fromArray(S, c, c5 + 2 * L);
        FloatVector s60 = FloatVector.fromArray(S, c, c6), s61 = FloatVector.fromArray(S, c, c6 + L), s62 = FloatVector.fromArray(S, c, c6 + 2 * L);
        FloatVector s70 = FloatVector.fromArray(S, c, c7), s71 = FloatVector.fromArray(S, c, c7 + L), s72 = FloatVector.fromArray(S, c, c7 + 2 * L);
        for (int k = 0, bo = bOff; k < kLen; k++, bo += NR) {
            FloatVector w0 = FloatVector.fromArray(S, b, bo), w1 = FloatVector.fromArray(S, b, bo + L), w2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + k]);
            s00 = w0.fma(x, s00);
            s01 = w1.fma(x, s01);
            s02 = w2.fma(x, s02);
            x = FloatVector.broadcast(S, a[a1 + k]);
            s10 = w0.fma(x, s10);
            s11 = w1.fma(x, s11);
            s12 = w2.fma(x, s12);
            x = FloatVector.broadcast(S, a[a2 + k]);
            s20 = w0.fma(x, s20);
            s21 = w1.fma(x, s21);
            s22 = w2.fma(x, s22);
            x = FloatVector.broadcast(S, a[a3 + k]);
            s30 = w0.fma(x, s30);
            s31 = w1.fma(x, s31);
            s32 = w2.fma(x, s32);
            x = FloatVector.broadcast(S, a[a4 + k]);
            s40 = w0.fma(x, s40);
            s41 = w1.fma(x, s41);
            s42 = w2.fma(x, s42);
            x = FloatVector.broadcast(S, a[a5 + k]);
            s50 = w0.fma(x, s50);
            s51 = w1.fma(x, s51);
            s52 = w2.fma(x, s52);
            x = FloatVector.broadcast(S, a[a6 + k]);
            s60 = w0.fma(x, s60);
            s61 = w1.fma(x, s61);
            s62 = w2.fma(x, s62);
            x = FloatVector.broadcast(S, a[a7 + k]);
            s70 = w0.fma(x, s70);
            s71 = w1.fma(x, s71);
            s72 = w2.fma(x, s72);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s52.intoArray(c, c5 + 2 * L);
        s60.intoArray(c, c6);
        s61.intoArray(c, c6 + L);
        s62.intoArray(c, c6 + 2 * L);
        s70.intoArray(c, c7);
        s71.intoArray(c, c7 + L);
        s72.intoArray(c, c7 + 2 * L);
    }

    private static void tile8x1(float[] a, int aOff, int lda, float[] b, int bOff, int kLen, float[] c, int cOff, int ldc) {
        int c0 = cOff, a0 = aOff;
        int c1 = cOff + ldc, a1 = aOff + lda;
        int c2 = cOff + 2 * ldc, a2 = aOff + 2 * lda;
        int c3 = cOff + 3 * ldc, a3 = aOff + 3 * lda;
        int c4 = cOff + 4 * ldc, a4 = aOff + 4 * lda;
        int c5 = cOff + 5 * ldc, a5 = aOff + 5 * lda;
        int c6 = cOff + 6 * ldc, a6 = aOff + 6 * lda;
        int c7 = cOff + 7 * ldc, a7 = aOff + 7 * lda;
        FloatVector s0 = FloatVector.fromArray(S, c, c0), s1 = FloatVector.fromArray(S, c, c1), s2 = FloatVector.fromArray(S, c, c2), s3 = FloatVector.fromArray(S, c, c3);
        FloatVector s4 = FloatVector.fromArray(S, c, c4), s5 = FloatVector.fromArray(S, c, c5), s6 = FloatVector.fromArray(S, c, c6), s7 = FloatVector.fromArray(S, c, c7);
        for (int k = 0, bo = bOff; k < kLen; k++, bo += NR) {
            FloatVector w = FloatVector.fromArray(S, b, bo);
            s0 = w.fma(FloatVector.broadcast(S, a[a0 + k]), s0);
            s1 = w.fma(FloatVector.broadcast(S, a[a1 + k]), s1);
            s2 = w.fma(FloatVector.broadcast(S, a[a2 + k]), s2);
            s3 = w.fma(FloatVector.broadcast(S, a[a3 + k]), s3);
            s4 = w.fma(FloatVector.broadcast(S, a[a4 + k]), s4);
            s5 = w.fma(FloatVector.broadcast(S, a[a5 + k]), s5);
            s6 = w.fma(FloatVector.broadcast(S, a[a6 + k]), s6);
            s7 = w.fma(FloatVector.broadcast(S, a[a7 + k]), s7);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
        s4.intoArray(c, c4);
        s5.intoArray(c, c5);
        s6.intoArray(c, c6);
        s7.intoArray(c, c7);
    }

    private static void tile1x1(float[] a, int aOff, float[] b, int bOff, int kLen, float[] c, int cOff) {
        FloatVector s = FloatVector.fromArray(S, c, cOff);
        for (int k = 0, bo = bOff; k < kLen; k++, bo += NR) s = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[aOff + k]), s);
        s.intoArray(c, cOff);
    }

    private static void tile1(float[] a, int aOff, float[] b, int bOff, int kLen, float[] c, int cOff) {
        FloatVector s0 = FloatVector.fromArray(S, c, cOff), s1 = FloatVector.fromArray(S, c, cOff + L), s2 = FloatVector.fromArray(S, c, cOff + 2 * L);
        for (int k = 0, bo = bOff; k < kLen; k++, bo += NR) {
            FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
            s0 = FloatVector.fromArray(S, b, bo).fma(x, s0);
            s1 = FloatVector.fromArray(S, b, bo + L).fma(x, s1);
            s2 = FloatVector.fromArray(S, b, bo + 2 * L).fma(x, s2);
        }
        s0.intoArray(c, cOff);
        s1.intoArray(c, cOff + L);
        s2.intoArray(c, cOff + 2 * L);
    }

    @Override
    float max(float[] x, int off, int n) {
        int i = off, end = off + n;
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (; i <= end - L; i += L) m = m.max(FloatVector.fromArray(S, x, i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) r = Math.max(r, x[i]);
        return r;
    }

    @Override
    void expShifted(float[] x, int off, int n, float shift, float scale) {
        int i = off, end = off + n;
        for (; i <= end - L; i += L) { // ScalarKernels.exp on L lanes
            FloatVector v = FloatVector.fromArray(S, x, i).sub(shift).mul(scale).max(EXP_MIN).min(EXP_MAX);
            FloatVector k = v.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), v);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, EXP_POLY[0]);
            for (int c = 1; c < EXP_POLY.length; c++) p = p.fma(r, FloatVector.broadcast(S, EXP_POLY[c]));
            // 2^k from the bits of k + POW2_BIAS (see Kernels); JDK 17 does not intrinsify F2I conversion.
            FloatVector pow2 = k.add(POW2_BIAS).reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            p.mul(pow2).intoArray(x, i);
        }
        for (; i < end; i++) x[i] = ScalarKernels.exp((x[i] - shift) * scale);
    }

    @Override
    void range(float[] x, int off, int n, float[] out) {
        // On floats as ordered ints (the bits, negative ones with all but the sign flipped): int min and max
        // are one instruction each, the float ones with Math.min's NaN and signed-zero rules are not.
        IntVector lo = IntVector.broadcast(SI, ordered(Float.floatToRawIntBits(Float.POSITIVE_INFINITY)));
        IntVector hi = IntVector.broadcast(SI, ordered(Float.floatToRawIntBits(Float.NEGATIVE_INFINITY)));
        IntVector magnitude = IntVector.zero(SI);
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector b = FloatVector.fromArray(S, x, off + i).reinterpretAsInts();
            IntVector o = b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)); // ordered(b)
            lo = lo.min(o);
            hi = hi.max(o);
            magnitude = magnitude.max(b.and(0x7FFFFFFF));
        }
        boolean nan = magnitude.reduceLanes(VectorOperators.MAX) > 0x7F800000; // a NaN makes both NaN, as Math.min and Math.max do
        out[0] = nan ? Float.NaN : Float.intBitsToFloat(ordered(lo.reduceLanes(VectorOperators.MIN)));
        out[1] = nan ? Float.NaN : Float.intBitsToFloat(ordered(hi.reduceLanes(VectorOperators.MAX)));
        rangeScalar(x, off + i, n - i, out);
    }

    /**
     * A float's bits as an int that orders as the float does: negative floats with all but the sign bit
     * flipped. The map is its own inverse, so it also turns such an int back into the float's bits.
     */
    private static int ordered(int bits) {
        return bits ^ ((bits >> 31) >>> 1);
    }

    @Override
    int quantizeCentred(float[] x, int xOff, int n, float s, int z, int qmin, int qmax, float[] out, int outOff, int[] codes) {
        FloatVector sv = FloatVector.broadcast(S, s), rounder = FloatVector.broadcast(S, ROUNDER);
        // y + 1.5 * 2^23 holds rint(y) in its low mantissa bits for |y| <= 2^22, and beyond that its bits as
        // ordered ints (see range) still rise with y, so clamping them to the codes' window clamps rint(y).
        int lo = CODE_BITS + qmin - z, hi = CODE_BITS + qmax - z;
        IntVector magnitude = IntVector.zero(SI);
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector b = FloatVector.fromArray(S, x, xOff + i).div(sv).add(rounder).reinterpretAsInts();
            IntVector window = b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)) // ordered(b)
                    .max(lo).min(hi);
            window.reinterpretAsFloats().sub(rounder).intoArray(out, outOff + i); // the code minus z, exact
            IntVector centred = window.sub(CODE_BITS);
            centred.add(z).intoArray(codes, i);
            magnitude = magnitude.add(centred.abs());
        }
        return magnitude.reduceLanes(VectorOperators.ADD) + quantizeCentredScalar(x, xOff + i, n - i, s, z, qmin, qmax, out, outOff + i, codes, i);
    }

    @Override
    void dots(float[] q, int qOff, int d, float[] kT, int tokens, float[] out, int outOff) {
        int j = 0;
        for (; j + L <= tokens; j += L) { // L columns at once, each lane the scalar order
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int c = 0;
            for (; c + 4 <= d; c += 4) {
                s0 = s0.add(FloatVector.fromArray(S, kT, c * tokens + j).mul(q[qOff + c]));
                s1 = s1.add(FloatVector.fromArray(S, kT, (c + 1) * tokens + j).mul(q[qOff + c + 1]));
                s2 = s2.add(FloatVector.fromArray(S, kT, (c + 2) * tokens + j).mul(q[qOff + c + 2]));
                s3 = s3.add(FloatVector.fromArray(S, kT, (c + 3) * tokens + j).mul(q[qOff + c + 3]));
            }
            for (; c < d; c++) s0 = s0.add(FloatVector.fromArray(S, kT, c * tokens + j).mul(q[qOff + c]));
            s0.add(s1).add(s2.add(s3)).intoArray(out, outOff + j);
        }
        dotsFrom(q, qOff, d, kT, tokens, out, outOff, j);
    }

    @Override
    void pack(int[] codes, int n, boolean nibbles, byte[] out, int outOff) {
        int c = 0;
        if (nibbles && CODE_BYTES != null) {
            for (; c + 2 * L <= n; c += 2 * L) { // each long lane holds an even column's code (low half) and the next one's
                LongVector first = IntVector.fromArray(SI, codes, c).reinterpretAsLongs();
                LongVector second = IntVector.fromArray(SI, codes, c + L).reinterpretAsLongs();
                IntVector low = first.and(0xFL).or(first.lanewise(VectorOperators.LSHR, 28).and(0xF0L)).reinterpretAsInts().or(0);
                IntVector high = second.and(0xFL).or(second.lanewise(VectorOperators.LSHR, 28).and(0xF0L)).reinterpretAsInts().or(0);
                ((ByteVector) low.rearrange(EVENS_LOW).or(high.rearrange(EVENS_HIGH)).convertShape(VectorOperators.I2B, CODE_BYTES, 0))
                        .or((byte) 0).intoArray(out, outOff + (c >> 1));
            }
        } else if (!nibbles && CODE_BYTES != null) {
            for (; c + L <= n; c += L)
                ((ByteVector) IntVector.fromArray(SI, codes, c).convertShape(VectorOperators.I2B, CODE_BYTES, 0)).or((byte) 0).intoArray(out, outOff + c);
        }
        packFrom(codes, n, nibbles, out, outOff, c);
    }

    @Override
    void scaleScores(float[] x, int off, int n, float a, float[] b, float c) {
        int j = 0;
        for (; j + L <= n; j += L) // b[j] * a is a * b[j]
            FloatVector.fromArray(S, x, off + j).mul(FloatVector.fromArray(S, b, j).mul(a)).mul(c).intoArray(x, off + j);
        scaleScoresFrom(x, off, n, a, b, c, j);
    }

    @Override
    void rotate(float[] x, int n, int block) {
        if (block < L) {
            HadamardRotation.rotateInPlace(x, 0, n, block);
            return;
        }
        float norm = HadamardRotation.norm(block);
        if (block == L) {
            for (int i = 0; i < n; i += L) inVector(x, i, norm);
            return;
        }
        if (block == REGISTER_BLOCK) {
            for (int i = 0; i < n; i += REGISTER_BLOCK) rotate8(x, i, norm);
            return;
        }
        // Eight vectors at a time through every stage up to h = 4L in registers, then the wider stages over
        // memory, two at a time, the last one times norm: the order of the butterflies differs, each
        // element's sequence of them does not.
        int first = block > REGISTER_BLOCK ? REGISTER_BLOCK : L;
        for (int from = 0; from < n; from += block) {
            for (int i = from; i < from + block; i += first) {
                if (first == REGISTER_BLOCK) rotate8(x, i, 1f);
                else inVector(x, i, 1f);
            }
            int h = first;
            for (; 4 * h <= block; h <<= 2) twoStages(x, from, block, h, 4 * h == block ? norm : 1f);
            if (h < block) oneStage(x, from, block, h, norm);
        }
    }

    /** The stages h < L of the eight vectors at {@code x[i, i + 8L)}, then h = L, 2L, 4L among them, each result times {@code norm}. */
    private static void rotate8(float[] x, int i, float norm) {
        FloatVector v0 = FloatVector.fromArray(S, x, i), v1 = FloatVector.fromArray(S, x, i + L);
        FloatVector v2 = FloatVector.fromArray(S, x, i + 2 * L), v3 = FloatVector.fromArray(S, x, i + 3 * L);
        FloatVector v4 = FloatVector.fromArray(S, x, i + 4 * L), v5 = FloatVector.fromArray(S, x, i + 5 * L);
        FloatVector v6 = FloatVector.fromArray(S, x, i + 6 * L), v7 = FloatVector.fromArray(S, x, i + 7 * L);
        for (int s = 0; s < PARTNER.length; s++) { // h < L, inside each vector (see inVector)
            VectorShuffle<Float> partner = PARTNER[s];
            FloatVector sign = SIGN[s];
            v0 = v0.rearrange(partner).add(v0.mul(sign));
            v1 = v1.rearrange(partner).add(v1.mul(sign));
            v2 = v2.rearrange(partner).add(v2.mul(sign));
            v3 = v3.rearrange(partner).add(v3.mul(sign));
            v4 = v4.rearrange(partner).add(v4.mul(sign));
            v5 = v5.rearrange(partner).add(v5.mul(sign));
            v6 = v6.rearrange(partner).add(v6.mul(sign));
            v7 = v7.rearrange(partner).add(v7.mul(sign));
        }
        FloatVector t;
        t = v0; v0 = t.add(v1); v1 = t.sub(v1); // h = L
        t = v2; v2 = t.add(v3); v3 = t.sub(v3);
        t = v4; v4 = t.add(v5); v5 = t.sub(v5);
        t = v6; v6 = t.add(v7); v7 = t.sub(v7);
        t = v0; v0 = t.add(v2); v2 = t.sub(v2); // h = 2L
        t = v1; v1 = t.add(v3); v3 = t.sub(v3);
        t = v4; v4 = t.add(v6); v6 = t.sub(v6);
        t = v5; v5 = t.add(v7); v7 = t.sub(v7);
        t = v0; v0 = t.add(v4); v4 = t.sub(v4); // h = 4L
        t = v1; v1 = t.add(v5); v5 = t.sub(v5);
        t = v2; v2 = t.add(v6); v6 = t.sub(v6);
        t = v3; v3 = t.add(v7); v7 = t.sub(v7);
        if (norm != 1f) {
            v0 = v0.mul(norm); v1 = v1.mul(norm); v2 = v2.mul(norm); v3 = v3.mul(norm);
            v4 = v4.mul(norm); v5 = v5.mul(norm); v6 = v6.mul(norm); v7 = v7.mul(norm);
        }
        v0.intoArray(x, i);
        v1.intoArray(x, i + L);
        v2.intoArray(x, i + 2 * L);
        v3.intoArray(x, i + 3 * L);
        v4.intoArray(x, i + 4 * L);
        v5.intoArray(x, i + 5 * L);
        v6.intoArray(x, i + 6 * L);
        v7.intoArray(x, i + 7 * L);
    }

    /** The butterflies at distance h < L inside the vector at {@code x[i, i + L)}, in order, then times norm. */
    private static void inVector(float[] x, int i, float norm) {
        FloatVector v = FloatVector.fromArray(S, x, i);
        for (int s = 0; s < PARTNER.length; s++) v = v.rearrange(PARTNER[s]).add(v.mul(SIGN[s]));
        v.mul(norm).intoArray(x, i);
    }

    /** The stages h and 2h of the block at {@code x[from, from + block)}, over memory, each result times {@code norm}. */
    private static void twoStages(float[] x, int from, int block, int h, float norm) {
        for (int i = from; i < from + block; i += 4 * h)
            for (int j = i; j < i + h; j += L) {
                FloatVector a = FloatVector.fromArray(S, x, j), b = FloatVector.fromArray(S, x, j + h);
                FloatVector c = FloatVector.fromArray(S, x, j + 2 * h), d = FloatVector.fromArray(S, x, j + 3 * h);
                FloatVector a1 = a.add(b), b1 = a.sub(b), c1 = c.add(d), d1 = c.sub(d);
                FloatVector a2 = a1.add(c1), c2 = a1.sub(c1), b2 = b1.add(d1), d2 = b1.sub(d1);
                if (norm != 1f) {
                    a2 = a2.mul(norm);
                    b2 = b2.mul(norm);
                    c2 = c2.mul(norm);
                    d2 = d2.mul(norm);
                }
                a2.intoArray(x, j);
                b2.intoArray(x, j + h);
                c2.intoArray(x, j + 2 * h);
                d2.intoArray(x, j + 3 * h);
            }
    }

    /** The last stage, h = block / 2, of the block at {@code x[from, from + block)}, over memory, times {@code norm}. */
    private static void oneStage(float[] x, int from, int block, int h, float norm) {
        for (int j = from; j < from + h; j += L) {
            FloatVector u = FloatVector.fromArray(S, x, j), v = FloatVector.fromArray(S, x, j + h);
            u.add(v).mul(norm).intoArray(x, j);
            u.sub(v).mul(norm).intoArray(x, j + h);
        }
    }

    private static VectorSpecies<Byte> bytes(int bits) {
        return bits >= 64 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(bits)) : null;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] partners() {
        VectorShuffle<Float>[] p = new VectorShuffle[Integer.numberOfTrailingZeros(L)];
        for (int s = 0; s < p.length; s++) {
            int h = 1 << s;
            p[s] = VectorShuffle.fromOp(S, j -> j ^ h);
        }
        return p;
    }

    private static FloatVector[] signs() {
        FloatVector[] v = new FloatVector[Integer.numberOfTrailingZeros(L)];
        float[] lanes = new float[L];
        for (int s = 0; s < v.length; s++) {
            for (int j = 0; j < L; j++) lanes[j] = (j & (1 << s)) == 0 ? 1f : -1f;
            v[s] = FloatVector.fromArray(S, lanes, 0);
        }
        return v;
    }

    @Override
    void divide(float[] x, int xOff, float[] d, float[] out, int n) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, x, xOff + i).div(FloatVector.fromArray(S, d, i)).intoArray(out, i);
        for (; i < n; i++) out[i] = x[xOff + i] / d[i];
    }

    @Override
    void epilogueRow(float[] v, int off, int n, float sa, float[] sw, float[] bias) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector scale = FloatVector.fromArray(S, sw, j).mul(sa); // sa * sw[j]: the same product either way round
            FloatVector.fromArray(S, v, off + j).mul(scale).add(FloatVector.fromArray(S, bias, j)).intoArray(v, off + j);
        }
        for (; j < n; j++) v[off + j] = v[off + j] * (sa * sw[j]) + bias[j];
    }

    @Override
    void sqrt2LogValues(float[] p, int off, int n, float s, int qmax) {
        // Conditions as 0/1 lanes from sign bits, no masks: JDK 17 runs compares, blends and mask logic on
        // 512-bit vectors without intrinsics, slower than the scalar rule.
        FloatVector sv = FloatVector.broadcast(S, s);
        int sBits = Float.floatToRawIntBits(s), oddFlip = Float.floatToRawIntBits(s * QuantRules.INV_SQRT_2) ^ sBits;
        IntVector zero = IntVector.zero(SI);
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector r = FloatVector.fromArray(S, p, off + i).div(sv).reinterpretAsInts();
            IntVector field = r.lanewise(VectorOperators.LSHR, 23), mantissa = r.and(0x7FFFFF);
            IntVector isZero = r.sub(1).lanewise(VectorOperators.LSHR, 31); // for r >= 0
            // r = m 2^e, normal: code = -(2e + the thresholds m reaches) = 254 - 2 field - reached, clamped to
            // [0, qmax] (r >= 1 gives 0); r = 0: qmax
            IntVector code = IntVector.broadcast(SI, 252).sub(field.add(field))
                    .add(mantissa.sub(ROOT4_2_MANTISSA).lanewise(VectorOperators.LSHR, 31))
                    .add(mantissa.sub(ROOT4_8_MANTISSA).lanewise(VectorOperators.LSHR, 31))
                    .add(isZero.lanewise(VectorOperators.LSHL, 24))
                    .max(0).min(qmax);
            IntVector k = code.lanewise(VectorOperators.ASHR, 1);
            IntVector kept = code.sub(qmax).lanewise(VectorOperators.ASHR, 31); // -1 where code < qmax
            // a negative quotient, a subnormal one, or a value 2^-k below the normal floats: the scalar rule
            IntVector special = r.lanewise(VectorOperators.LSHR, 31)
                    .or(r.sub(0x800000).lanewise(VectorOperators.LSHR, 31).and(isZero.lanewise(VectorOperators.XOR, 1)))
                    .or(IntVector.broadcast(SI, 126).sub(k).lanewise(VectorOperators.LSHR, 31).and(kept));
            if (special.reduceLanes(VectorOperators.OR) != 0) {
                sqrt2LogValuesScalar(p, off + i, L, s, qmax);
                continue;
            }
            // s for even codes, s / sqrt(2) for odd ones, +0 where the code is qmax, times 2^-k (the product
            // last: see EXACT_TYPE)
            FloatVector v = zero.sub(code.and(1)).and(oddFlip).lanewise(VectorOperators.XOR, sBits).and(kept).reinterpretAsFloats();
            FloatVector pow2 = IntVector.broadcast(SI, 127).sub(k).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            v.mul(pow2).intoArray(p, off + i);
        }
        sqrt2LogValuesScalar(p, off + i, n - i, s, qmax);
    }

    @Override
    void expApproximate(double[] x, int n) {
        DoubleVector lnHi = DoubleVector.broadcast(SD, -Erf.LN2_HI), lnLo = DoubleVector.broadcast(SD, -Erf.LN2_LO);
        int i = 0;
        for (; i + SD.length() <= n; i += SD.length()) {
            DoubleVector v = DoubleVector.fromArray(SD, x, i).max(Erf.EXP_MIN);
            DoubleVector k = v.mul(Erf.LOG2E).add(Erf.ROUNDER).sub(Erf.ROUNDER);
            DoubleVector r = k.fma(lnLo, k.fma(lnHi, v));
            DoubleVector p = DoubleVector.broadcast(SD, Erf.EXP_POLY[0]);
            for (int c = 1; c < Erf.EXP_POLY.length; c++) p = p.fma(r, DoubleVector.broadcast(SD, Erf.EXP_POLY[c]));
            DoubleVector pow2 = k.add(Erf.POW2_BIAS).reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(pow2).intoArray(x, i);
        }
        for (; i < n; i++) x[i] = Erf.exp(x[i]);
    }

    @Override
    void floatExp(float[] x, int off, double[] e, int eOff, int n) {
        int i = 0, lanes = SD.length(); // L / 2: two double vectors make one float vector
        LongVector two = LongVector.broadcast(SL, EXP_TWO_BITS);
        for (; i + 2 * lanes <= n; i += 2 * lanes) {
            DoubleVector firstExp = DoubleVector.fromArray(SD, e, eOff + i), secondExp = DoubleVector.fromArray(SD, e, eOff + i + lanes);
            LongVector first = firstExp.reinterpretAsLongs(), second = secondExp.reinterpretAsLongs();
            // Sign bits, no masks (see sqrt2LogValues): within the margin of a float rounding midpoint, below
            // 2^-125 (subnormal floats, and x below FloatExp.NORMAL_FROM), or above 2 (NaN, infinity).
            LongVector odd = first.and(FloatExp.LOW_BITS).sub(FloatExp.MIDPOINT).abs().sub(FloatExp.MARGIN + 1)
                    .or(first.sub(EXP_TINY_BITS)).or(two.sub(first))
                    .or(second.and(FloatExp.LOW_BITS).sub(FloatExp.MIDPOINT).abs().sub(FloatExp.MARGIN + 1))
                    .or(second.sub(EXP_TINY_BITS)).or(two.sub(second));
            if (odd.reduceLanes(VectorOperators.OR) < 0) {
                floatExpScalar(x, off + i, e, eOff + i, 2 * lanes);
                continue;
            }
            // Normal, and no tie: the doubles of the floats by Veltkamp's split, whose high part is the double
            // rounded to nearest to 53 - 29 = 24 bits (arithmetic, not bits: see EXACT_TYPE); the floats by
            // adding half of the dropped bits and rebiasing the exponent, their bits each long's low int
            // (positive, below 2^31); see EXACT_TYPE for or(0) and abs()
            DoubleVector firstSplit = firstExp.mul(VELTKAMP), secondSplit = secondExp.mul(VELTKAMP);
            firstSplit.sub(firstSplit.sub(firstExp)).intoArray(e, eOff + i);
            secondSplit.sub(secondSplit.sub(secondExp)).intoArray(e, eOff + i + lanes);
            IntVector low = first.add(FloatExp.MIDPOINT).lanewise(VectorOperators.LSHR, 29).sub((long) (1023 - 127) << 23).reinterpretAsInts().or(0);
            IntVector high = second.add(FloatExp.MIDPOINT).lanewise(VectorOperators.LSHR, 29).sub((long) (1023 - 127) << 23).reinterpretAsInts().or(0);
            low.rearrange(EVENS_LOW).or(high.rearrange(EVENS_HIGH)).reinterpretAsFloats().abs().intoArray(x, off + i);
        }
        floatExpScalar(x, off + i, e, eOff + i, n - i);
    }

    @Override
    void weightedRowPair(float[] p, int pOff, int n, int[] js, int count, float[] v, int d, float[] out, int outOff) {
        int c = 0, qOff = pOff + n, outOff2 = outOff + d;
        for (; c + 4 * L <= d; c += 4 * L) { // eight vectors of sums, four per row, share each load of V
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int i = 0; i < count; i++) {
                int j = js[i];
                FloatVector wa = FloatVector.broadcast(S, p[pOff + j]), wb = FloatVector.broadcast(S, p[qOff + j]);
                int o = j * d + c;
                FloatVector v0 = FloatVector.fromArray(S, v, o), v1 = FloatVector.fromArray(S, v, o + L);
                FloatVector v2 = FloatVector.fromArray(S, v, o + 2 * L), v3 = FloatVector.fromArray(S, v, o + 3 * L);
                a0 = a0.add(v0.mul(wa));
                a1 = a1.add(v1.mul(wa));
                a2 = a2.add(v2.mul(wa));
                a3 = a3.add(v3.mul(wa));
                b0 = b0.add(v0.mul(wb));
                b1 = b1.add(v1.mul(wb));
                b2 = b2.add(v2.mul(wb));
                b3 = b3.add(v3.mul(wb));
            }
            a0.intoArray(out, outOff + c);
            a1.intoArray(out, outOff + c + L);
            a2.intoArray(out, outOff + c + 2 * L);
            a3.intoArray(out, outOff + c + 3 * L);
            b0.intoArray(out, outOff2 + c);
            b1.intoArray(out, outOff2 + c + L);
            b2.intoArray(out, outOff2 + c + 2 * L);
            b3.intoArray(out, outOff2 + c + 3 * L);
        }
        weightedFrom(p, pOff, js, count, v, d, out, outOff, c);
        weightedFrom(p, qOff, js, count, v, d, out, outOff2, c);
    }

    @Override
    void weightedRow(float[] p, int pOff, int[] js, int count, float[] v, int d, float[] out, int outOff) {
        weightedFrom(p, pOff, js, count, v, d, out, outOff, 0);
    }

    /** {@link #weightedRow} of columns {@code [c, d)}. */
    private static void weightedFrom(float[] p, int pOff, int[] js, int count, float[] v, int d, float[] out, int outOff, int c) {
        for (; c + 4 * L <= d; c += 4 * L) { // four vectors of sums stay in registers over all of j
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < count; i++) {
                int j = js[i];
                FloatVector wv = FloatVector.broadcast(S, p[pOff + j]);
                int o = j * d + c;
                a0 = a0.add(FloatVector.fromArray(S, v, o).mul(wv));
                a1 = a1.add(FloatVector.fromArray(S, v, o + L).mul(wv));
                a2 = a2.add(FloatVector.fromArray(S, v, o + 2 * L).mul(wv));
                a3 = a3.add(FloatVector.fromArray(S, v, o + 3 * L).mul(wv));
            }
            a0.intoArray(out, outOff + c);
            a1.intoArray(out, outOff + c + L);
            a2.intoArray(out, outOff + c + 2 * L);
            a3.intoArray(out, outOff + c + 3 * L);
        }
        for (; c + L <= d; c += L) {
            FloatVector a = FloatVector.zero(S);
            for (int i = 0; i < count; i++) {
                int j = js[i];
                a = a.add(FloatVector.fromArray(S, v, j * d + c).mul(FloatVector.broadcast(S, p[pOff + j])));
            }
            a.intoArray(out, outOff + c);
        }
        weightedColumns(p, pOff, js, count, v, d, out, outOff, c);
    }

    @Override
    void gelu(float[] x, int from, int to) {
        double[] buf = new double[GELU_BLOCK];
        for (int b = from; b < to; b += GELU_BLOCK) {
            int n = Math.min(GELU_BLOCK, to - b);
            for (int j = 0; j < n; j++) buf[j] = x[b + j];
            int done = geluBlock(buf, n);
            for (int j = 0; j < done; j++) x[b + j] = (float) buf[j];
            for (int j = done; j < n; j++) x[b + j] = Erf.gelu(x[b + j]);
        }
    }

    /**
     * {@link Erf#gelu} on double lanes over whole vectors of {@code buf[0, n)}; returns how many elements
     * it did. Both intervals share one division (numerator and denominator blended first), and the
     * asymptotic one is evaluated only when a lane needs it.
     */
    private static int geluBlock(double[] buf, int n) {
        DoubleVector one = DoubleVector.broadcast(SD, 1);
        int i = 0;
        for (; i <= n - SD.length(); i += SD.length()) {
            DoubleVector x = DoubleVector.fromArray(SD, buf, i);
            DoubleVector u = x.neg().mul(Erf.INV_SQRT2); // GELU = 0.5 x erfc(u)
            DoubleVector y = u.abs();
            VectorMask<Double> big = y.compare(VectorOperators.GT, Erf.LARGE);
            boolean anyBig = big.anyTrue();
            DoubleVector t = anyBig ? one.div(y) : y, w = t.mul(t); // t, w matter on big lanes only
            DoubleVector num = DoubleVector.broadcast(SD, Erf.C[0]), den = DoubleVector.broadcast(SD, Erf.D[0]);
            for (int c = 1; c < Erf.C.length; c++) num = num.fma(y, DoubleVector.broadcast(SD, Erf.C[c]));
            for (int c = 1; c < Erf.D.length; c++) den = den.fma(y, DoubleVector.broadcast(SD, Erf.D[c]));
            if (anyBig) {
                DoubleVector bigNum = DoubleVector.broadcast(SD, Erf.P[0]), bigDen = DoubleVector.broadcast(SD, Erf.Q[0]);
                for (int c = 1; c < Erf.P.length; c++) bigNum = bigNum.fma(w, DoubleVector.broadcast(SD, Erf.P[c]));
                for (int c = 1; c < Erf.Q.length; c++) bigDen = bigDen.fma(w, DoubleVector.broadcast(SD, Erf.Q[c]));
                num = num.blend(bigNum, big);
                den = den.blend(bigDen, big);
            }
            DoubleVector ratio = num.div(den);
            // Erf.exp(-y^2), as expApproximate has it
            DoubleVector z = y.neg().mul(y).max(Erf.EXP_MIN);
            DoubleVector k = z.mul(Erf.LOG2E).add(Erf.ROUNDER).sub(Erf.ROUNDER);
            DoubleVector f = k.fma(DoubleVector.broadcast(SD, -Erf.LN2_HI), z);
            f = k.fma(DoubleVector.broadcast(SD, -Erf.LN2_LO), f);
            DoubleVector e = DoubleVector.broadcast(SD, Erf.EXP_POLY[0]);
            for (int c = 1; c < Erf.EXP_POLY.length; c++) e = e.fma(f, DoubleVector.broadcast(SD, Erf.EXP_POLY[c]));
            e = e.mul(k.add(Erf.POW2_BIAS).reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
            DoubleVector r = e.mul(ratio);
            if (anyBig) r = r.blend(e.mul(t).mul(DoubleVector.broadcast(SD, Erf.INV_SQRT_PI).sub(w.mul(ratio))), big);
            DoubleVector erfc = r.blend(DoubleVector.broadcast(SD, 2).sub(r), u.compare(VectorOperators.LT, 0));
            x.mul(0.5).mul(erfc).intoArray(buf, i);
        }
        return i;
    }

}
