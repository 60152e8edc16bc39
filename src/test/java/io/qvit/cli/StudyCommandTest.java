package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.files.Npy;
import io.qvit.files.NpyArray;
import io.qvit.ood.Scores;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qvit study} end to end on the random micro ViT fixture (32x32 input, 10 classes) and small
 * generated images: every output file is written and parses, metrics are fractions, a second run
 * reuses the cached outputs (adding scores without running the network), and a run killed between
 * sets resumes with only the missing set.
 */
class StudyCommandTest {
    private static final String[] METRICS_OOD = {"auroc", "aupr_in", "aupr_out", "fpr95"};
    private static final String[] FRACTIONS_ID = {"top1", "top5", "ece", "aurc"};

    @Test
    void runsTheGridAndResumesFromCachedOutputs(@TempDir Path dir) throws Exception {
        Path idList = labelledImages(dir.resolve("id"), 12, 1);
        Path fitList = labelledImages(dir.resolve("fit"), 60, 2); // MDS on 48-d features of 10 classes needs 58
        Path textures = flatImages(dir.resolve("ood/textures"), 6, 3);
        Path noise = flatImages(dir.resolve("ood/noise"), 5, 4);
        Path out = dir.resolve("study");
        String[] base = {"study", "--models", model(), "--precisions", "fp32,w8a8,w4a4", "--calib", fitList.toString(),
                "--calib-count", "4", "--id", idList.toString(), "--fit", fitList.toString(),
                "--ood", "textures=" + textures + ",noise=" + noise, "--out", out.toString(), "--batch", "8", "--threads", "2"};

        CliRun first = CliRun.of(with(base, "--scores", "msp,energy,tempscale"));
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.err().contains("images/s"), first.toString());
        List<JsonNode> records = records(out);
        assertEquals(3 * (1 + 3 * 2), records.size(), "per cell an ID record and 3 scores x 2 OOD sets");
        checkOutputs(out, records);
        Map<Path, FileTime> outputs = times(out.resolve("outputs"), ".npy");
        assertEquals(3 * 4 * 2, outputs.size(), "logits and features of 4 sets in 3 cells");

        CliRun more = CliRun.of(with(base, "--scores", "msp,energy,mds,tempscale"));
        assertEquals(0, more.exit(), more.toString());
        assertTrue(more.err().contains("every cell's outputs are cached"), more.toString());
        assertFalse(more.err().contains("images/s"), "the network did not run:\n" + more);
        assertEquals(outputs, times(out.resolve("outputs"), ".npy"), "cached outputs were not rewritten");
        assertEquals(3 * (1 + 4 * 2), records(out).size());
        Path mds = out.resolve("outputs/vit_micro_patch8_32.random/w4a4/fit/mds.safetensors");
        assertEquals("mds", Scores.load(mds).kind().cliName());
        Map<Path, FileTime> fits = times(out.resolve("outputs"), ".safetensors");
        assertEquals(3 * 2, fits.size(), "mds and tempscale fitted per cell");
        checkOutputs(out, records(out));

