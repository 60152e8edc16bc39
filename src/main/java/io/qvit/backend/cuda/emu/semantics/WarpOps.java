package io.qvit.backend.cuda.emu.semantics;

/**
 * The warp-wide instructions whose result depends on other lanes, as pure functions over the 32
 * lanes' operands (PTX ISA 9.7.9.6 shfl.sync, 9.7.13 mma, ldmatrix). Lanes not in {@code active}
 * neither provide nor receive values; the caller (the interpreter) has already checked that every
 * lane of the member mask arrived.
 *
 * <p>Fragment layouts follow the ISA's formulas, with {@code groupID = lane >> 2} and
 * {@code threadID_in_group = lane % 4}; element i of a fragment sits in register {@code i / n} at
 * position {@code i % n} counted from the least significant bits, n elements per 32-bit register.
 */
public final class WarpOps {
    private static final int WARP = 32;

    private WarpOps() {}

    /** shfl.sync's four modes. */
    public enum ShflMode { UP, DOWN, BFLY, IDX }

    /**
     * shfl.sync.mode.b32 d|p, a, b, c, membermask for every active lane: {@code a[lane]} the value,
     * {@code b[lane]} the lane/offset operand, {@code c[lane]} the packed clamp and segment mask.
     * Writes {@code d[lane]} and {@code p[lane]} for active lanes. A lane whose source is out of range
     * gets its own value and p false. Reading from an inactive lane is undefined in PTX: this returns
     * whatever {@code a} holds for that lane; {@link #sourceLane} lets the caller detect it.
     */
    public static void shfl(ShflMode mode, int[] a, int[] b, int[] c, int active, int[] d, boolean[] p) {
        for (int lane = 0; lane < WARP; lane++) {
            if ((active >>> lane & 1) == 0) continue;
            int j = sourceLane(mode, lane, b[lane], c[lane]);
            p[lane] = j >= 0;
            d[lane] = a[j >= 0 ? j : lane];
        }
    }

    /**
     * The lane {@code lane} reads from in shfl.sync, or -1 when the computed source is out of range
     * (the ISA's pseudo-code: {@code c[4:0]} the clamp value, {@code c[12:8]} the segment mask).
     */
    public static int sourceLane(ShflMode mode, int lane, int b, int c) {
        int bval = b & 0x1f;
        int cval = c & 0x1f;
        int segmask = (c >>> 8) & 0x1f;
        int maxLane = (lane & segmask) | (cval & ~segmask);
        int minLane = lane & segmask;
        int j;
        boolean inRange;
        switch (mode) {
            case UP -> {
                j = lane - bval;
                inRange = j >= maxLane;
            }
            case DOWN -> {
                j = lane + bval;
                inRange = j <= maxLane;
            }
            case BFLY -> {
                j = lane ^ bval;
                inRange = j <= maxLane;
            }
            case IDX -> {
                j = minLane | (bval & ~segmask);
                inRange = j <= maxLane;
            }
            default -> throw new IllegalArgumentException("shfl mode " + mode);
        }
        return inRange ? j : -1;
    }

