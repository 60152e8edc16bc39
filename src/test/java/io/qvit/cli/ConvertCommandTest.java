package io.qvit.cli;

import io.qvit.model.VisionTransformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.Datasets;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.quant.model.ActivationKey;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedModelFile;
import io.qvit.quant.model.Site;
import io.qvit.quant.model.TinyConvertedModel;
import io.qvit.quant.model.WeightLayer;
import io.qvit.quant.reparam.InputTransform;
import io.qvit.testsupport.SafetensorsEdit;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit convert}, and the converted file in {@code predict} and {@code info}. */
class ConvertCommandTest {
    private static Path fixture(String relative) throws URISyntaxException {
        return Path.of(ConvertCommandTest.class.getResource("/fixtures/" + relative).toURI());
    }

    private static Path images(Path dir) throws IOException, URISyntaxException {
        for (String image : new String[] {"dec_grey.jpg", "dec_bilevel.png", "dec_cmyk.jpg"})
            Files.copy(fixture("preprocessing/" + image), dir.resolve(image));
        return dir;
    }

    @Test
    void convertedFileIsReadByPredictAndInfo(@TempDir Path dir) throws IOException, URISyntaxException {
        Path imgs = images(Files.createDirectory(dir.resolve("images")));
        String model = fixture("timm/vit_micro_patch8_32/model.safetensors").toString();
        Path out = dir.resolve("micro_w4a4.safetensors");

        CliRun convert = CliRun.of("convert", "--model", model, "--preset", "w4a4", "--calib", imgs.toString(), "-o", out.toString());
        assertEquals(0, convert.exit(), convert.toString());
        assertTrue(Files.isRegularFile(out) && convert.out().contains("smaller"), convert.toString());
        try (var listing = Files.list(dir)) {
            assertEquals(2, listing.count(), "the model and the image folder, no temporary file left");
        }

        CliRun info = CliRun.of("info", out.toString());
        assertEquals(0, info.exit(), info.toString());
        assertTrue(info.out().contains("quantized   w4a4 attention 4 softmax 4;") && info.out().contains("as FP32"), info.toString());
        assertTrue(info.out().contains("calibrated  3 images of " + imgs), info.toString());
        CliRun onDevice = CliRun.of("info", "--device", "emu", "--threads", "1", out.toString());
        assertEquals(0, onDevice.exit(), onDevice.toString());
        assertTrue(onDevice.out().contains("of device memory hold the uploaded model"), onDevice.toString());

        CliRun predict = CliRun.of("predict", "--model", out.toString(), imgs.toString());
        assertEquals(0, predict.exit(), predict.toString());
        assertTrue(predict.out().contains("3 images classified") && predict.err().contains("integer"), predict.toString());

        CliRun twice = CliRun.of("predict", "--model", out.toString(), "--preset", "w8a8", "--calib", imgs.toString(), imgs.toString());
        assertEquals(2, twice.exit(), twice.toString());
        assertTrue(twice.err().contains("is already quantized"), twice.toString());
    }

    /** --method goes into the converted file, info shows it, predict runs it; predict --method calibrates under it. */
    @Test
    void methodIsConvertedShownAndRun(@TempDir Path dir) throws IOException, URISyntaxException {
        Path imgs = images(Files.createDirectory(dir.resolve("images")));
        String model = fixture("timm/vit_micro_patch8_32/model.safetensors").toString();
        Path out = dir.resolve("micro_repq_w4a4.safetensors");
        CliRun convert = CliRun.of("convert", "--model", model, "--preset", "w4a4", "--method", "repq", "--calib", imgs.toString(), "-o", out.toString());
        assertEquals(0, convert.exit(), convert.toString());
        assertEquals(io.qvit.quant.model.QuantMethod.REPQ, QuantizedModelFile.read(out).model().quant().method());
        CliRun info = CliRun.of("info", out.toString());
        assertTrue(info.exit() == 0 && info.out().contains("method      repq"), info.toString());
        CliRun predict = CliRun.of("predict", "--model", out.toString(), imgs.toString());
        assertTrue(predict.exit() == 0 && predict.out().contains("3 images classified"), predict.toString());
        CliRun simulated = CliRun.of("predict", "--model", model, "--preset", "w8a8", "--method", "minmax", "--calib", imgs.toString(), imgs.toString());
        assertTrue(simulated.exit() == 0 && simulated.err().contains("method minmax"), simulated.toString());
        CliRun alone = CliRun.of("predict", "--model", model, "--method", "repq", imgs.toString());
        assertTrue(alone.exit() == 2 && alone.err().contains("--method needs --preset"), alone.toString());
    }

