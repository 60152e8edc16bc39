package io.qvit.backend.cuda.emu.semantics;

/**
 * The warp-wide instructions whose result depends on other lanes, as pure functions over the 32
 * lanes' operands (PTX ISA 9.7.9.6 shfl.sync, 9.7.13 mma, ldmatrix). Lanes not in {@code active}
 * neither provide nor receive values; the caller (the interpreter) has already checked that every
 * lane of the member mask arrived.
 */
public final class WarpOps {
    private WarpOps() {}

    public enum ShflMode { UP, DOWN, BFLY, IDX }

    /**
     * shfl.sync.mode.b32 d|p, a, b, c, membermask for every active lane: {@code a[lane]} the value,
     * {@code b[lane]} the lane/offset operand, {@code c[lane]} the packed clamp and segment mask.
     * Writes {@code d[lane]} and {@code p[lane]} for active lanes.
     */
    public static void shfl(ShflMode mode, int[] a, int[] b, int[] c, int active, int[] d, boolean[] p) { throw new UnsupportedOperationException(); }

    /**
     * mma.sync.aligned.m16n8k32.row.col.s32.atype.btype.s32 (atype/btype s8 or u8; satfinite optional):
     * {@code a[32][4]}, {@code b[32][2]}, {@code c[32][4]} the lanes' fragment registers as the ISA's
     * figures distribute them; writes {@code d[32][4]}.
     */
    public static void mmaM16n8k32I8(int[][] a, boolean aSigned, int[][] b, boolean bSigned, int[][] c, boolean satfinite, int[][] d) { throw new UnsupportedOperationException(); }

    /** mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}.{f16,bf16}.f32: a[32][4] and b[32][2] packed pairs, c and d [32][4] f32. */
    public static void mmaM16n8k16F32(int[][] a, int[][] b, float[][] c, boolean bf16, float[][] d) { throw new UnsupportedOperationException(); }

    /** Reads 16 bytes (one 8 x b16 row) at a shared-memory address, as four little-endian 32-bit words. */
    @FunctionalInterface
    public interface RowReader {
        void read(long address, int[] fourWords);
    }

    /**
     * ldmatrix.sync.aligned.m8n8.{x1,x2,x4}[.trans].shared.b16: lanes 0..8*num-1 give row addresses
     * ({@code rowAddress[lane]}); writes {@code d[lane][0..num)} for every lane.
     */
    public static void ldmatrix(int num, boolean trans, long[] rowAddress, RowReader reader, int[][] d) { throw new UnsupportedOperationException(); }
}
