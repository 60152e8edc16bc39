package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.ood.ScoreKind;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantMethod;
import io.qvit.study.Study;
import io.qvit.study.StudyDataset;
import io.qvit.study.StudyPlan;
import io.qvit.study.StudyProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code qvit study}: every model at every precision on an ID set and OOD sets, scored with every
 * OOD score; writes results.jsonl, report.md, figures and the cached network outputs under --out.
 * Run again, it reuses the cached outputs (resuming a killed run, or adding scores).
 */
final class StudyCommand implements Command {
    @Override
    public String name() {
        return "study";
    }

    @Override
    public String summary() {
        return "accuracy, calibration and OOD detection of models across precisions: results.jsonl, report.md, figures";
    }

    @Override
    public String usage() {
        return "--models M1,M2 --id LIST_OR_DIR --ood NAME=DIR,... --calib LIST_OR_DIR --out DIR [options]";
    }

    @Override
    public Options options() {
        Options o = QuantOptions.addCalibrationChoice(CliOptions.device(new Options()));
        o.addOption(Option.builder().longOpt("models").hasArg().argName("M1,M2").required()
                .desc("comma-separated models: .safetensors or .pth checkpoints, or hf:timm/NAME.TAG").build());
        o.addOption(Option.builder().longOpt("precisions").hasArg().argName("P1,P2")
                .desc("fp32 and quantization presets (" + String.join(", ", QuantConfig.presetNames()) + "); default fp32,w8a8,w4a4").build());
        o.addOption(Option.builder().longOpt("methods").hasArg().argName("M1,M2")
                .desc("PTQ methods each quantized precision runs under (" + QuantMethod.names() + "); default qvit").build());
        o.addOption(Option.builder().longOpt("calib").hasArg().argName("LIST_OR_DIR")
                .desc("calibration images of the quantized precisions (the first --calib-count of them, default 32)").build());
        o.addOption(Option.builder().longOpt("id").hasArg().argName("LIST_OR_DIR").required()
                .desc("in-distribution test images; labelled (a CSV list or class folders) for accuracy and calibration").build());
        o.addOption(Option.builder().longOpt("ood").hasArg().argName("NAME=DIR,...").required()
                .desc("out-of-distribution sets, each a name (letters, digits, . _ -) and a folder or list").build());
        o.addOption(Option.builder().longOpt("fit").hasArg().argName("LIST_OR_DIR")
                .desc("labelled ID images that mds, rmds, knn, vim, react and tempscale are fitted on (default: the calibration"
                        + " images); the report says if they overlap the ID test set").build());
        o.addOption(Option.builder().longOpt("scores").hasArg().argName("S1,S2")
                .desc("OOD scores: " + ScoreKind.validNames() + " (default msp,energy)").build());
        o.addOption(Option.builder("o").longOpt("out").hasArg().argName("DIR").required()
                .desc("output folder; its cached network outputs are reused when the study runs again").build());
        o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("images per forward, 1 to " + CliOptions.MAX_BATCH + " (default 32)").build());
        o.addOption(Option.builder().longOpt("limit").hasArg().argName("N")
                .desc("use only the first N images of each set (ID, fit, each OOD set), for a quick trial").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws ParseException {
        if (!line.getArgList().isEmpty()) throw new ParseException("unexpected arguments " + line.getArgList() + "; sets go in --id and --ood");
        Settings settings = Settings.of(line);
        int limit = settings.limit();
        List<String> precisions = settings.precisions();
        Path out = CliOptions.outputFolder(line, "out");
        requireOutsideImageFolders(line, out);
        List<String> models = list(line.getOptionValue("models"), "--models");
        for (String m : models) CliOptions.modelSpec("models", m);
        boolean quantized = precisions.stream().anyMatch(p -> !p.equals(StudyPlan.FP32));
        boolean fitted = settings.scores().stream().anyMatch(ScoreKind::needsFit);
        if (line.hasOption("fit")) CliOptions.existingPath("fit", line.getOptionValue("fit")); // checked even where no score uses it
        if (line.getOptionValue("calib") == null && (quantized || fitted && !line.hasOption("fit")))
            throw new QvitException("--calib LIST_OR_DIR is needed: the images to calibrate on" + (quantized ? "" : " (and the default fit set)"));
        List<Sample> calibration = line.hasOption("calib") ? QuantOptions.calibrationImages(line) : List.of();
        StudyDataset id = new StudyDataset(StudyDataset.ID, images(line.getOptionValue("id"), limit, "--id"));
        StudyDataset fit = new StudyDataset(StudyDataset.FIT,
                !fitted ? List.of() : line.hasOption("fit") ? images(line.getOptionValue("fit"), limit, "--fit") : calibration);
        StudyPlan plan = new StudyPlan(models, precisions, settings.methods(), calibration, id, fit, oodSets(line.getOptionValue("ood"), limit),
                settings.scores(), out, settings.batch());
        try (Backend backend = settings.device().open()) {
            Study.run(plan, backend, new Progress());
        }
        return Main.OK;
    }

    /**
     * The values of the options that name no files (--limit, --batch, --device, --threads, --scores,
     * --calib-count, --calib-seed, --precisions, --methods), checked; {@code qvit demo} checks them this way
     * before it generates its images. (--calib, when given, must exist.)
     */
    record Settings(int limit, int batch, CliOptions.DeviceChoice device, List<ScoreKind> scores, List<String> precisions, List<QuantMethod> methods) {
        static Settings of(CommandLine line) {
            int limit = CliOptions.intInRange(line, "limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
            int batch = CliOptions.intInRange(line, "batch", 32, 1, CliOptions.MAX_BATCH);
            CliOptions.DeviceChoice device = CliOptions.deviceChoice(line);
            List<ScoreKind> scores = CliOptions.named("scores", () -> ScoreKind.parseList(line.getOptionValue("scores", "msp,energy")));
            QuantOptions.checkCalibration(line);
            List<QuantMethod> methods = new ArrayList<>();
            for (String m : list(line.getOptionValue("methods", "qvit"), "--methods")) methods.add(CliOptions.named("methods", () -> QuantMethod.parse(m)));
            return new Settings(limit, batch, device, scores, StudyCommand.precisions(line.getOptionValue("precisions", "fp32,w8a8,w4a4")), methods);
        }
    }

    /** An --out inside an image folder would have its figures (PNGs) read as images by the next run. */
    private static void requireOutsideImageFolders(CommandLine line, Path out) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String option : List.of("id", "fit", "calib")) if (line.hasOption(option)) inputs.put("--" + option, line.getOptionValue(option));
        for (String item : line.getOptionValue("ood").split(",", -1)) {
            int eq = item.indexOf('=');
            if (eq > 0) inputs.put("--ood " + item.substring(0, eq), item.substring(eq + 1));
        }
        Path target = out.toAbsolutePath().normalize();
        inputs.forEach((option, value) -> {
            Path folder = Path.of(value.trim()).toAbsolutePath().normalize();
            if (Files.isDirectory(folder) && target.startsWith(folder))
                throw new QvitException("--out " + out + " is inside the image folder of " + option + " (" + value + "), whose images the next"
                        + " run would count with the study's own figures; choose an --out outside it");
        });
    }

