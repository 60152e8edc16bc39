package io.qvit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Kernels#pack} against the packing written out (one byte per code, or two codes to a byte with
 * the even column low), every byte, on fresh random codes of the whole signed and unsigned range, at
 * lengths below, at and past the vector length, with the Vector API and the scalar kernels. The output
 * is poisoned first, and the bytes either side of the row must keep the poison.
 */
class PackKernelTest {
    @ParameterizedTest(name = "{0} codes, nibbles {1}, vector {2}")
    @CsvSource({"1,false,true", "15,false,true", "16,false,true", "37,false,true", "384,false,true", "1536,false,false",
            "1,true,true", "7,true,true", "16,true,true", "33,true,true", "385,true,true", "1536,true,true", "31,true,false"})
    void matchesThePackingWrittenOut(int n, boolean nibbles, boolean vector) {
        SplittableRandom rnd = Check.random("pack");
        Kernels k = vector ? new VectorKernels() : new ScalarKernels();
        int bytes = nibbles ? (n + 1) / 2 : n, off = 3;
        for (int trial = 0; trial < 10; trial++) {
            int[] codes = new int[n + 1];
            for (int c = 0; c < n; c++) codes[c] = nibbles ? rnd.nextInt(-8, 16) : rnd.nextInt(-128, 256);
            byte[] expected = new byte[bytes + 2 * off], got = new byte[bytes + 2 * off];
            java.util.Arrays.fill(expected, (byte) 0x5A);
            java.util.Arrays.fill(got, (byte) 0x5A);
            for (int c = 0; c < n; c++) {
                if (!nibbles) expected[off + c] = (byte) codes[c];
                else expected[off + c / 2] = (byte) (c % 2 == 0 ? codes[c] & 0xF : (expected[off + c / 2] & 0xF) | (codes[c] & 0xF) << 4);
            }
            k.pack(codes, n, nibbles, got, off);
            for (int i = 0; i < got.length; i++)
                assertEquals(expected[i], got[i], "byte " + i + " of trial " + trial + " (seed " + Check.SEED + ")");
        }
    }
}
