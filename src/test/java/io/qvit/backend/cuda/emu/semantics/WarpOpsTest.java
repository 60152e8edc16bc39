package io.qvit.backend.cuda.emu.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.backend.cuda.emu.semantics.WarpOps.ShflMode;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.SplittableRandom;
import io.qvit.testsupport.TestRandom;
import org.junit.jupiter.api.Test;

/**
 * shfl against CUDA's width-based description of sub-warp shuffles (the c operand as
 * __shfl_*_sync(width) builds it), mma against a plain triple loop over matrices the test scatters
 * into fragments with its own (row, column) to (lane, element) mapping, and ldmatrix against fragments
 * dealt out pair by pair, row after row, as the ISA's figure shows.
 */
class WarpOpsTest {
    private static final int POISON = 0xdeadbeef;
    private final SplittableRandom rnd = TestRandom.random("WarpOpsTest");

    private int[] randomLanes() {
        int[] a = new int[32];
        for (int i = 0; i < 32; i++) a[i] = rnd.nextInt();
        return a;
    }

    @Test
    void shflMatchesSubWarpShufflesOfEveryWidth() {
        for (ShflMode mode : ShflMode.values()) {
            for (int width = 1; width <= 32; width *= 2) {
                for (int b = 0; b < 32; b++) {
                    int[] a = randomLanes();
                    int segmask = (32 - width) & 0x1f; // ~(width - 1) in five bits
                    int clamp = mode == ShflMode.UP ? 0 : width - 1;
                    int c = segmask << 8 | clamp;
                    int active = rnd.nextInt() | 1;
                    int[] d = new int[32];
                    boolean[] p = new boolean[32];
                    Arrays.fill(d, POISON);
                    WarpOps.shfl(mode, a, fill(b), fill(c), active, d, p);
                    for (int lane = 0; lane < 32; lane++) {
                        String at = mode + " width " + width + " b " + b + " lane " + lane + TestRandom.seedNote();
                        if ((active >>> lane & 1) == 0) {
                            assertEquals(POISON, d[lane], "inactive lane untouched " + at);
                            assertEquals(false, p[lane], "inactive lane's p untouched " + at);
                            continue;
                        }
                        int start = lane / width * width;
                        int src = switch (mode) {
                            case UP -> lane - b >= start ? lane - b : -1;
                            case DOWN -> lane + b < start + width ? lane + b : -1;
                            case BFLY -> (lane ^ b) < start + width ? lane ^ b : -1;
                            case IDX -> start + b % width;
                        };
                        assertEquals(src >= 0, p[lane], "p " + at);
                        assertEquals(a[src >= 0 ? src : lane], d[lane], "d " + at);
                    }
                }
            }
        }
    }

    @Test
    void shflClampWithoutSegmentsBoundsTheSourceLane() {
        int[] a = randomLanes();
        int[] d = new int[32];
        boolean[] p = new boolean[32];
        // down by 3 clamped at lane 20: lanes whose source passes 20 keep their own value
        WarpOps.shfl(ShflMode.DOWN, a, fill(3), fill(20), -1, d, p);
        for (int lane = 0; lane < 32; lane++) {
            assertEquals(lane + 3 <= 20, p[lane], "p lane " + lane);
            assertEquals(lane + 3 <= 20 ? a[lane + 3] : a[lane], d[lane], "d lane " + lane + TestRandom.seedNote());
        }
        // up by 2 with the clamp at lane 5: sources below lane 5 are out of range
        WarpOps.shfl(ShflMode.UP, a, fill(2), fill(5), -1, d, p);
        for (int lane = 0; lane < 32; lane++) {
            assertEquals(lane - 2 >= 5, p[lane], "up p lane " + lane);
            assertEquals(lane - 2 >= 5 ? a[lane - 2] : a[lane], d[lane], "up d lane " + lane);
        }
        // idx beyond the clamp: the source lane is out of range for lanes 0..31 when b > clamp
        WarpOps.shfl(ShflMode.IDX, a, fill(9), fill(7), -1, d, p);
        for (int lane = 0; lane < 32; lane++) {
            assertEquals(false, p[lane], "idx p lane " + lane);
            assertEquals(a[lane], d[lane], "idx d lane " + lane);
        }
        // only b's and c's low five bits count
        WarpOps.shfl(ShflMode.BFLY, a, fill(1 | 0x40), fill(0x1f | 0xe000), -1, d, p);
        for (int lane = 0; lane < 32; lane++) assertEquals(a[lane ^ 1], d[lane], "bfly lane " + lane);
    }

    private static int[] fill(int v) {
        int[] x = new int[32];
        Arrays.fill(x, v);
        return x;
    }

