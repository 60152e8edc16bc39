package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.KernelArgs;

/** {@code im2col_kernel1}: images {@code [B,C,H,W]} to patch rows {@code [B*(H/p)*(W/p), C*p*p]}; see cuda-kernels/im2col.cu. */
public final class Im2col extends Launcher<Im2col.Params> {
    public Im2col(PtxModules modules) {
        super(modules, "im2col", "im2col_kernel1");
    }

    public record Params(long images, long rows, int batch, int channels, int height, int width, int patch) implements Elementwise {
        public Params {
            Grid.positive("im2col", batch, channels, height, width, patch);
            Grid.address("im2col images", images);
            Grid.address("im2col rows", rows);
            if (height % patch != 0 || width % patch != 0)
                throw new IllegalArgumentException("im2col: " + height + "x" + width + " images do not divide into " + patch + "-pixel patches");
            Grid.checkIndexable("im2col", (long) batch * channels * height * width);
        }

        @Override
        public long elements() {
            return (long) batch * channels * height * width;
        }

        @Override
        public KernelArgs args() {
            return new KernelArgs().pointer(images).pointer(rows).i32(batch).i32(channels).i32(height).i32(width).i32(patch);
        }
    }
}
