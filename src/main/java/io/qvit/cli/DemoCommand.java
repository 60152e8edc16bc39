package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.files.AtomicFile;
import io.qvit.ood.ScoreKind;
import io.qvit.ood.ScoreSettings;
import io.qvit.quant.model.Calibrator;
import io.qvit.study.ReportWriter;
import io.qvit.study.StudyFigures;
import io.qvit.synthetic.SyntheticSets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code qvit demo}: the study with nothing to download. By default it generates synthetic shape
 * images (ID test, calibration, fit, near-OOD and far-OOD sets) and runs {@code qvit study} at
 * fp32, w8a8 and w4a4 on the small ViT embedded in the jar, which was trained on the same
 * generator's training split ({@code weights-converter/train_demo_model.py}); then it prints the
 * report's tables. With {@code --model}, {@code --id} and {@code --ood} it is the real study on those.
 * Either way the study itself is {@link StudyCommand}, given the options this command translated.
 */
final class DemoCommand implements Command {
    /** Images per demo set (fit, ID test, each OOD set): MDS and RMDS need at least D + C = 136 fit images. */
    static final int DEFAULT_COUNT = 400;
    /** The embedded model's feature width D and classes C (its config.json; DemoModelTest checks them). */
    static final int FEATURES = 128, CLASSES = 8;
    /** Training images the embedded model was trained on (written only with --generate-only). */
    static final int TRAIN_COUNT = 4800;
    private static final String RESOURCES = "/io/qvit/demo/";
    private static final List<String> MODEL_FILES = List.of("model.safetensors", "config.json");
    private static final List<String> DEMO_ONLY = List.of("generate-only", "count", "model", "out");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the study (fp32, w8a8, w4a4) on an embedded model and generated images; or on yours with --model, --id, --ood";
    }

    @Override
    public String usage() {
        return "[--out DIR] [--count N] | --generate-only [--out DIR] | --model MODEL --id LIST_OR_DIR --ood NAME=DIR,... [study options]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        // the study's options, none required here: the demo supplies what is not given
        for (Option study : new StudyCommand().options().getOptions()) {
            if (study.getLongOpt().equals("models") || study.getLongOpt().equals("out")) continue;
            Option copy = (Option) study.clone();
            copy.setRequired(false);
            o.addOption(copy);
        }
        o.addOption(Option.builder().longOpt("model").hasArg().argName("MODEL")
                .desc("run the study on this model (with --id and --ood) instead of the embedded demo model").build());
        o.addOption(Option.builder("o").longOpt("out").hasArg().argName("DIR")
                .desc("output folder (default qvit-demo): data/ the generated images, model/ the embedded model, study/ the study").build());
        o.addOption(Option.builder().longOpt("count").hasArg().argName("N")
                .desc("images in each generated set (fit, id, near-ood, far-ood; default " + DEFAULT_COUNT + "); mds and rmds need "
                        + (FEATURES + CLASSES) + " or more, vim " + FEATURES + ", knn " + ScoreSettings.DEFAULTS.knnK()).build());
        o.addOption(Option.builder().longOpt("generate-only")
                .desc("only write the generated sets, the training split (" + TRAIN_COUNT + " images) included, under --out/data").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws ParseException {
        if (!line.getArgList().isEmpty()) throw new ParseException("unexpected arguments " + line.getArgList());
        Path out = line.hasOption("out") ? CliOptions.outputFolder(line, "out") : Path.of("qvit-demo");
        List<String> study = new ArrayList<>(List.of("--out", out.resolve("study").toString()));
        boolean own = line.hasOption("model") || line.hasOption("id") || line.hasOption("ood");
        if (own) {
            for (String needed : List.of("model", "id", "ood"))
                if (!line.hasOption(needed))
                    throw new QvitException("--" + needed + " is needed too: a study of your own takes --model, --id and --ood"
                            + " (leave all three out for the demo's embedded model and generated images)");
            if (line.hasOption("generate-only") || line.hasOption("count"))
                throw new QvitException("--generate-only and --count are for the generated demo sets; leave them out with --model");
            study.addAll(List.of("--models", CliOptions.modelSpec("model", line.getOptionValue("model"))));
        } else {
            for (String theirs : List.of("calib", "fit"))
                if (line.hasOption(theirs)) throw new QvitException("--" + theirs + " goes with --model, --id and --ood; the demo generates its own");
            // every option checked before the images are generated
            StudyCommand.Settings settings = StudyCommand.Settings.of(line);
            List<ScoreKind> scores = line.hasOption("scores") ? settings.scores() : List.of(ScoreKind.values());
            int count = CliOptions.intInRange(line, "count", DEFAULT_COUNT, 1, CliOptions.MAX_IMAGES);
            checkFitImages(count, settings.limit(), scores);
            int calib = Math.max(Calibrator.DEFAULT_IMAGES, CliOptions.intInRange(line, "calib-count", Calibrator.DEFAULT_IMAGES, 1, CliOptions.MAX_IMAGES));
            Path data = out.resolve("data");
            if (line.hasOption("generate-only")) {
                SyntheticSets.write(data, SyntheticSets.TRAIN, TRAIN_COUNT, SyntheticSets.DEFAULT_SEED);
                generate(data, count, calib);
                System.out.println("wrote the generated sets under " + data);
                return Main.OK;
            }
            generate(data, count, calib);
            study.addAll(List.of("--models", embeddedModel(out.resolve("model")).toString(),
                    "--calib", labels(data, SyntheticSets.CALIB), "--fit", labels(data, SyntheticSets.FIT),
                    "--id", labels(data, SyntheticSets.ID_TEST),
                    "--ood", "near-ood=" + data.resolve(SyntheticSets.NEAR_OOD.name()) + ",far-ood=" + data.resolve(SyntheticSets.FAR_OOD.name())));
            if (!line.hasOption("scores")) study.addAll(List.of("--scores", ScoreKind.validNames()));
        }
        for (Option given : line.getOptions())
            if (!DEMO_ONLY.contains(given.getLongOpt())) {
                study.add("--" + given.getLongOpt());
                if (given.hasArg()) study.add(given.getValue());
            }
        try {
            Files.createDirectories(out); // the study writes into out/study, and checks that its parent exists
        } catch (IOException e) {
            throw new QvitException("--out " + out + ": cannot create the folder: " + e.getMessage());
        }
        int exit = new StudyCommand().run(new DefaultParser().parse(new StudyCommand().options(), study.toArray(String[]::new)));
        printTables(out.resolve("study"));
        return exit;
    }

    /**
     * Refuses, before any image is generated, a --count (or --limit) that leaves fewer fit images than
     * a chosen score needs with the embedded model: MDS and RMDS a tied covariance of D features
     * around C class means (D + C), ViM a full-rank covariance (D), KNN its K neighbours.
     */
    static void checkFitImages(int count, int limit, List<ScoreKind> scores) {
        int fit = Math.min(count, limit);
        List<String> lacking = new ArrayList<>();
        int most = 0;
        for (ScoreKind s : scores) {
            int needed = switch (s) {
                case MDS, RMDS -> FEATURES + CLASSES;
                case VIM -> FEATURES;
                case KNN -> ScoreSettings.DEFAULTS.knnK();
                default -> 1;
            };
            if (fit < needed) {
                lacking.add(s.cliName() + " " + needed);
                most = Math.max(most, needed);
            }
        }
        if (lacking.isEmpty()) return;
        String option = limit < count ? "--limit " + limit : "--count " + count;
        throw new QvitException(option + " leaves " + fit + " fit images, and the demo model (" + FEATURES + " features, " + CLASSES
                + " classes) needs more for " + String.join(", ", lacking) + "; give --count " + most + " or more"
                + (limit < count ? " and no smaller --limit" : "") + ", or --scores without them (for example --scores msp,energy)");
    }

    private static void generate(Path data, int count, int calib) {
        System.err.println("demo: generating the synthetic image sets in " + data + " (reused when already there)");
        SyntheticSets.write(data, SyntheticSets.CALIB, calib, SyntheticSets.DEFAULT_SEED);
        for (SyntheticSets.Split split : List.of(SyntheticSets.FIT, SyntheticSets.ID_TEST, SyntheticSets.NEAR_OOD, SyntheticSets.FAR_OOD))
            SyntheticSets.write(data, split, count, SyntheticSets.DEFAULT_SEED);
    }

    private static String labels(Path data, SyntheticSets.Split split) {
        return data.resolve(split.name()).resolve(SyntheticSets.LABELS).toString();
    }

    /** Copies the embedded model (weights and config.json) out of the jar; returns the weights file. */
    static Path embeddedModel(Path dir) {
        for (String name : MODEL_FILES) {
            try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) throw new IllegalStateException("the jar lacks the demo model resource " + RESOURCES + name);
                byte[] bytes = in.readAllBytes();
                AtomicFile.write(dir.resolve(name), o -> o.write(bytes));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the demo model resource " + RESOURCES + name, e);
            }
        }
        return dir.resolve(MODEL_FILES.get(0));
    }

    /**
     * The report's accuracy and change-from-FP32 tables, with their headings, on stdout, and where
     * the report and figures are. The per-set OOD table (a row per precision, set and score) stays
     * in the report: it would scroll the summary away.
     */
    private static void printTables(Path studyDir) {
        Path report = studyDir.resolve(ReportWriter.NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new QvitException("cannot read the study's report " + report + ": " + e.getMessage());
        }
        StringBuilder shown = new StringBuilder();
        boolean skipping = false;
        for (String l : lines) {
            if (l.startsWith("## ")) {
                skipping = l.startsWith("## OOD detection") || l.startsWith("## Figures");
                if (!skipping) shown.append('\n').append(l).append("\n\n");
            } else if (!skipping && l.startsWith("|")) {
                shown.append(l).append('\n');
            } else if (!skipping && endsWithTableRow(shown)) { // a table ended
                shown.append('\n');
            }
        }
        System.out.print(shown);
        System.out.println("report (with AUROC, AUPR-In/Out and FPR@95 per OOD set and score): " + report.toAbsolutePath().normalize());
        System.out.println("figures: " + studyDir.resolve(StudyFigures.DIR).toAbsolutePath().normalize() + " (png and svg)");
    }

    private static boolean endsWithTableRow(StringBuilder s) {
        return s.length() > 2 && s.charAt(s.length() - 2) == '|' && s.charAt(s.length() - 1) == '\n';
    }
}