    /** Scatters A (16x32 bytes, row-major) into the lanes' four registers: the figure's (row, col) to (lane, element) mapping. */
    private static int[][] scatterA8(int[][] am) {
        int[][] regs = new int[32][4];
        for (int row = 0; row < 16; row++) {
            for (int col = 0; col < 32; col++) {
                int lane = (row % 8) * 4 + (col % 16) / 4;
                int element = col % 4 + 4 * (row / 8) + 8 * (col / 16);
                regs[lane][element / 4] |= (am[row][col] & 0xff) << (8 * (element % 4));
            }
        }
        return regs;
    }

    /** Scatters B (32x8 bytes) into the lanes' two registers. */
    private static int[][] scatterB8(int[][] bm) {
        int[][] regs = new int[32][2];
        for (int k = 0; k < 32; k++) {
            for (int col = 0; col < 8; col++) {
                int lane = col * 4 + (k % 16) / 4;
                int element = k % 4 + 4 * (k / 16);
                regs[lane][element / 4] |= (bm[k][col] & 0xff) << (8 * (element % 4));
            }
        }
        return regs;
    }

    /** Where accumulator element (row, col) of a 16x8 C/D lives: {lane, index}. */
    private static int[] accumulatorSlot(int row, int col) {
        return new int[] {(row % 8) * 4 + col / 2, col % 2 + 2 * (row / 8)};
    }