    /**
     * mma.sync.aligned.m16n8k32.row.col.s32.atype.btype.s32 (atype/btype s8 or u8; satfinite optional):
     * {@code a[32][4]}, {@code b[32][2]}, {@code c[32][4]} the lanes' fragment registers as the ISA's
     * figures distribute them; writes {@code d[32][4]}. The sum is exact; without satfinite it wraps to
     * 32 bits, with it it is clamped to the int32 range.
     */
    public static void mmaM16n8k32I8(int[][] a, boolean aSigned, int[][] b, boolean bSigned, int[][] c, boolean satfinite, int[][] d) {
        int[][] am = new int[16][32];
        int[][] bm = new int[32][8];
        for (int lane = 0; lane < WARP; lane++) {
            int g = lane >> 2;
            int t = lane & 3;
            for (int i = 0; i < 16; i++) {
                int row = g + ((i & 4) != 0 ? 8 : 0);
                int col = t * 4 + (i & 3) + (i >= 8 ? 16 : 0);
                am[row][col] = byteOf(a[lane][i >> 2], i & 3, aSigned);
            }
            for (int i = 0; i < 8; i++) {
                int row = t * 4 + (i & 3) + (i >= 4 ? 16 : 0);
                bm[row][g] = byteOf(b[lane][i >> 2], i & 3, bSigned);
            }
        }
        for (int lane = 0; lane < WARP; lane++) {
            for (int i = 0; i < 4; i++) {
                int row = accumulatorRow(lane, i);
                int col = accumulatorCol(lane, i);
                long sum = c[lane][i];
                for (int k = 0; k < 32; k++) sum += (long) am[row][k] * bm[k][col];
                d[lane][i] = satfinite ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum)) : (int) sum;
            }
        }
    }

    /**
     * mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}.{f16,bf16}.f32: a[32][4] and b[32][2] packed
     * pairs, c and d [32][4] f32. Products of f16/bf16 values are exact in double; the 16 products and
     * c are summed in double and rounded once to f32. The ISA leaves the hardware's accumulation order
     * and rounding unspecified (at least single precision), so a GPU may differ by a few f32 ulp. A NaN
     * result is the canonical f32 NaN.
     */
    public static void mmaM16n8k16F32(int[][] a, int[][] b, float[][] c, boolean bf16, float[][] d) {
        double[][] am = new double[16][16];
        double[][] bm = new double[16][8];
        for (int lane = 0; lane < WARP; lane++) {
            int g = lane >> 2;
            int t = lane & 3;
            for (int i = 0; i < 8; i++) {
                int row = g + ((i & 2) != 0 ? 8 : 0);
                int col = t * 2 + (i & 1) + (i >= 4 ? 8 : 0);
                am[row][col] = halfOf(a[lane][i >> 1], i & 1, bf16);
            }
            for (int i = 0; i < 4; i++) {
                int row = t * 2 + (i & 1) + (i >= 2 ? 8 : 0);
                bm[row][g] = halfOf(b[lane][i >> 1], i & 1, bf16);
            }
        }
        for (int lane = 0; lane < WARP; lane++) {
            for (int i = 0; i < 4; i++) {
                int row = accumulatorRow(lane, i);
                int col = accumulatorCol(lane, i);
                double sum = c[lane][i];
                for (int k = 0; k < 16; k++) sum += am[row][k] * bm[k][col];
                float f = (float) sum;
                d[lane][i] = Float.isNaN(f) ? FloatOps.CANONICAL_NAN_F32 : f;
            }
        }
    }

    /** Reads 16 bytes (one 8 x b16 row) at a shared-memory address, as four little-endian 32-bit words. */
    @FunctionalInterface
    public interface RowReader {
        /** Fills {@code fourWords} with the row's bytes 0-3, 4-7, 8-11, 12-15. */
        void read(long address, int[] fourWords);
    }

    /**
     * ldmatrix.sync.aligned.m8n8.{x1,x2,x4}[.trans].shared.b16: lanes 0..8*num-1 give row addresses
     * ({@code rowAddress[lane]}); writes {@code d[lane][0..num)} for every lane. Register m of lane l
     * holds row {@code l / 4}, elements {@code 2 * (l % 4)} (low half) and {@code 2 * (l % 4) + 1} (high
     * half) of matrix m, or of its transpose with {@code .trans}.
     */
    public static void ldmatrix(int num, boolean trans, long[] rowAddress, RowReader reader, int[][] d) {
        if (num != 1 && num != 2 && num != 4) throw new IllegalArgumentException("ldmatrix loads 1, 2 or 4 matrices, not " + num);
        int[][] rows = new int[8][4];
        for (int m = 0; m < num; m++) {
            for (int r = 0; r < 8; r++) reader.read(rowAddress[m * 8 + r], rows[r]);
            for (int lane = 0; lane < WARP; lane++) {
                int row = lane >> 2;
                int col = 2 * (lane & 3);
                d[lane][m] = trans
                        ? element(rows, col, row) | element(rows, col + 1, row) << 16
                        : rows[row][lane & 3];
            }
        }
    }

    /** The 16-bit element (row, col) of an 8x8 matrix held as rows of four little-endian words. */
    private static int element(int[][] rows, int row, int col) {
        return (rows[row][col >> 1] >>> (16 * (col & 1))) & 0xffff;
    }

    private static int accumulatorRow(int lane, int i) {
        return (lane >> 2) + (i >= 2 ? 8 : 0);
    }

    private static int accumulatorCol(int lane, int i) {
        return (lane & 3) * 2 + (i & 1);
    }

    private static int byteOf(int reg, int index, boolean signed) {
        int v = reg >>> (8 * index);
        return signed ? (byte) v : v & 0xff;
    }

    private static double halfOf(int reg, int index, boolean bf16) {
        int bits = (reg >>> (16 * index)) & 0xffff;
        return bf16 ? Convert.bf16ToF32(bits) : Convert.f16ToF32(bits);
    }
}
