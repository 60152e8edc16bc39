package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code gelu_kernel1}: exact GELU in place; see cuda-kernels/gelu.cu. */
public final class Gelu extends Launcher<Gelu.Params> {
    public Gelu(PtxModules modules) {
        super(modules, "gelu", "gelu_kernel1");
    }

    public record Params(long x, long n) implements Elementwise {
        public Params {
            Grid.address("gelu x", x);
            Grid.checkIndexable("gelu", n);
        }

        @Override
        public long elements() {
            return n;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(x).i32((int) n);
        }
    }
}
