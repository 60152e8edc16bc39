package io.qvit.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector inner loop of IntGemm gives the scalar one's sums exactly, tails included. */
class IntDotsTest {
    @Test
    void vectorEqualsScalar() {
        SplittableRandom rnd = TestRandom.random("IntDotsTest");
        IntDots scalar = new IntDots.Scalar(), vector = new IntDots.Vector();
        for (int k : new int[] {1, 7, 15, 16, 17, 64, 191, 768, 769}) {
            int[][] q = new int[4][k];
            int base = rnd.nextInt(5);
            int[] w = new int[base + k];
            for (int[] row : q) for (int c = 0; c < k; c++) row[c] = rnd.nextInt(-128, 256);
            for (int c = 0; c < w.length; c++) w[c] = rnd.nextInt(-128, 128);
            int[] expected = new int[4], actual = new int[4];
            scalar.dot4(q[0], q[1], q[2], q[3], w, base, k, expected);
            vector.dot4(q[0], q[1], q[2], q[3], w, base, k, actual);
            assertArrayEquals(expected, actual, "k = " + k + TestRandom.seedNote());
        }
    }
}
