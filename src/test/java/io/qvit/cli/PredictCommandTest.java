package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.data.LabelledCsv;
import io.qvit.data.Sample;
import io.qvit.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit predict} end to end on real images, with an unreadable one among them. */
class PredictCommandTest {
    private static final String MODEL = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors";

    /** Issue 19: a class index beyond the model's classes was scored as a miss; now refused before any image runs. */
    @Test
    void aLabelBeyondTheModelsClassesIsRefusedBeforeTheForward(@TempDir Path dir) throws IOException, java.net.URISyntaxException {
        Path image = dir.resolve("grey.jpg");
        Files.copy(Path.of(PredictCommandTest.class.getResource("/fixtures/preprocessing/dec_grey.jpg").toURI()), image);
        Path list = Files.writeString(dir.resolve("list.csv"), "file,class_index\ngrey.jpg,3\ngrey.jpg,5000\n");
        String model = Path.of(PredictCommandTest.class.getResource("/fixtures/timm/vit_micro_patch8_32/model.safetensors").toURI()).toString();
        CliRun run = CliRun.of("predict", "--model", model, list.toString());
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains(image + " is labelled class 5000") && run.err().contains("has 10 classes (0 to 9)"), run.toString());
        assertFalse(run.out().contains("classified") || run.err().contains("images/s"), "no image ran:\n" + run);
    }

    /**
     * Issue 19: permission bits said /proc (or a read-only folder, for root) was writable, and the CSV
     * failed after every image had run; creating a file there is tried first.
     */
    @Test
    void anOutputFolderThatCannotBeWrittenIsRefusedFirst() throws java.net.URISyntaxException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "needs Linux's /proc");
        String model = Path.of(PredictCommandTest.class.getResource("/fixtures/timm/vit_micro_patch8_32/model.safetensors").toURI()).toString();
        String images = Path.of(PredictCommandTest.class.getResource("/fixtures/preprocessing/dec_grey.jpg").toURI()).toString();
        CliRun run = CliRun.of("predict", "--model", model, "-o", "/proc/predictions.csv", images);
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("--out /proc/predictions.csv: cannot write in /proc"), run.toString());
        assertFalse(run.out().contains("classified"), "no image ran:\n" + run);
    }

    @Test
    void writesTheCsvAndNamesTheUnreadableImage(@TempDir Path dir) throws IOException {
        Path model = SharedData.require(MODEL);
        Path images = SharedData.require("imagenet-samples");
        List<String> labels = Files.readAllLines(images.resolve("labels.csv"));
        // seven real images by absolute path, and a broken one relative to the list's folder
        StringBuilder rows = new StringBuilder(labels.get(0)).append('\n');
        for (String row : labels.subList(1, 8)) {
            int lastComma = row.lastIndexOf(',');
            rows.append(row, 0, lastComma + 1).append(images.resolve(row.substring(lastComma + 1))).append('\n');
        }
        Path listFile = dir.resolve("list.csv");
        Path broken = dir.resolve("broken.JPEG");
        Files.write(broken, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2});
        rows.append("0,n01440764,tench,broken.JPEG\n");
        Files.writeString(listFile, rows);
        Path out = dir.resolve("predictions.csv");

        CliRun run = CliRun.of("predict", "--model", model.toString(), "--batch", "3", "--out", out.toString(), listFile.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("broken.JPEG"), run.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals("file,path,label,top1,prob,top1_name,top5,top5_prob", lines.get(0));
        assertEquals(8, lines.size(), "a header and the seven readable images: " + lines);
        // read back with qvit's own CSV reader (the quoted class names hold commas): path -> top-1 class
        List<Sample> predicted = LabelledCsv.read(out, "path", "top1");
        int hits = 0;
        for (int i = 0; i < predicted.size(); i++) {
            String[] head = lines.get(i + 1).split(",", 6); // the first five fields hold no commas
            assertEquals(predicted.get(i).file().toString(), head[1]);
            if (head[2].equals(head[3])) hits++;
            double prob = Double.parseDouble(head[4]);
            assertTrue(prob > 0 && prob <= 1, lines.get(i + 1));
        }
        assertTrue(hits >= 5, "most of seven easy images right, got " + hits + "\n" + run);
        assertTrue(run.out().contains("top-1"), run.toString());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
    }

    @Test
    void badInputIsAnErrorThatSaysWhatToDo(@TempDir Path dir) {
        CliRun noModel = CliRun.of("predict", dir.toString());
        assertEquals(2, noModel.exit(), noModel.toString());
        assertTrue(noModel.err().contains("missing --model"), noModel.toString());

        CliRun missing = CliRun.of("predict", "--model", dir.resolve("nope.safetensors").toString(), dir.toString());
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("nope.safetensors"), missing.toString());

        CliRun batch = CliRun.of("predict", "--model", "x", "--batch", "0", dir.toString());
        assertEquals(2, batch.exit(), batch.toString());
        assertTrue(batch.err().contains("--batch"), batch.toString());

        CliRun device = CliRun.of("bench", "--models", "vit_tiny_patch16_224", "--device", "tpu");
        assertEquals(2, device.exit(), device.toString());
        assertTrue(device.err().contains("--device"), device.toString());
    }

    @Test
    void everyCommandHasHelpAndUnknownOnesAreNamed() {
        for (String command : List.of("info", "predict", "convert", "bench", "metrics", "study")) {
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exit(), help.toString());
            assertTrue(help.out().contains("qvit " + command), help.toString());
        }
        CliRun unknown = CliRun.of("train");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("train") && unknown.err().contains("predict"), unknown.toString());
    }
}