        // as if killed after writing the first OOD set of the last cell: its second set is missing
        Path cell = out.resolve("outputs/vit_micro_patch8_32.random/w4a4");
        Files.delete(cell.resolve("noise.files.txt"));
        Files.delete(cell.resolve("noise.logits.npy"));
        CliRun resumed = CliRun.of(with(base, "--scores", "msp,energy,mds,tempscale"));
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.err().contains("5/5 images"), "only the 5 missing images ran:\n" + resumed);
        Map<Path, FileTime> after = times(out.resolve("outputs"), ".npy");
        for (Map.Entry<Path, FileTime> e : outputs.entrySet())
            if (!e.getKey().getFileName().toString().startsWith("noise") || !e.getKey().startsWith(cell))
                assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was rewritten");
        assertEquals(fits, times(out.resolve("outputs"), ".safetensors"), "fits are reused: the fit set did not rerun");
        assertEquals(3 * (1 + 4 * 2), records(out).size());
        try (Stream<Path> all = Files.walk(out)) {
            assertFalse(all.anyMatch(p -> p.getFileName().toString().endsWith(".part")), "no half-written file is left");
        }
    }

    /** Issue 20: the PTQ method is an axis of the grid: its cells, the method field of each record, and the report's table of changes by method. */
    @Test
    void methodsAreAnAxisOfTheGrid(@TempDir Path dir) throws Exception {
        Path idList = labelledImages(dir.resolve("id"), 10, 5);
        Path textures = flatImages(dir.resolve("ood/textures"), 6, 6);
        Path out = dir.resolve("study");
        CliRun run = CliRun.of("study", "--models", model(), "--precisions", "fp32,w8a8", "--methods", "qvit,minmax", "--calib", idList.toString(),
                "--calib-count", "4", "--id", idList.toString(), "--ood", "textures=" + textures, "--scores", "msp,energy", "--out", out.toString(),
                "--batch", "8", "--threads", "2");
        assertEquals(0, run.exit(), run.toString());
        Map<String, Integer> perCell = new TreeMap<>();
        for (JsonNode r : records(out)) perCell.merge(r.get("precision").asText() + "/" + r.get("method").asText(), 1, Integer::sum);
        assertEquals(Map.of("fp32/null", 3, "w8a8/qvit", 3, "w8a8/minmax", 3), perCell, "an ID record and 2 scores per cell; fp32 has no method");
        assertTrue(Files.isDirectory(out.resolve("outputs/vit_micro_patch8_32.random/w8a8")), "qvit's cells keep their names");
        assertTrue(Files.isDirectory(out.resolve("outputs/vit_micro_patch8_32.random/minmax-w8a8")));
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## OOD change against top-1 change, by method"), report);
        for (String method : List.of("qvit", "minmax"))
            assertTrue(report.contains("| vit_micro_patch8_32.random | " + method + " | w8a8 | energy |"), method + " row:\n" + report);
    }

    /** Issue 19: what needs only the model and the lists is checked before any forward pass. */
    @Test
    void refusesBeforeAnyForwardWhatCannotWork(@TempDir Path dir) throws Exception {
        Path ids = labelledImages(dir.resolve("id"), 4, 1);
        Path textures = flatImages(dir.resolve("ood"), 2, 3);
        Path out = dir.resolve("study");
        String[] base = {"study", "--models", model(), "--precisions", "fp32", "--ood", "t=" + textures, "--out", out.toString(), "--threads", "1"};

        Path beyond = dir.resolve("id/beyond.csv");
        Files.writeString(beyond, Files.readString(ids) + "img_000.png,10\n");
        CliRun labels = CliRun.of(with(base, "--id", beyond.toString(), "--scores", "msp"));
        assertEquals(2, labels.exit(), labels.toString());
        assertTrue(labels.err().contains("--id: ") && labels.err().contains("is labelled class 10")
                && labels.err().contains("has 10 classes (0 to 9)"), labels.toString());
        assertFalse(labels.err().contains("images/s"), "no forward ran:\n" + labels);

        CliRun small = CliRun.of(with(base, "--id", ids.toString(), "--fit", ids.toString(), "--scores", "msp,mds"));
        assertEquals(2, small.exit(), small.toString());
        assertTrue(small.err().contains("--fit: mds needs at least 58 ID fit images") && small.err().contains("has 4"), small.toString());
        assertFalse(small.err().contains("images/s"), "no forward ran:\n" + small);

        Path unlabelled = flatImages(dir.resolve("plain"), 60, 5);
        CliRun noLabels = CliRun.of(with(base, "--id", ids.toString(), "--fit", unlabelled.toString(), "--scores", "tempscale"));
        assertEquals(2, noLabels.exit(), noLabels.toString());
        assertTrue(noLabels.err().contains("tempscale is fitted on labelled ID images"), noLabels.toString());
        assertFalse(noLabels.err().contains("images/s"), "no forward ran:\n" + noLabels);

        // the second model's problem stops the study before the first model runs
        Path second = Files.createDirectories(dir.resolve("second")).resolve("model.safetensors");
        Files.copy(Path.of(model()), second);
        Files.writeString(dir.resolve("second/config.json"), "{\"architecture\": \"vit_nope\"}");
        CliRun twoModels = CliRun.of("study", "--models", model() + "," + second, "--precisions", "fp32", "--ood", "t=" + textures,
                "--out", out.toString(), "--threads", "1", "--id", ids.toString(), "--scores", "msp");
        assertEquals(2, twoModels.exit(), twoModels.toString());
        assertTrue(twoModels.err().contains(dir.resolve("second/config.json").toString()), twoModels.toString());
        assertFalse(twoModels.err().contains("images/s"), "no forward ran:\n" + twoModels);
    }

    /** Issue 19: with only unfitted scores, neither --calib nor a fit-set forward is needed. */
    @Test
    void unfittedScoresNeedNoCalibrationAndRunNoFitSet(@TempDir Path dir) throws Exception {
        Path ids = labelledImages(dir.resolve("id"), 4, 1);
        Path fit = labelledImages(dir.resolve("fit"), 6, 2);
        Path out = dir.resolve("study");
        CliRun run = CliRun.of("study", "--models", model(), "--precisions", "fp32", "--id", ids.toString(), "--fit", fit.toString(),
                "--ood", "t=" + flatImages(dir.resolve("ood"), 2, 3), "--out", out.toString(), "--scores", "msp,energy", "--threads", "1");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("6/6 images"), "the ID and OOD images, not the fit set's 6:\n" + run);
        Path cell = out.resolve("outputs/vit_micro_patch8_32.random/fp32");
        assertTrue(Files.exists(cell.resolve("id.files.txt")) && !Files.exists(cell.resolve("fit.files.txt")), run.toString());
        CliRun noFit = CliRun.of("study", "--models", model(), "--precisions", "fp32", "--id", ids.toString(),
                "--ood", "t=" + dir.resolve("ood"), "--out", out.toString(), "--scores", "msp", "--threads", "1");
        assertEquals(0, noFit.exit(), noFit.toString());
    }

    /**
     * Issue 19: weights edited in place (same name, size and modification time) were reported from the
     * cache; a rerun with fewer scores left their figures; a killed write's temporary stayed; an --out
     * inside an image folder would be read as images.
     */
    @Test
    void aRerunNeverReportsStaleNumbersOrFiles(@TempDir Path dir) throws Exception {
        Path fixture = Path.of(model()).getParent();
        Path weights = Files.createDirectories(dir.resolve("model")).resolve("model.safetensors");
        Files.copy(fixture.resolve("model.safetensors"), weights);
        Files.copy(fixture.resolve("config.json"), dir.resolve("model/config.json"));
        Path ids = labelledImages(dir.resolve("id"), 4, 1);
        Path ood = flatImages(dir.resolve("ood"), 2, 3);
        Path out = dir.resolve("study");
        String[] base = {"study", "--models", weights.toString(), "--precisions", "fp32", "--id", ids.toString(), "--ood", "t=" + ood,
                "--out", out.toString(), "--threads", "1"};
        CliRun first = CliRun.of(with(base, "--scores", "msp,energy"));
        assertEquals(0, first.exit(), first.toString());
        Path energyFigure = out.resolve("figures/hist_vit_micro_patch8_32.random_energy_fp32.png");
        assertTrue(Files.exists(energyFigure), first.toString());

        // the head's last bias, nudged in place: same size, and the modification time put back
        FileTime modified = Files.getLastModifiedTime(weights);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(weights, bytes);
        Files.setLastModifiedTime(weights, modified);
        Path stale = Files.writeString(out.resolve("figures/.hist_x.png8234923.part"), "killed");

        CliRun second = CliRun.of(with(base, "--scores", "msp"));
        assertEquals(0, second.exit(), second.toString());
        assertFalse(second.err().contains("every cell's outputs are cached"), second.toString());
        assertTrue(second.err().contains("settings changed") && second.err().contains("images/s"), "the network ran again:\n" + second);
        assertFalse(Files.exists(energyFigure), "the dropped score's figures are gone");
        assertTrue(Files.exists(out.resolve("figures/hist_vit_micro_patch8_32.random_msp_fp32.png")));
        assertFalse(Files.exists(stale), "a killed write's temporary is cleaned");

        CliRun inside = CliRun.of("study", "--models", weights.toString(), "--precisions", "fp32", "--id", ids.toString(),
                "--ood", "t=" + ood, "--out", ood.resolve("study").toString(), "--scores", "msp");
        assertEquals(2, inside.exit(), inside.toString());
        assertTrue(inside.err().contains("is inside the image folder of --ood t"), inside.toString());
        assertFalse(Files.exists(ood.resolve("study")), "refused before anything was written");
    }

    @Test
    void badOptionsNameTheOptionAndWhatToDo(@TempDir Path dir) throws Exception {
        Path ids = labelledImages(dir.resolve("id"), 2, 1);
        String[] base = {"study", "--models", model(), "--id", ids.toString(), "--calib", ids.toString(), "--out", dir.resolve("o").toString()};
        CliRun noOod = CliRun.of(base);
        assertEquals(2, noOod.exit(), noOod.toString());
        assertTrue(noOod.err().contains("missing --ood"), noOod.toString());

        CliRun badOod = CliRun.of(with(base, "--ood", "textures"));
        assertEquals(2, badOod.exit(), badOod.toString());
        assertTrue(badOod.err().contains("--ood: 'textures' must be NAME=DIR"), badOod.toString());

        CliRun reserved = CliRun.of(with(base, "--ood", "id=" + ids));
        assertEquals(2, reserved.exit(), reserved.toString());
        assertTrue(reserved.err().contains("reserved"), reserved.toString());

        CliRun precision = CliRun.of(with(base, "--ood", "x=" + ids, "--precisions", "fp32,w3a3"));
        assertEquals(2, precision.exit(), precision.toString());
        assertTrue(precision.err().contains("--precisions: unknown value 'w3a3'"), precision.toString());

        CliRun score = CliRun.of(with(base, "--ood", "x=" + ids, "--scores", "msp,odin"));
        assertEquals(2, score.exit(), score.toString());
        assertTrue(score.err().contains("unknown OOD score 'odin'"), score.toString());

        CliRun missing = CliRun.of(with(base, "--ood", "x=" + dir.resolve("nowhere")));
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("--ood x " + dir.resolve("nowhere") + ": no such file or folder"), missing.toString());
    }

    private static void checkOutputs(Path out, List<JsonNode> records) throws IOException {
        for (JsonNode r : records) {
            for (String field : new String[] {"model", "precision", "dataset"}) assertTrue(r.get(field).isTextual(), r.toString());
            boolean id = r.get("dataset").asText().equals("id");
            assertEquals(id, r.get("score").isNull(), r.toString());
            for (String metric : id ? FRACTIONS_ID : METRICS_OOD) {
                double v = r.get(metric).asDouble(Double.NaN);
                assertTrue(v >= 0 && v <= 1, metric + " is not a fraction in " + r);
            }
            if (id) assertTrue(r.get("nll").asDouble() >= 0 && r.get("brier").asDouble() <= 2, r.toString());
        }
        String report = Files.readString(out.resolve("report.md"));
        for (String heading : new String[] {"## In-distribution accuracy and calibration", "## OOD detection", "## Change from FP32",
                "| w4a4 | noise | msp |", "AUPR-Out rel."})
            assertTrue(report.contains(heading), heading + " missing from\n" + report);
        for (String model : List.of("vit_micro_patch8_32.random"))
            for (String precision : List.of("fp32", "w8a8", "w4a4"))
                for (String set : List.of("id", "fit", "textures", "noise")) {
                    Path cell = out.resolve("outputs").resolve(model).resolve(precision);
                    NpyArray logits = Npy.read(cell.resolve(set + ".logits.npy")), features = Npy.read(cell.resolve(set + ".features.npy"));
                    List<String> files = Files.readAllLines(cell.resolve(set + ".files.txt"));
                    assertEquals(files.size(), logits.rows());
                    assertEquals(files.size(), features.rows());
                    assertEquals(10, logits.columns());
                    assertEquals(48, features.columns());
                }
        int figures = 0;
        try (Stream<Path> pngs = Files.list(out.resolve("figures"))) {
            for (Path png : pngs.filter(p -> p.toString().endsWith(".png")).toList()) {
                BufferedImage image = ImageIO.read(png.toFile());
                assertNotNull(image, png + " does not decode");
                String svg = Files.readString(Path.of(png.toString().replaceFirst("\\.png$", ".svg")));
                assertTrue(svg.contains("<svg") && svg.trim().endsWith("</svg>"), png + "'s SVG is not a whole SVG document");
                assertTrue(report.contains(png.getFileName().toString()), png + " is not linked from the report");
                figures++;
            }
        }
        assertTrue(figures > 0);
        for (String prefix : new String[] {"hist_vit_micro_patch8_32.random_msp_w4a4", "roc_vit_micro_patch8_32.random_energy_noise",
                "pr_vit_micro_patch8_32.random_msp_textures", "reliability_vit_micro_patch8_32.random", "delta_aupr_out_msp"})
            assertTrue(Files.exists(out.resolve("figures/" + prefix + ".png")), prefix);
    }

    private static List<JsonNode> records(Path out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) records.add(json.readTree(line));
        return records;
    }

    private static Map<Path, FileTime> times(Path dir, String suffix) throws IOException {
        Map<Path, FileTime> times = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(suffix)).toList()) times.put(p, Files.getLastModifiedTime(p));
        }
        return times;
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static String model() throws URISyntaxException {
        return Path.of(StudyCommandTest.class.getResource("/fixtures/timm/vit_micro_patch8_32/model.safetensors").toURI()).toString();
    }

    /** {@code n} PNGs and a list.csv giving them labels 0..9 in turn; returns the list. */
    static Path labelledImages(Path dir, int n, long seed) throws IOException {
        List<Path> files = flatImageFiles(dir, n, seed);
        StringBuilder csv = new StringBuilder("file,label\n");
        for (int i = 0; i < n; i++) csv.append(files.get(i).getFileName()).append(',').append(i % 10).append('\n');
        Path list = dir.resolve("list.csv");
        Files.writeString(list, csv);
        return list;
    }

    static Path flatImages(Path dir, int n, long seed) throws IOException {
        flatImageFiles(dir, n, seed);
        return dir;
    }

    /** Small random-noise PNGs of random size around the model's 32 px input. */
    private static List<Path> flatImageFiles(Path dir, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(30 + rnd.nextInt(20), 30 + rnd.nextInt(20), BufferedImage.TYPE_INT_RGB);
            int tint = rnd.nextInt(0xffffff);
            for (int y = 0; y < image.getHeight(); y++)
                for (int x = 0; x < image.getWidth(); x++) image.setRGB(x, y, tint ^ rnd.nextInt(1 << (8 * (int) (seed % 3 + 1))));
            Path file = dir.resolve(String.format("img_%03d.png", i));
            ImageIO.write(image, "png", file.toFile());
            files.add(file);
        }
        return files;
    }
}
