package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/**
 * {@code attention_int_kernel2}: the quantized attention core on Q, K, V codes, the scores' integer
 * sums on tensor cores; see cuda-kernels/attention_int.cu.
 */
public final class AttentionInt extends Launcher<AttentionInt.Params> {
    /** The kernel's AI_MAX_HD, AI_ROWS (query rows per block: the mma tile's 16) and AI_WARPS. */
    static final int MAX_HEAD_DIM = 128, ROWS = 16, WARPS = 4;
    static final int SHARED_LIMIT = 48 * 1024;

    public AttentionInt(PtxModules modules) {
        super(modules, "attention_int", "attention_int_kernel2");
    }

    /** Codes one byte each, rows (image, token, head) of headDim; sq/zq, sk/zk per row; sv, zv for all of V. */
    public record Params(long q, long sq, long zq, long k, long sk, long zk, long v, float sv, int zv, long out,
                         int batch, int tokens, int heads, int headDim, float scale, int probBits, boolean sqrt2Base) implements Config {
        public Params {
            Grid.positive("attention_int", batch, tokens, heads, headDim);
            for (long a : new long[] {q, sq, zq, k, sk, zk, v, out}) Grid.address("attention_int operand", a);
            if (headDim > MAX_HEAD_DIM) throw new IllegalArgumentException("attention_int: head dim " + headDim + " > " + MAX_HEAD_DIM);
            if (headDim % 4 != 0) throw new IllegalArgumentException("attention_int: head dim " + headDim + " is not a multiple of 4 (codes are read 4 bytes at a time)");
            if (probBits < 2 || probBits > 8) throw new IllegalArgumentException("attention_int: " + probBits + "-bit probability codes; 2 to 8 are supported");
            if (4L * ROWS * tokens > SHARED_LIMIT) throw new IllegalArgumentException("attention_int: " + tokens + " tokens need more than 48 KiB per block");
            if (!(sv > 0) || !Float.isFinite(sv)) throw new IllegalArgumentException("attention_int: V's scale " + sv + " must be finite and > 0");
            Grid.checkIndexable("attention_int", (long) batch * tokens * heads * headDim);
            if ((long) batch * heads * Grid.ceilDiv(tokens, ROWS) > Integer.MAX_VALUE) throw new IllegalArgumentException("attention_int: grid too large; use a smaller batch");
        }

        @Override
        public Dim3 grid() {
            return Dim3.of(batch * heads * Grid.ceilDiv(tokens, ROWS));
        }

        @Override
        public Dim3 block() {
            return Dim3.of(32 * WARPS);
        }

        @Override
        public int sharedBytes() {
            return 4 * ROWS * tokens;
        }


        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(q).pointer(sq).pointer(zq).pointer(k).pointer(sk).pointer(zk).pointer(v).f32(sv).i32(zv)
                    .pointer(out).i32(batch).i32(tokens).i32(heads).i32(headDim).f32(scale).i32(probBits).i32(sqrt2Base ? 1 : 0);
        }
    }
}