    /** The file holds the converter's model exactly: same logits, bit for bit, with no recalibration. */
    @Test
    void loadedModelComputesTheConvertersLogits(@TempDir Path dir) throws IOException, URISyntaxException {
        Path imgs = images(Files.createDirectory(dir.resolve("images")));
        LoadedModel loaded = ModelLoader.load(fixture("timm/deit_micro_distilled_patch8_32/model.safetensors").toString(), ModelLoader.Hints.NONE);
        List<Sample> samples = Datasets.fromArguments(List.of(imgs.toString()));
        EvalTransform transform = new EvalTransform(loaded.definition().pretrained().preprocessing());
        float[] batch;
        try (ImageBatches b = new ImageBatches(samples, transform, samples.size(), 1)) {
            batch = b.iterator().next().data();
        }
        Path out = dir.resolve("deit_w4a8.safetensors");
        try (CpuBackend cpu = new CpuBackend()) {
            QuantizedModel calibrated = QuantizedModel.pack(Calibrator.calibrate(loaded, QuantConfig.preset("w4a8"), samples, cpu));
            // every kind of input transform, whatever the search chose: divisors and a rotation, a rotation alone, divisors alone
            int hidden = calibrated.packed().get(WeightLayer.FC2.module(0) + ".weight").codes().k();
            float[] divisors = new float[hidden];
            for (int c = 0; c < hidden; c++) divisors[c] = 0.5f + c % 7;
            Map<ActivationKey, InputTransform> transforms = new HashMap<>(calibrated.transforms());
            transforms.put(new ActivationKey(0, Site.FC2_INPUT), new InputTransform(divisors, true, hidden));
            transforms.put(new ActivationKey(1, Site.FC2_INPUT), new InputTransform(null, true, hidden));
            transforms.put(new ActivationKey(1, Site.PROJ_INPUT), new InputTransform(Arrays.copyOf(divisors, calibrated.config().embedDim()),
                    false, calibrated.config().embedDim()));
            QuantizedModel packed = new QuantizedModel(calibrated.config(), calibrated.quant(), calibrated.floats(), calibrated.packed(),
                    calibrated.activationParams(), transforms);
            QuantizedModelFile.write(out, loaded.definition(), packed, Map.of());
            QuantizedModelFile.Contents read = QuantizedModelFile.read(out);
            assertEquals(loaded.definition().name(), read.definition().name());
            assertEquals(loaded.definition().config(), read.definition().config());
            assertEquals(packed.quant(), read.model().quant());
            assertEquals(transforms.keySet(), read.model().transforms().keySet());
            transforms.forEach((key, t) -> {
                InputTransform r = read.model().transforms().get(key);
                assertArrayEquals(t.divisors(), r.divisors(), key.toString());
                assertEquals(t.rotated(), r.rotated(), key.toString());
                assertEquals(t.k(), r.k(), key.toString());
            });
            float[] expected, actual;
            try (VisionTransformer a = QuantizedVit.of(packed, cpu); VisionTransformer b = QuantizedVit.of(read.model(), cpu)) {
                expected = a.forward(batch.clone(), samples.size()).logits();
                actual = b.forward(batch.clone(), samples.size()).logits();
            }
            assertArrayEquals(expected, actual);
            assertFalse(read.model().packed().isEmpty());
        }
    }

    /** Issue 19: codes retyped from U8 to I8 crashed predict with a NullPointerException (exit 3). */
    @Test
    void anEditedConvertedFileExitsTwoNamingTheTensor(@TempDir Path dir) throws IOException, URISyntaxException {
        Path imgs = images(Files.createDirectory(dir.resolve("images")));
        Path file = dir.resolve("tiny.safetensors");
        TinyConvertedModel.write(file, TinyConvertedModel.VIT, QuantConfig.of(4, 4), 7);
        SafetensorsEdit edit = SafetensorsEdit.of(file);
        edit.entry("blocks.1.mlp.fc2.weight").put("dtype", "I8");
        edit.write(file);
        CliRun predict = CliRun.of("predict", "--model", file.toString(), imgs.toString());
        assertEquals(2, predict.exit(), predict.toString());
        assertTrue(predict.err().contains(file.toString()) && predict.err().contains("blocks.1.mlp.fc2.weight is I8")
                && predict.err().contains("expected U8"), predict.toString());
    }

    @Test
    void badOptionsAreNamed(@TempDir Path dir) throws URISyntaxException {
        String model = fixture("timm/vit_micro_patch8_32/model.safetensors").toString();
        CliRun noPreset = CliRun.of("convert", "--model", model, "--calib", dir.toString(), "-o", dir.resolve("x.safetensors").toString());
        assertEquals(2, noPreset.exit(), noPreset.toString());
        assertTrue(noPreset.err().contains("--calib needs --preset"), noPreset.toString());

        CliRun badName = CliRun.of("convert", "--model", model, "--preset", "w8a8", "--calib", dir.toString(), "-o", dir.resolve("x.bin").toString());
        assertEquals(2, badName.exit(), badName.toString());
        assertTrue(badName.err().contains("name the file .safetensors"), badName.toString());

        CliRun floatWeights = CliRun.of("convert", "--model", model, "--wbits", "32", "--abits", "8", "--calib", dir.toString(),
                "-o", dir.resolve("x.safetensors").toString());
        assertEquals(2, floatWeights.exit(), floatWeights.toString());
        assertTrue(floatWeights.err().contains("use fake-quant"), floatWeights.toString());
    }
}
