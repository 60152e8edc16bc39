package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.driver.Dim3;

/** Grid arithmetic the launchers share. */
final class Grid {
    /** Blocks of a grid-stride elementwise kernel: enough to cover {@code total}, at most this many (each loops). */
    static final int MAX_STRIDE_BLOCKS = 4096;
    static final int ELEMENTWISE_THREADS = 256;

    private Grid() {}

    static int ceilDiv(long a, int b) {
        return (int) ((a + b - 1) / b);
    }

    /** The grid of a grid-stride kernel over {@code total} elements (total < 2^31, checked by the caller). */
    static Dim3 strided(long total) {
        return Dim3.of(Math.max(1, Math.min(MAX_STRIDE_BLOCKS, ceilDiv(total, ELEMENTWISE_THREADS))));
    }

    /** Fails unless an elementwise kernel's 32-bit index covers {@code total} elements. */
    static void checkIndexable(String what, long total) {
        if (total <= 0 || total > Integer.MAX_VALUE)
            throw new IllegalArgumentException(what + ": " + total + " elements; the kernel indexes with 32 bits (1 .. 2^31-1); use a smaller batch");
    }

    /** The grid of a GEMM with tiles of {@code tileM x tileN} outputs: columns of tiles in x, rows in y (at most 65535). */
    static Dim3 tiles(String kernel, int m, int n, int tileM, int tileN) {
        if (ceilDiv(m, tileM) > 65535) throw new IllegalArgumentException(kernel + ": M = " + m + " needs more than 65535 row tiles; use a smaller batch");
        return new Dim3(ceilDiv(n, tileN), ceilDiv(m, tileM), 1);
    }

    static void positive(String what, int... values) {
        for (int v : values) if (v <= 0) throw new IllegalArgumentException(what + ": sizes must be positive, got " + java.util.Arrays.toString(values));
    }

    static void address(String what, long address) {
        if (address == 0) throw new IllegalArgumentException(what + " is a null device address");
    }
}
