package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code qvit bench --precisions}: FP32 and an integer preset side by side, with the preparation timed. */
class BenchCommandTest {
    @Test
    void timesPrecisionsSideBySide() {
        CliRun run = CliRun.of("bench", "--arch", "vit_tiny_patch16_224", "--batch", "1", "--warmup", "1", "--repeats", "1",
                "--precisions", "fp32,w4a4", "--calib-count", "1");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains(" fp32  batch    1") && run.out().contains("(1.00x the first)"), run.toString());
        assertTrue(run.out().contains(" w4a4  batch    1") && run.out().contains("calibrate on 1 images and pack"), run.toString());
    }

    @Test
    void unknownPrecisionIsNamed() {
        CliRun run = CliRun.of("bench", "--arch", "vit_tiny_patch16_224", "--precisions", "fp32,w3a3");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("unknown quantization preset 'w3a3'"), run.toString());
    }
}
