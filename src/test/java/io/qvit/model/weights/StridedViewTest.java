package io.qvit.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checks a pickled tensor's view passes before any array is sized from it. */
class StridedViewTest {
    /** A one-element storage viewed with stride 0 as 2^28 floats was a 1 GB gather and a 1 GB float array from 4 stored bytes. */
    @Test
    void anExpandedViewCannotOutgrowItsStorage() {
        PickleException e = assertThrows(PickleException.class,
                () -> StridedView.of(0, new long[] {1L << 28}, new long[] {0}, 1, 4));
        assertTrue(e.getMessage().contains("268435456 elements") && e.getMessage().contains("storage of 1"), e.getMessage());
    }

    @Test
    void aTransposedViewOfTheWholeStorageIsFine() throws PickleException {
        StridedView v = StridedView.of(0, new long[] {3, 2}, new long[] {1, 3}, 6, 4);
        assertArrayEquals(new int[] {3, 2}, v.shape);
        byte[] span = {0, 1, 2, 3, 4, 5};
        assertArrayEquals(new byte[] {0, 3, 1, 4, 2, 5}, v.gather(span, 1));
    }
}
