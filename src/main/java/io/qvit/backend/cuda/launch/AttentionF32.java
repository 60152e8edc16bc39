package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/**
 * {@code attention_f32_kernel1}: {@code softmax(q k^T scale) v} per image and head from timm's qkv
 * layout; one block per (image, head, tile of 4 query rows), the rows' scores in dynamic shared
 * memory; see cuda-kernels/attention_f32.cu.
 */
public final class AttentionF32 extends Launcher<AttentionF32.Params> {
    /** The kernel's ATT_MAX_HD; its ATT_ROWS is {@link QueryTiles#ROWS}. */
    static final int MAX_HEAD_DIM = 128;
    /** Without the opt-in attribute a block gets 48 KiB of shared memory. */
    static final int SHARED_LIMIT = 48 * 1024;

    public AttentionF32(PtxModules modules) {
        super(modules, "attention_f32", "attention_f32_kernel1");
    }

    public record Params(long qkv, long out, int batch, int tokens, int heads, int headDim, float scale) implements QueryTiles {
        public Params {
            Grid.positive("attention_f32", batch, tokens, heads, headDim);
            Grid.address("attention_f32 qkv", qkv);
            Grid.address("attention_f32 out", out);
            if (headDim > MAX_HEAD_DIM) throw new IllegalArgumentException("attention_f32: head dim " + headDim + " > " + MAX_HEAD_DIM);
            if (4L * ROWS * tokens > SHARED_LIMIT) throw new IllegalArgumentException("attention_f32: " + tokens + " tokens need more than 48 KiB of scores per block");
            Grid.checkIndexable("attention_f32", 3L * batch * tokens * heads * headDim);
            if ((long) batch * heads * Grid.ceilDiv(tokens, ROWS) > Integer.MAX_VALUE) throw new IllegalArgumentException("attention_f32: grid too large; use a smaller batch");
        }


        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(qkv).pointer(out).i32(batch).i32(tokens).i32(heads).i32(headDim).f32(scale);
        }
    }
}
