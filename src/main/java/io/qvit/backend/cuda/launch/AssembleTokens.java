package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code assemble_tokens_kernel1}: prefix tokens, patches and position embedding to {@code [B*T, D]}; see cuda-kernels/assemble_tokens.cu. */
public final class AssembleTokens extends Launcher<AssembleTokens.Params> {
    public AssembleTokens(PtxModules modules) {
        super(modules, "assemble_tokens", "assemble_tokens_kernel1");
    }

    /**
     * cls and dist: the prefix tokens, {@code [D]} each (0 for one the model lacks: nprefix says how many);
     * pos: {@code [P + nprefix, D]} when posCoversPrefix, else {@code [P, D]}.
     */
    public record Params(long patches, long cls, long dist, long pos, long out, int batch, int patchCount, int nprefix, int dim,
                         boolean posCoversPrefix) implements Elementwise {
        public Params {
            Grid.positive("assemble_tokens", batch, patchCount, dim);
            if (nprefix < 0 || nprefix > 2) throw new IllegalArgumentException("assemble_tokens: " + nprefix + " prefix tokens; timm's ViTs have 0 to 2");
            Grid.address("assemble_tokens patches", patches);
            Grid.address("assemble_tokens pos", pos);
            Grid.address("assemble_tokens out", out);
            if (nprefix > 0) Grid.address("assemble_tokens cls", cls);
            if (nprefix > 1) Grid.address("assemble_tokens dist", dist);
            Grid.checkIndexable("assemble_tokens", (long) batch * (patchCount + nprefix) * dim);
        }

        @Override
        public long elements() {
            return (long) batch * (patchCount + nprefix) * dim;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(patches).pointer(cls).pointer(dist).pointer(pos).pointer(out).i32(batch).i32(patchCount).i32(nprefix)
                    .i32(dim).i32(posCoversPrefix ? 1 : 0);
        }
    }
}
