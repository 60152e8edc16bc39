package io.qvit.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void ranksAsAStableSortAndGivesSoftmaxProbabilities() {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] logits = new float[2 * 50];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextGaussian() * 30); // large: checks overflow
        logits[57] = logits[58]; // a tie
        for (int row = 0; row < 2; row++) {
            int off = row * 50;
            int[] expected = IntStream.range(0, 50).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -logits[off + i])).limit(5).mapToInt(i -> i).toArray();
            TopK top = TopK.of(logits, off, 50, 5);
            assertArrayEquals(expected, top.classes(), "seed " + seed);
            double sum = 0, max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < 50; i++) max = Math.max(max, logits[off + i]);
            for (int i = 0; i < 50; i++) sum += Math.exp(logits[off + i] - max);
            for (int r = 0; r < 5; r++)
                assertEquals(Math.exp(logits[off + expected[r]] - max) / sum, top.probs()[r], 1e-6, "seed " + seed);
        }
    }
}
