package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.Device;
import io.qvit.backend.KernelBench;
import io.qvit.backend.OpTimingBackend;
import io.qvit.bench.BenchEnvironment;
import io.qvit.bench.BenchRecord;
import io.qvit.bench.BenchReport;
import io.qvit.bench.ModelBench;
import io.qvit.bench.PeerResults;
import io.qvit.model.ModelCatalog;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelLoader;
import io.qvit.model.VitConfig;
import io.qvit.quant.model.QuantConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code qvit bench}: forward throughput and batch-1 latency of architectures with random weights per
 * preset and batch ({@link ModelBench}), and with {@code --kernels} the backend's kernels one by one at
 * ViT shapes ({@link KernelBench}); with {@code --out}, {@code bench.json}, {@code bench.md} and charts
 * ({@link BenchReport}). The summary is printed last, on stdout; progress goes to stderr.
 */
final class BenchCommand implements Command {
    /** Timed or warm-up forwards: more than this is a typo, not a measurement. */
    private static final int MAX_REPEATS = 1000;
    /** The embedded demo model's architecture, by this name in --models. */
    private static final String DEMO = "demo";
    private static final String MODEL_BATCHES = "32", KERNEL_BATCHES = "1,64,256";
    private static final String KERNEL_MODELS = "vit_small_patch16_224,vit_base_patch16_224";
    private static final int DEFAULT_CALIB = 8;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure images/s, latency and model bytes per preset and batch (random weights), and kernels at ViT shapes";
    }

    @Override
    public String usage() {
        return "[--device cuda|emu|cpu] [--models M1,M2] [--presets fp32,w8a8,w4a4] [--batches 1,64,256] [--out DIR] [--peer peer.json] [--kernels] [options]";
    }

    @Override
    public Options options() {
        Options o = CliOptions.device(new Options());
        o.addOption(Option.builder().longOpt("models").hasArg().argName("M1,M2")
                .desc("timm architectures (for example deit_small_patch16_224) or demo (the embedded demo model's), random weights"
                        + " (default vit_tiny_patch16_224; none with --kernels alone)").build());
        o.addOption(Option.builder().longOpt("presets").hasArg().argName("P,...")
                .desc("fp32 and quantization presets, timed side by side (default fp32); presets are calibrated on random images on the CPU,"
                        + " packed, and run as integers on --device").build());
        o.addOption(Option.builder().longOpt("batches").hasArg().argName("N,...")
                .desc("images per forward, each 1 to " + CliOptions.MAX_BATCH + " (default " + MODEL_BATCHES + "; with --kernels, the kernels' batches, default "
                        + KERNEL_BATCHES + "); latency percentiles come from batch 1").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N").desc("untimed forwards (launches) first, 0 to " + MAX_REPEATS + " (default 2)").build());
        o.addOption(Option.builder().longOpt("repeats").hasArg().argName("N").desc("timed forwards (launches), 1 to " + MAX_REPEATS + " (default 10)").build());
        o.addOption(Option.builder().longOpt("calib-count").hasArg().argName("N")
                .desc("random images to calibrate presets on, 1 to " + CliOptions.MAX_BATCH + " (default " + DEFAULT_CALIB + ": speed does not depend on it)").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("write bench.json, bench.md and the charts (PNG and SVG) here").build());
        o.addOption(Option.builder().longOpt("peer").hasArg().argName("peer.json")
                .desc("bench/pytorch_baseline.py's results: fills ratio_vs_pytorch_fp16_eager and ratio_vs_torch_compile").build());
        o.addOption(Option.builder().longOpt("kernels").desc("time the backend's kernels one by one (cuda or emu): after the forwards with --models, instead of them without").build());
        o.addOption(Option.builder().longOpt("kernel-models").hasArg().argName("M1,M2")
                .desc("architectures (or demo) whose layer shapes the kernels run at (default " + KERNEL_MODELS + ")").build());
        o.addOption(Option.builder().longOpt("shapes").hasArg().argName("full|small")
                .desc("full: rows = batch x tokens (default); small: " + KernelBench.SMALL_ROWS + " rows and one image's attention, for the emulator").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws IOException {
        boolean kernels = line.hasOption("kernels");
        if (!kernels && (line.hasOption("kernel-models") || line.hasOption("shapes")))
            throw new QvitException("--kernel-models and --shapes set up the kernel level; add --kernels");
        boolean models = line.hasOption("models") || !kernels;
        List<ModelDefinition> definitions = models ? definitions("models", line.getOptionValue("models", "vit_tiny_patch16_224")) : List.of();
        List<String> presets = list("presets", line.getOptionValue("presets", "fp32"));
        for (String p : presets) CliOptions.named("presets", () -> QuantConfig.preset(p));
        if (!models && line.hasOption("presets")) throw new QvitException("--presets goes with --models; the kernel level runs every precision");
        List<Integer> batches = batches(line.getOptionValue("batches", models ? MODEL_BATCHES : KERNEL_BATCHES));
        List<Integer> kernelBatches = line.hasOption("batches") ? batches : batches(KERNEL_BATCHES);
        int warmup = CliOptions.intInRange(line, "warmup", 2, 0, MAX_REPEATS);
        int repeats = CliOptions.intInRange(line, "repeats", 10, 1, MAX_REPEATS);
        int calib = CliOptions.intInRange(line, "calib-count", DEFAULT_CALIB, 1, CliOptions.MAX_BATCH);
        boolean small = CliOptions.choice("shapes", line.getOptionValue("shapes", "full"), List.of("full", "small")).equals("small");
        List<KernelBench.Arch> archs = kernels ? archs(line.getOptionValue("kernel-models", KERNEL_MODELS)) : List.of();
        PeerResults peer = line.hasOption("peer") ? PeerResults.read(CliOptions.existingFile(line, "peer")) : null;
        Path out = line.hasOption("out") ? CliOptions.outputFolder(line, "out") : null;
        CliOptions.DeviceChoice device = CliOptions.deviceChoice(line);

        try (OpTimingBackend backend = new OpTimingBackend(device.open())) {
            KernelBench kernelBench = kernels ? CliOptions.named("kernels", backend::kernelBench) : null;
            System.err.println("bench: " + backend.description());
            List<BenchRecord> records = List.of();
            if (models) {
                ModelBench bench = new ModelBench(backend, () -> Device.CPU.open(device.threads()), System.err::println);
                records = BenchReport.withPeer(bench.run(new ModelBench.Plan(definitions, presets, batches, warmup, repeats, calib)), peer);
            }
            List<KernelBench.Result> kernelResults = kernels
                    ? kernelBench.run(new KernelBench.Options(archs, kernelBatches, small, warmup, repeats), System.err::println) : List.of();
            List<String> method = new ArrayList<>();
            if (models)
                method.add(String.format("models: seeded random weights and gaussian images; %d warm-up and %d timed forwards per case, presets"
                        + " in alternation, median (latency p50/p99 by nearest rank at batch 1); a forward timed on the host clock, images in to"
                        + " logits out; op times the median of 3 more forwards marked op by op on the backend's clock; presets calibrated on %d"
                        + " random images on the CPU", warmup, repeats, calib));
            if (kernels)
                method.add(String.format("kernels: on a GPU %d warm-up and %d timed launches, median, CUDA events, inputs rotated among buffers"
                        + " of at least 128 MiB in all; on the emulator one launch each, counted; shapes %s", warmup, repeats, small ? "small (" + KernelBench.SMALL_ROWS + " rows, attention on 1 image)"
                        : "full (rows = batch x tokens)"));
            BenchReport report = new BenchReport(BenchEnvironment.of(backend.facts(), "forwards: host clock; ops and kernels: " + backend.clock().method()), String.join("; ", method), peer, records, kernelResults);
            if (out != null) for (Path f : report.write(out)) System.err.println("bench: wrote " + f);
            System.out.print(report.summary());
        }
        return Main.OK;
    }

    private static List<String> list(String option, String value) {
        List<String> items = List.of(value.split(",", -1));
        if (items.stream().anyMatch(String::isBlank)) throw new QvitException("--" + option + " '" + value + "': an empty item; give names separated by commas");
        if (new LinkedHashSet<>(items).size() != items.size()) throw new QvitException("--" + option + " '" + value + "' names an item twice");
        return items;
    }

    private static List<Integer> batches(String value) {
        List<Integer> out = new ArrayList<>();
        for (String item : list("batches", value)) {
            try {
                int n = Integer.parseInt(item.trim());
                if (n >= 1 && n <= CliOptions.MAX_BATCH) {
                    out.add(n);
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new QvitException("--batches: '" + item + "' must be a whole number from 1 to " + CliOptions.MAX_BATCH);
        }
        return out;
    }

    private static List<ModelDefinition> definitions(String option, String value) throws IOException {
        List<ModelDefinition> out = new ArrayList<>();
        for (String name : list(option, value))
            out.add(name.equals(DEMO) ? demo() : ModelDefinition.of(CliOptions.named(option, () -> ModelCatalog.lookup(name))));
        return out;
    }

    private static List<KernelBench.Arch> archs(String value) throws IOException {
        List<KernelBench.Arch> out = new ArrayList<>();
        for (ModelDefinition d : definitions("kernel-models", value)) {
            VitConfig c = d.config();
            String name = d.name().contains(".") ? d.name().substring(0, d.name().indexOf('.')) : d.name();
            out.add(new KernelBench.Arch(name, c.embedDim(), c.mlpHidden(), c.numHeads(), c.numTokens()));
        }
        return out;
    }

    /** The embedded demo model's definition, read from a copy of its files. */
    private static ModelDefinition demo() throws IOException {
        Path dir = Files.createTempDirectory("qvit-bench-demo");
        try {
            return ModelLoader.definition(DemoCommand.embeddedModel(dir).toString(), ModelLoader.Hints.NONE);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
