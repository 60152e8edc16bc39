package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.backend.Tensor;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.EmuDriver;
import io.qvit.model.LoadedModel;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.synthetic.SyntheticSets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward captured as one graph ({@link VisionTransformer#replayed}) on the CUDA backend's
 * kernels in the PTX emulator, poisoned allocations and sanitizers on: each replay gives the
 * uncaptured forward's logits and features bit for bit (same kernels, same inputs), for new images
 * on every call, and the buffers the graph replays on are not handed to other tensors meanwhile.
 */
class ReplayedForwardTest {
    private static final int BATCH = 1;
    @TempDir
    static Path dir;
    private static LoadedModel model;

    @BeforeAll
    static void load() throws IOException {
        model = DemoModel.load(dir);
    }

    @Test
    void fp32ReplaysEqualTheForward() {
        try (CudaBackend b = new CudaBackend(new EmuDriver(2), true);
             VisionTransformer vit = new VisionTransformer(model.definition().config(), model.weights(), b)) {
            replaysAgree(vit, b);
        }
    }

    @Test
    void w4a4ReplaysEqualTheForward() throws IOException {
        QuantizedModel packed;
        try (Backend cpu = Device.CPU.open(2)) {
            packed = QuantizedModel.pack(Calibrator.calibrate(model, QuantConfig.preset("w4a4"), DemoModel.images(dir, SyntheticSets.CALIB, 2), cpu));
        }
        try (CudaBackend b = new CudaBackend(new EmuDriver(2), true); VisionTransformer vit = QuantizedVit.of(packed, b)) {
            replaysAgree(vit, b);
        }
    }

    @Test
    void withoutGraphsTheReplayIssuesTheOpsAgain() {
        try (Backend b = Device.CPU.open(2);
             VisionTransformer vit = new VisionTransformer(model.definition().config(), model.weights(), b);
             VisionTransformer.Replayed replayed = vit.replayed(BATCH)) {
            float[] images = images(vit.config(), 3);
            VisionTransformer.Output once = vit.forward(images, BATCH);
            VisionTransformer.Output again = replayed.forward(images);
            assertFalse(replayed.captured());
            assertArrayEquals(once.logits(), again.logits());
            assertArrayEquals(once.features(), again.features());
        }
    }

    /** Captured work is recorded, not run, until the graph is launched; copies and syncs are refused meanwhile. */
    @Test
    void captureRecordsMemsetsAndRefusesCopies() {
        try (CudaDriver d = new EmuDriver(1)) {
            long p = d.malloc(16);
            d.memset(p, 1, 16);
            d.beginCapture();
            d.memset(p, 7, 16);
            CudaException copy = assertThrows(CudaException.class, () -> d.copyToHost(ByteBuffer.allocate(16), p));
            assertTrue(copy.getMessage().contains("cuMemcpyDtoH while the stream is being captured"), copy.getMessage());
            assertThrows(CudaException.class, d::synchronize);
            try (CudaDriver.Graph g = d.endCapture()) {
                assertEquals(1, bytes(d, p)[5], "a captured memset ran before the graph was launched");
                g.launch();
                assertEquals(7, bytes(d, p)[5]);
            }
            d.free(p);
        }
    }

    private static byte[] bytes(CudaDriver d, long p) {
        ByteBuffer b = ByteBuffer.allocate(16);
        d.copyToHost(b, p);
        return b.array();
    }

    private static void replaysAgree(VisionTransformer vit, CudaBackend b) {
        try (VisionTransformer.Replayed replayed = vit.replayed(BATCH)) {
            for (int call = 0; call < 2; call++) {
                float[] images = images(vit.config(), 10 + call);
                VisionTransformer.Output plain = vit.forward(images, BATCH);
                // a tensor made between replays must keep its values: the pool holds the graph's buffers back
                float[] kept = images(vit.config(), 20 + call);
                try (Tensor other = b.fromHost(kept, kept.length)) {
                    VisionTransformer.Output captured = replayed.forward(images);
                    assertTrue(replayed.captured());
                    assertArrayEquals(plain.logits(), captured.logits(), "logits of call " + call);
                    assertArrayEquals(plain.features(), captured.features(), "features of call " + call);
                    assertArrayEquals(kept, b.toHost(other));
                }
            }
        }
    }

    /** Fresh gaussian images of the model's size, seeded per call so that each replay sees new inputs. */
    private static float[] images(VitConfig cfg, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[BATCH * cfg.inChans() * cfg.imgSize() * cfg.imgSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }
}
