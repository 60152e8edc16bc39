package io.qvit.quant;

import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link IntGemm}'s inner loop: four rows of activation codes against one row of weight codes.
 * Integer sums are exact in any order, so the vector and scalar versions give the same result;
 * the vector one is used when the JVM has {@code jdk.incubator.vector} (the launcher adds it).
 */
abstract class IntDots {
    static final IntDots BEST = choose();

    /** out[r] = sum over c < k of q[r][c] * w[base + c], for the four rows r. */
    abstract void dot4(int[] q0, int[] q1, int[] q2, int[] q3, int[] w, int base, int k, int[] out);

    private static IntDots choose() {
        try {
            return new Vector();
        } catch (LinkageError e) {
            return new Scalar(); // jdk.incubator.vector not resolved (JVM started without --add-modules)
        }
    }

    static final class Scalar extends IntDots {
        @Override
        void dot4(int[] q0, int[] q1, int[] q2, int[] q3, int[] w, int base, int k, int[] out) {
            Arrays.fill(out, 0, 4, 0);
            addRange(q0, q1, q2, q3, w, base, 0, k, out);
        }
    }

    static final class Vector extends IntDots {
        private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;

        @Override
        void dot4(int[] q0, int[] q1, int[] q2, int[] q3, int[] w, int base, int k, int[] out) {
            IntVector a0 = IntVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int end = S.loopBound(k);
            for (int c = 0; c < end; c += S.length()) {
                IntVector wc = IntVector.fromArray(S, w, base + c);
                a0 = IntVector.fromArray(S, q0, c).mul(wc).add(a0);
                a1 = IntVector.fromArray(S, q1, c).mul(wc).add(a1);
                a2 = IntVector.fromArray(S, q2, c).mul(wc).add(a2);
                a3 = IntVector.fromArray(S, q3, c).mul(wc).add(a3);
            }
            out[0] = a0.reduceLanes(VectorOperators.ADD);
            out[1] = a1.reduceLanes(VectorOperators.ADD);
            out[2] = a2.reduceLanes(VectorOperators.ADD);
            out[3] = a3.reduceLanes(VectorOperators.ADD);
            addRange(q0, q1, q2, q3, w, base, end, k, out);
        }
    }

    /** out[r] += the products of columns [from, k): the scalar loop, and the vector loop's tail. */
    static void addRange(int[] q0, int[] q1, int[] q2, int[] q3, int[] w, int base, int from, int k, int[] out) {
        int d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        for (int c = from; c < k; c++) {
            int wc = w[base + c];
            d0 += q0[c] * wc;
            d1 += q1[c] * wc;
            d2 += q2[c] * wc;
            d3 += q3[c] * wc;
        }
        out[0] += d0;
        out[1] += d1;
        out[2] += d2;
        out[3] += d3;
    }
}
