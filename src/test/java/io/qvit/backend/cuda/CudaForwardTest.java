package io.qvit.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.check.Lockstep;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.quant.model.CalibratedModel;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.synthetic.SyntheticSets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole forward of the demo model (timm ViT, 64x64, patch 8: 65 tokens) on the CUDA backend's
 * kernels, executed by the PTX emulator, against the CPU backend on 8 of its generated test images:
 * at fp32 (same top-1 for every image, logits within 1e-4 of the largest logit), and as a converted
 * model at w8a8 and w4a4, calibrated on the CPU on 8 calibration images (bit-identical).
 */
class CudaForwardTest {
    private static final int IMAGES = 8;
    @TempDir
    static Path dir;
    private static LoadedModel model;
    private static List<Sample> test, calib;

    @BeforeAll
    static void data() throws IOException {
        model = DemoModel.load(dir);
        test = DemoModel.images(dir, SyntheticSets.ID_TEST, IMAGES);
        calib = DemoModel.images(dir, SyntheticSets.CALIB, IMAGES);
    }

    @Test
    void fp32() {
        List<float[]> cpu, emu;
        try (Backend b = Device.CPU.open(2); Classifier c = new Classifier(model, b)) {
            cpu = logits(c);
        }
        try (Backend b = Device.EMU.open(2); Classifier c = new Classifier(model, b)) {
            emu = logits(c);
        }
        agree(cpu, emu, 1e-4);
    }

    /**
     * A converted model at w8a8 and w4a4 runs on both backends in lockstep: every op of the whole
     * forward (row quantization, integer GEMMs with their epilogues, quantized attention, LayerNorm,
     * residuals) must give the CPU's bits, and so must the logits.
     */
    @ParameterizedTest
    @ValueSource(strings = {"w8a8", "w4a4"})
    void integerOpsAreBitIdenticalThroughTheWholeForward(String preset) {
        QuantizedModel packed;
        List<float[]> cpu;
        try (Backend b = Device.CPU.open(2)) {
            packed = QuantizedModel.pack(Calibrator.calibrate(model, QuantConfig.preset(preset), calib, b));
            try (Classifier c = QuantizedVit.classifier(model.definition(), packed, b)) {
                cpu = logits(c);
            }
        }
        try (Lockstep b = new Lockstep(Device.CPU.open(2), Device.EMU.open(2));
             Classifier c = QuantizedVit.classifier(model.definition(), packed, b)) {
            List<float[]> both = logits(c);
            assertEquals(List.of(), b.departures(), "ops whose CUDA outputs differ from the CPU's");
            for (int i = 0; i < IMAGES; i++) assertEquals(Arrays.toString(cpu.get(i)), Arrays.toString(both.get(i)));
        }
    }

    /**
     * A converted W4A4 model on the device holds its packed codes, three words per weight row (scale,
     * zero point, code sum) and its float parameters (norms, biases, tokens): at most twice that, for
     * the pool's power-of-two size classes, plus a 256-byte class per small tensor; far below the
     * FP32 model.
     */
    @Test
    void convertedW4a4ModelUploadsPackedCodesOnly() {
        QuantizedModel packed;
        try (Backend b = Device.CPU.open(2)) {
            packed = QuantizedModel.pack(Calibrator.calibrate(model, QuantConfig.preset("w4a4"), calib, b));
        }
        long codes = 0, floats = 0, tensors = 0, fp32 = 4 * model.weights().parameterCount();
        for (QuantizedModel.PackedWeight w : packed.packed().values()) {
            codes += w.codes().data().length + 12L * w.codes().rows();
            tensors += 4;
        }
        for (var p : packed.floats().values()) {
            floats += 4L * p.data().length;
            tensors++;
        }
        try (Backend b = Device.EMU.open(2)) {
            long before = b.deviceBytes().orElseThrow();
            long resident;
            try (var m = QuantizedVit.of(packed, b)) {
                resident = b.deviceBytes().orElseThrow() - before;
            }
            System.out.printf("w4a4 demo model on the device: %d bytes; packed codes and row words %d, float parameters %d, FP32 model %d%n",
                    resident, codes, floats, fp32);
            assertTrue(resident >= codes + floats, resident + " bytes cannot hold " + (codes + floats));
            assertTrue(resident <= 2 * (codes + floats) + 256 * tensors, resident + " bytes for " + (codes + floats) + " of codes and parameters");
            assertTrue(resident < fp32 / 2, resident + " bytes against " + fp32 + " as FP32");
        }
    }

    private static List<float[]> logits(Classifier c) {
        List<float[]> out = new ArrayList<>();
        var failures = c.run(test, IMAGES, 1, (batch, o) -> {
            int classes = o.logits().length / batch.samples().size();
            for (int i = 0; i < batch.samples().size(); i++) out.add(Arrays.copyOfRange(o.logits(), i * classes, (i + 1) * classes));
        });
        assertEquals(List.of(), failures);
        return out;
    }

    /** Same top-1 for every image; every logit within {@code tolerance} times the image's largest logit. */
    private static void agree(List<float[]> cpu, List<float[]> emu, double tolerance) {
        assertEquals(IMAGES, emu.size());
        double worst = 0;
        for (int i = 0; i < IMAGES; i++) {
            float[] a = cpu.get(i), b = emu.get(i);
            assertEquals(TopK.of(a, 0, a.length, 1).top1(), TopK.of(b, 0, b.length, 1).top1(), "top-1 of image " + i);
            double max = 0;
            for (float v : a) max = Math.max(max, Math.abs(v));
            for (int j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / max);
        }
        System.out.printf("largest logit difference relative to the largest logit: %.3g%n", worst);
        assertTrue(worst <= tolerance, "largest relative logit difference " + worst + " > " + tolerance);
    }
}