    private static List<String> precisions(String value) {
        List<String> names = list(value, "--precisions");
        List<String> known = new ArrayList<>();
        QuantConfig.presetNames().forEach(known::add);
        for (String p : names) CliOptions.choice("precisions", p, known);
        return names;
    }

    private static List<StudyDataset> oodSets(String value, int limit) {
        List<StudyDataset> sets = new ArrayList<>();
        for (String item : list(value, "--ood")) {
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1)
                throw new QvitException("--ood: '" + item + "' must be NAME=DIR (for example textures=../data/ood/textures)");
            String name = item.substring(0, eq);
            sets.add(new StudyDataset(name, images(item.substring(eq + 1), limit, "--ood " + name)));
        }
        return sets;
    }

    private static List<Sample> images(String arg, int limit, String option) {
        CliOptions.existingPath(option.substring(2), arg);
        List<Sample> all = QvitException.withContext(option, () -> Datasets.fromArguments(List.of(arg)));
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** A comma-separated list without empty items. */
    private static List<String> list(String value, String option) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            if (item.isBlank()) throw new QvitException(option + ": empty item in '" + value + "'");
            items.add(item.trim());
        }
        return items;
    }

    /** Study progress on stderr: a {@link BatchProgress} line per network pass, notes as lines. */
    private static final class Progress implements StudyProgress {
        private BatchProgress bar;

        @Override
        public void start(String what, int images) {
            bar = new BatchProgress(what, images);
        }

        @Override
        public void advance(int images) {
            bar.advance(images);
        }

        @Override
        public void done() {
            bar.done();
        }

        @Override
        public void note(String message) {
            System.err.println(message);
        }
    }
}