    @Test
    void mmaI8MatchesATripleLoop() {
        for (int trial = 0; trial < 40; trial++) {
            boolean aSigned = trial % 2 == 0;
            boolean bSigned = trial % 4 < 2;
            boolean sat = trial % 8 < 4;
            boolean nearOverflow = trial % 3 == 0;
            int[][] am = new int[16][32];
            int[][] bm = new int[32][8];
            long[][] cm = new long[16][8];
            for (int[] row : am) for (int k = 0; k < 32; k++) row[k] = aSigned ? rnd.nextInt(256) - 128 : rnd.nextInt(256);
            for (int[] row : bm) for (int n = 0; n < 8; n++) row[n] = bSigned ? rnd.nextInt(256) - 128 : rnd.nextInt(256);
            for (long[] row : cm) {
                for (int n = 0; n < 8; n++) {
                    row[n] = nearOverflow ? (rnd.nextBoolean() ? Integer.MAX_VALUE - rnd.nextInt(100000) : Integer.MIN_VALUE + rnd.nextInt(100000)) : rnd.nextInt();
                }
            }
            int[][] c = new int[32][4];
            for (int row = 0; row < 16; row++) {
                for (int col = 0; col < 8; col++) {
                    int[] s = accumulatorSlot(row, col);
                    c[s[0]][s[1]] = (int) cm[row][col];
                }
            }
            int[][] d = new int[32][4];
            for (int[] r : d) Arrays.fill(r, POISON);
            WarpOps.mmaM16n8k32I8(scatterA8(am), aSigned, scatterB8(bm), bSigned, c, sat, d);
            for (int row = 0; row < 16; row++) {
                for (int col = 0; col < 8; col++) {
                    long sum = cm[row][col];
                    for (int k = 0; k < 32; k++) sum += (long) am[row][k] * bm[k][col];
                    int expected = sat ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum)) : (int) sum;
                    int[] s = accumulatorSlot(row, col);
                    assertEquals(expected, d[s[0]][s[1]], "D[" + row + "][" + col + "] trial " + trial + TestRandom.seedNote());
                }
            }
        }
    }

    /** A random finite f16 or bf16 pattern. */
    private int randomHalf(boolean bf16) {
        while (true) {
            int p = rnd.nextInt(0x10000);
            int e = bf16 ? (p >>> 7) & 0xff : (p >>> 10) & 0x1f;
            int maxE = bf16 ? 0xff : 0x1f;
            // keep products and sums well inside f32 for bf16
            if (e != maxE && (!bf16 || (e > 90 && e < 160))) return p;
        }
    }

    private static BigDecimal halfValue(int p, boolean bf16) {
        return new BigDecimal(bf16 ? Float.intBitsToFloat(p << 16) : Convert.f16ToF32(p));
    }

    @Test
    void mmaF16AndBf16MatchATripleLoopRoundedOnce() {
        for (int trial = 0; trial < 20; trial++) {
            boolean bf16 = trial % 2 == 1;
            int[][] am = new int[16][16];
            int[][] bm = new int[16][8];
            float[][] cm = new float[16][8];
            for (int[] row : am) for (int k = 0; k < 16; k++) row[k] = randomHalf(bf16);
            for (int[] row : bm) for (int n = 0; n < 8; n++) row[n] = randomHalf(bf16);
            boolean cancel = trial >= 10;
            for (int row = 0; row < 16; row++) {
                for (int n = 0; n < 8; n++) {
                    BigDecimal products = BigDecimal.ZERO;
                    for (int k = 0; k < 16; k++) products = products.add(halfValue(am[row][k], bf16).multiply(halfValue(bm[k][n], bf16)));
                    // half the trials cancel the products with c, leaving a residue far below their magnitude
                    cm[row][n] = cancel ? -products.floatValue() : (float) ((rnd.nextDouble() - 0.5) * 100);
                }
            }
            int[][] a = new int[32][4];
            for (int row = 0; row < 16; row++) {
                for (int col = 0; col < 16; col++) {
                    int lane = (row % 8) * 4 + (col % 8) / 2;
                    int element = col % 2 + 2 * (row / 8) + 4 * (col / 8);
                    a[lane][element / 2] |= am[row][col] << (16 * (element % 2));
                }
            }
            int[][] b = new int[32][2];
            for (int k = 0; k < 16; k++) {
                for (int col = 0; col < 8; col++) {
                    int lane = col * 4 + (k % 8) / 2;
                    int element = k % 2 + 2 * (k / 8);
                    b[lane][element / 2] |= bm[k][col] << (16 * (element % 2));
                }
            }
            float[][] c = new float[32][4];
            for (int row = 0; row < 16; row++) {
                for (int col = 0; col < 8; col++) {
                    int[] s = accumulatorSlot(row, col);
                    c[s[0]][s[1]] = cm[row][col];
                }
            }
            float[][] d = new float[32][4];
            for (float[] r : d) Arrays.fill(r, Float.NaN);
            WarpOps.mmaM16n8k16F32(a, b, c, bf16, d);
            for (int row = 0; row < 16; row++) {
                for (int col = 0; col < 8; col++) {
                    BigDecimal sum = new BigDecimal(cm[row][col]);
                    for (int k = 0; k < 16; k++) sum = sum.add(halfValue(am[row][k], bf16).multiply(halfValue(bm[k][col], bf16)));
                    float expected = sum.signum() == 0 ? 0f : (float) ExactReference.round(ExactReference.Format.F32, sum, Rounding.RN);
                    int[] s = accumulatorSlot(row, col);
                    float actual = d[s[0]][s[1]];
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), "D[" + row + "][" + col + "] = " + actual + ", exact " + expected + TestRandom.seedNote());
                }
            }
        }
    }

    @Test
    void ldmatrixDealsEachRowOutInPairsToConsecutiveLanes() {
        short[] shared = new short[4096];
        for (int i = 0; i < shared.length; i++) shared[i] = (short) rnd.nextInt();
        WarpOps.RowReader reader = (address, words) -> {
            int e = (int) (address / 2);
            for (int w = 0; w < 4; w++) words[w] = (shared[e + 2 * w] & 0xffff) | (shared[e + 2 * w + 1] & 0xffff) << 16;
        };
        for (int num : new int[] {1, 2, 4}) {
            for (boolean trans : new boolean[] {false, true}) {
                long[] addresses = new long[32];
                for (int lane = 0; lane < 32; lane++) addresses[lane] = 16L * rnd.nextInt(shared.length / 8);
                int[][] d = new int[32][4];
                for (int[] r : d) Arrays.fill(r, POISON);
                WarpOps.ldmatrix(num, trans, addresses, reader, d);
                for (int m = 0; m < num; m++) {
                    int[][] matrix = new int[8][8];
                    for (int r = 0; r < 8; r++) {
                        for (int col = 0; col < 8; col++) matrix[r][col] = shared[(int) (addresses[m * 8 + r] / 2) + col] & 0xffff;
                    }
                    // walk the (transposed) matrix row by row, two elements per lane
                    int lane = 0;
                    for (int r = 0; r < 8; r++) {
                        for (int col = 0; col < 8; col += 2) {
                            int lo = trans ? matrix[col][r] : matrix[r][col];
                            int hi = trans ? matrix[col + 1][r] : matrix[r][col + 1];
                            assertEquals(lo | hi << 16, d[lane][m], "x" + num + (trans ? ".trans" : "") + " matrix " + m + " lane " + lane + TestRandom.seedNote());
                            lane++;
                        }
                    }
                }
                for (int l = 0; l < 32; l++) {
                    for (int m = num; m < 4; m++) assertEquals(POISON, d[l][m], "registers past num untouched");
                }
            }
        }
    }
}
