package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code assemble_tokens_kernel1}: prefix tokens, patches and position embedding to {@code [B*T, D]}; see cuda-kernels/assemble_tokens.cu. */
public final class AssembleTokens extends Launcher<AssembleTokens.Params> {
    public AssembleTokens(PtxModules modules) {
        super(modules, "assemble_tokens", "assemble_tokens_kernel1");
    }

    /** prefix: {@code [nprefix, D]} (0 when nprefix is 0); pos: {@code [P + nprefix, D]} when posCoversPrefix, else {@code [P, D]}. */
    public record Params(long patches, long prefix, long pos, long out, int batch, int patchCount, int nprefix, int dim,
                         boolean posCoversPrefix) implements Elementwise {
        public Params {
            Grid.positive("assemble_tokens", batch, patchCount, dim);
            if (nprefix < 0 || nprefix > 2) throw new IllegalArgumentException("assemble_tokens: " + nprefix + " prefix tokens; timm's ViTs have 0 to 2");
            Grid.address("assemble_tokens patches", patches);
            Grid.address("assemble_tokens pos", pos);
            Grid.address("assemble_tokens out", out);
            if (nprefix > 0) Grid.address("assemble_tokens prefix", prefix);
            Grid.checkIndexable("assemble_tokens", (long) batch * (patchCount + nprefix) * dim);
        }

        @Override
        public long elements() {
            return (long) batch * (patchCount + nprefix) * dim;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(patches).pointer(prefix).pointer(pos).pointer(out).i32(batch).i32(patchCount).i32(nprefix)
                    .i32(dim).i32(posCoversPrefix ? 1 : 0);
        }
    }
}
