package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit demo} end to end on small generated sets, and its option checks. */
class DemoCommandTest {
    @Test
    void generatesTheSetsRunsTheStudyAndPrintsItsTables(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString(), "--count", "24", "--scores", "msp,energy", "--threads", "2");
        assertEquals(0, run.exit(), run.toString());
        for (String split : new String[] {"calib", "fit", "id", "near-ood", "far-ood"})
            assertTrue(Files.isRegularFile(out.resolve("data").resolve(split).resolve("generated.txt")), split + " " + run);
        Path report = out.resolve("study/report.md");
        assertTrue(Files.isRegularFile(report), run.toString());
        try (Stream<Path> figures = Files.list(out.resolve("study/figures"))) {
            assertTrue(figures.anyMatch(f -> f.toString().endsWith(".png")), "figures written");
        }
        assertTrue(run.out().contains("| model | precision | images | top-1 % |"), "the ID table is printed\n" + run);
        assertTrue(run.out().contains("| vit_demo_patch8_64.synthetic | w4a4 | energy |"), "the change table is printed\n" + run);
        assertTrue(run.out().contains("report (with AUROC") && run.out().contains(report.toAbsolutePath().normalize().toString()), run.toString());
        assertTrue(run.out().contains("figures: "), run.toString());
    }

    @Test
    void optionsAreCheckedWithAMessageSayingWhatToDo(@TempDir Path dir) {
        String out = dir.toString();
        usage("--id is needed too", "demo", "--out", out, "--model", "m.safetensors", "--ood", "x=" + out);
        usage("--count must be a whole number from 1 to", "demo", "--out", out, "--count", "0");
        usage("--count 24 leaves 24 fit images, and the demo model (128 features, 8 classes) needs more for mds 136, rmds 136, knn 50, vim 128",
                "demo", "--out", out, "--count", "24");
        usage("--limit 100 leaves 100 fit images", "demo", "--out", out, "--limit", "100", "--scores", "msp,mds");
        usage("--generate-only and --count are for the generated demo sets", "demo", "--out", out, "--model", "m", "--id", out,
                "--ood", "x=" + out, "--count", "5");
        usage("--calib goes with --model, --id and --ood", "demo", "--out", out, "--calib", out);
        usage("unexpected arguments", "demo", "--out", out, "extra");
        usage("--precisions: unknown value 'w3a3'", "demo", "--out", out, "--count", "4", "--scores", "msp", "--precisions", "fp32,w3a3");
        usage("--batch must be", "demo", "--out", out, "--count", "4", "--scores", "msp", "--batch", "0");
        assertTrue(!Files.exists(dir.resolve("data")), "nothing is generated when an option is wrong");
    }

    private static void usage(String message, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(Main.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains(message), "expected '" + message + "' in\n" + run);
    }
}
