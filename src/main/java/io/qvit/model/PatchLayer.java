package io.qvit.model;

import io.qvit.backend.Backend;
import io.qvit.backend.Tensor;

/** The patch embedding: images {@code [B, C, H, W]} to patch tokens {@code [B * P, D]}. */
public interface PatchLayer extends AutoCloseable {
    /** images stay open: they are the caller's. */
    Tensor embed(Tensor images);

    @Override
    void close();

    /** The convolution as {@code linear} over the backend's patch rows ({@link Backend#patchRows}); owns {@code linear}. */
    static PatchLayer of(Backend backend, int patch, LinearLayer linear) {
        return new PatchLayer() {
            @Override
            public Tensor embed(Tensor images) {
                try (Tensor rows = backend.patchRows(images, patch)) {
                    return linear.apply(rows, false);
                }
            }

            @Override
            public void close() {
                linear.close();
            }
        };
    }
}
