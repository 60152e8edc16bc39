package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code residual_add_kernel1}: {@code x += gamma * y} (gamma 0: {@code x += y}); see cuda-kernels/residual_add.cu. */
public final class ResidualAdd extends Launcher<ResidualAdd.Params> {
    public ResidualAdd(PtxModules modules) {
        super(modules, "residual_add", "residual_add_kernel1");
    }

    public record Params(long x, long y, long gamma, long n, int dim) implements Elementwise {
        public Params {
            Grid.address("residual_add x", x);
            Grid.address("residual_add y", y);
            Grid.positive("residual_add", dim);
            Grid.checkIndexable("residual_add", n);
            if (n % dim != 0) throw new IllegalArgumentException("residual_add: " + n + " elements are not rows of " + dim);
        }

        @Override
        public long elements() {
            return n;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).pointer(y).pointer(gamma).i32((int) n).i32(dim);
        }
    }
}
