package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code select_token_kernel1}: token {@code index} of each image, {@code [B*T, D] -> [B, D]}; see cuda-kernels/select_token.cu. */
public final class SelectToken extends Launcher<SelectToken.Params> {
    public SelectToken(PtxModules modules) {
        super(modules, "select_token", "select_token_kernel1");
    }

    public record Params(long x, long out, int batch, int tokens, int dim, int index) implements Elementwise {
        public Params {
            Grid.positive("select_token", batch, tokens, dim);
            Grid.address("select_token x", x);
            Grid.address("select_token out", out);
            if (index < 0 || index >= tokens) throw new IllegalArgumentException("select_token: index " + index + " outside 0.." + (tokens - 1));
            Grid.checkIndexable("select_token", (long) batch * tokens * dim);
        }

        @Override
        public long elements() {
            return (long) batch * dim;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).pointer(out).i32(batch).i32(tokens).i32(dim).i32(index);
        }
    }
}
