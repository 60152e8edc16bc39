package io.qvit.quant;

import static io.qvit.testsupport.TestRandom.seedNote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qvit.testsupport.TestRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackingTest {
    @Test
    void nibbleLayoutFollowsTheDesignRule() {
        // Row [1, 2, 3] -> bytes 0x21 (elements 0 low, 1 high), 0x03 (element 2 low, pad nibble 0).
        assertArrayEquals(new byte[] {0x21, 0x03, (byte) 0xF8, 0x07}, Int4Packing.pack(new int[] {1, 2, 3, -8, -1, 7}, 2, 3));
        int[] row = new int[3];
        Int4Packing.unpackRow(new byte[] {0x21, 0x03, (byte) 0xF8, 0x07}, 1, 3, true, row);
        assertArrayEquals(new int[] {-8, -1, 7}, row);
        assertArrayEquals(new byte[] {(byte) 0xFF}, Int4Packing.pack(new int[] {15, 15}, 1, 2));
        assertArrayEquals(new byte[] {(byte) 200, -3}, Int8Packing.pack(new int[] {200, -3}));
    }

    /** Random codes of every width and signedness, odd and even K, round-trip exactly; sizes are as documented. */
    @Test
    void roundTripsAtEveryWidth() {
        SplittableRandom rnd = TestRandom.random("packing");
        for (int bits = 2; bits <= 8; bits++) {
            for (boolean signed : new boolean[] {true, false}) {
                QuantFormat f = new QuantFormat(bits, signed);
                for (int k : new int[] {1, 2, 3, 33, 192, 193}) {
                    int rows = 1 + rnd.nextInt(7);
                    int[] codes = new int[rows * k];
                    for (int i = 0; i < codes.length; i++) codes[i] = f.qmin() + rnd.nextInt(f.qmax() - f.qmin() + 1);
                    codes[0] = f.qmin(); // both extremes always appear
                    codes[codes.length - 1] = f.qmax();
                    PackedCodes p = PackedCodes.pack(codes, rows, k, f);
                    assertEquals(rows * (bits <= 4 ? (k + 1) / 2 : k), p.data().length, f + " k=" + k);
                    assertArrayEquals(codes, p.unpack(), f + " k=" + k + seedNote());
                    if (bits <= 4 && k % 2 == 1) {
                        for (int r = 0; r < rows; r++) assertEquals(0, p.data()[r * ((k + 1) / 2) + k / 2] >> 4 & 0xF, "pad nibble of row " + r);
                    }
                }
            }
        }
    }

    @Test
    void outOfRangeCodesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PackedCodes.pack(new int[] {8}, 1, 1, QuantFormat.symmetric(4)));
        assertThrows(IllegalArgumentException.class, () -> PackedCodes.pack(new int[] {-1}, 1, 1, QuantFormat.asymmetric(8)));
        assertThrows(IllegalArgumentException.class, () -> PackedCodes.pack(new int[] {4}, 1, 1, QuantFormat.asymmetric(2)));
    }
}
