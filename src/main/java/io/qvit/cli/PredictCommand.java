package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.data.Datasets;
import io.qvit.data.ImageBatches;
import io.qvit.data.ImageNetClasses;
import io.qvit.data.Sample;
import io.qvit.files.AtomicFile;
import io.qvit.hub.TextProgressBar;
import io.qvit.inference.Classifier;
import io.qvit.inference.TopK;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelLoader;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModelFile;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code qvit predict}: top-5 classes of images with the model's own preprocessing; with labels
 * (class folders or a labelled CSV), top-1 and top-5 accuracy. Exit code 1 when any image could not
 * be read (each is named).
 */
final class PredictCommand implements Command {
    private static final int TOP = 5;

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify images (files, folders, or a labelled CSV list) and report accuracy when labelled";
    }

    @Override
    public String usage() {
        return "--model MODEL [--out FILE.csv] [options] IMAGES_OR_DIRS_OR_LIST...";
    }

    @Override
    public Options options() {
        Options o = QuantOptions.add(CliOptions.modelHints(CliOptions.device(new Options())));
        o.addOption(Option.builder("m").longOpt("model").hasArg().argName("MODEL").required()
                .desc("a .safetensors or .pth checkpoint, or hf:timm/NAME.TAG").build());
        o.addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.csv")
                .desc("also write one CSV row per image: file, path, label, top1, prob, top1_name, top5, top5_prob").build());
        o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("images per forward, 1 to " + CliOptions.MAX_BATCH + " (default 32)").build());
        o.addOption(Option.builder("q").longOpt("quiet").desc("no per-image lines; only the summary").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws ParseException {
        if (line.getArgList().isEmpty())
            throw new ParseException("give the images: files, folders, or a labelled CSV list");
        int batch = CliOptions.intInRange(line, "batch", 32, 1, CliOptions.MAX_BATCH);
        Path out = line.hasOption("out") ? CliOptions.outputFile(line, "out") : null;
        CliOptions.DeviceChoice device = CliOptions.deviceChoice(line);
        QuantConfig quant = QuantOptions.config(line);
        String spec = CliOptions.modelSpec("model", line.getOptionValue("model"));
        ModelLoader.Hints hints = CliOptions.hints(line);
        QuantizedModelFile.Contents converted = null;
        LoadedModel loaded = null;
        if (QuantizedModelFile.isConverted(spec)) {
            if (quant != null) throw new QvitException(spec + " is already quantized (by qvit convert); drop --preset and the bit options");
            converted = QuantizedModelFile.read(Path.of(spec));
        } else {
            loaded = ModelLoader.load(spec, hints, TextProgressBar.onStderr());
        }
        ModelDefinition definition = converted != null ? converted.definition() : loaded.definition();
        List<Sample> samples = Datasets.fromArguments(line.getArgList());
        int classes = definition.config().numClasses();
        boolean imagenet = classes == ImageNetClasses.size();
        PrintStream terminal = System.out;
        boolean quiet = line.hasOption("quiet");
        List<String> rows = new ArrayList<>();
        int[] counts = new int[3]; // labelled, top-1 hits, top-5 hits
        List<ImageBatches.Failure> failures;
        try (Backend backend = device.open();
             Classifier classifier = converted != null
                     ? QuantizedVit.classifier(definition, converted.model(), backend)
                     : quant == null ? new Classifier(loaded, backend) : QuantOptions.classifier(line, quant, loaded, backend)) {
            System.err.printf("predict: %s%s on %s, %d images, batch %d%n", definition.name(),
                    converted != null ? " (" + converted.model().quant() + ", integer)" : quant != null ? " (" + quant + ", fake-quant)" : "",
                    backend.description(),
                    samples.size(), batch);
            BatchProgress progress = new BatchProgress("predict", samples.size());
            failures = classifier.run(samples, batch, Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                    (b, output) -> {
                        for (int i = 0; i < b.samples().size(); i++) {
                            Sample s = b.samples().get(i);
                            TopK top = TopK.of(output.logits(), i * classes, classes, Math.min(TOP, classes));
                            if (s.label() != Sample.UNLABELLED) {
                                counts[0]++;
                                if (top.top1() == s.label()) counts[1]++;
                                if (top.contains(s.label())) counts[2]++;
                            }
                            if (!quiet) terminal.println(describe(s, top, imagenet));
                            if (out != null) rows.add(csvRow(s, top, imagenet));
                        }
                        progress.advance(b.samples().size());
                    });
            progress.done();
        }
        if (out != null) {
            AtomicFile.write(out, o -> {
                o.write("file,path,label,top1,prob,top1_name,top5,top5_prob\n".getBytes(StandardCharsets.UTF_8));
                for (String r : rows) o.write(r.getBytes(StandardCharsets.UTF_8));
            });
        }
        int predicted = samples.size() - failures.size();
        StringBuilder summary = new StringBuilder(String.format("%d images classified", predicted));
        if (counts[0] > 0)
            summary.append(String.format("; top-1 %.2f%%, top-5 %.2f%% on %d labelled", 100.0 * counts[1] / counts[0],
                    100.0 * counts[2] / counts[0], counts[0]));
        if (out != null) summary.append("; wrote ").append(out);
        terminal.println(summary);
        for (ImageBatches.Failure f : failures) System.err.println("predict: cannot read " + f.file() + ": " + f.reason());
        if (!failures.isEmpty()) {
            System.err.printf("predict: %d of %d images could not be read (listed above)%n", failures.size(), samples.size());
            return Main.FAILED;
        }
        return Main.OK;
    }

    private static String className(int index, boolean imagenet) {
        return imagenet ? ImageNetClasses.name(index) : "class " + index;
    }

    private static String describe(Sample s, TopK top, boolean imagenet) {
        StringBuilder b = new StringBuilder(s.file().getFileName().toString());
        if (s.label() != Sample.UNLABELLED) b.append(" [label ").append(s.label()).append(']');
        for (int r = 0; r < top.classes().length; r++)
            b.append(String.format("%s %d %s %.1f%%", r == 0 ? ": " : " | ", top.classes()[r],
                    className(top.classes()[r], imagenet), 100.0 * top.probs()[r]));
        return b.toString();
    }

    private static String csvRow(Sample s, TopK top, boolean imagenet) {
        StringBuilder classes = new StringBuilder(), probs = new StringBuilder();
        for (int r = 0; r < top.classes().length; r++) {
            if (r > 0) {
                classes.append(' ');
                probs.append(' ');
            }
            classes.append(top.classes()[r]);
            probs.append(String.format("%.6g", top.probs()[r]));
        }
        return String.join(",", quote(s.file().getFileName().toString()), quote(s.file().toString()),
                s.label() == Sample.UNLABELLED ? "" : Integer.toString(s.label()), Integer.toString(top.top1()),
                String.format("%.6g", top.probs()[0]), quote(className(top.top1(), imagenet)), classes, probs) + "\n";
    }

    /** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
    private static String quote(String field) {
        if (field.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) return field;
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
