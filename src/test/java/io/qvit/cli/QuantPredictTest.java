package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit predict --preset}: calibrates and classifies on the fly; bad settings name their option. */
class QuantPredictTest {
    private static Path fixture(String relative) throws URISyntaxException {
        return Path.of(QuantPredictTest.class.getResource("/fixtures/" + relative).toURI());
    }

    @Test
    void quantizesOnTheFly(@TempDir Path dir) throws IOException, URISyntaxException {
        for (String image : new String[] {"dec_grey.jpg", "dec_bilevel.png", "dec_cmyk.jpg"})
            Files.copy(fixture("preprocessing/" + image), dir.resolve(image));
        String model = fixture("timm/vit_micro_patch8_32/model.safetensors").toString();

        CliRun run = CliRun.of("predict", "--model", model, "--preset", "w4a8", "--calib", dir.toString(), "--calib-count", "2",
                "--calib-seed", "7", dir.toString());

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("calibrating w4a8 attention 8 softmax 8 on 2 images"), run.toString());
        assertTrue(run.out().contains("3 images classified"), run.toString());
    }

    @Test
    void badSettingsNameTheirOption(@TempDir Path dir) {
        CliRun preset = CliRun.of("predict", "--model", "x", "--preset", "w3a3", dir.toString());
        assertEquals(2, preset.exit(), preset.toString());
        assertTrue(preset.err().contains("--preset: unknown quantization preset 'w3a3'; presets: fp32, w8a8"), preset.toString());

        CliRun bits = CliRun.of("predict", "--model", "x", "--preset", "w8a8", "--abits", "9", dir.toString());
        assertEquals(2, bits.exit(), bits.toString());
        assertTrue(bits.err().contains("--abits must be 2 to 8, or 32"), bits.toString());

        CliRun calibOnly = CliRun.of("predict", "--model", "x", "--calib", dir.toString(), dir.toString());
        assertEquals(2, calibOnly.exit(), calibOnly.toString());
        assertTrue(calibOnly.err().contains("--calib needs --preset"), calibOnly.toString());
    }
}
