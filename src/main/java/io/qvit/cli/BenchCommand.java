package io.qvit.cli;

import io.qvit.backend.Backend;
import io.qvit.inference.Classifier;
import io.qvit.model.ModelCatalog;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code qvit bench}: forward-pass throughput with seeded random weights (speed does not depend on
 * the values). Reports the median of timed repeats after warm-up; several precisions are timed in
 * alternation, so that their ratios come from the same minutes of a shared machine.
 */
final class BenchCommand implements Command {
    /** Timed or warm-up forwards: more than this is a typo, not a measurement. */
    private static final int MAX_REPEATS = 1000;
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure forward throughput (images/s) of an architecture with random weights, FP32 and quantized";
    }

    @Override
    public String usage() {
        return "--arch NAME [--batch N] [--precisions fp32,w8a8,w4a4] [--device cpu] [options]";
    }

    @Override
    public Options options() {
        Options o = CliOptions.device(new Options());
        o.addOption(Option.builder().longOpt("arch").hasArg().argName("NAME").required()
                .desc("timm architecture, for example vit_tiny_patch16_224").build());
        o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("images per forward, 1 to " + CliOptions.MAX_BATCH + " (default 32)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N").desc("untimed forwards first, 0 to " + MAX_REPEATS + " (default 2)").build());
        o.addOption(Option.builder().longOpt("repeats").hasArg().argName("N").desc("timed forwards, 1 to " + MAX_REPEATS + " (default 5)").build());
        o.addOption(Option.builder().longOpt("precisions").hasArg().argName("P,...")
                .desc("fp32 (default) and presets to time side by side, e.g. fp32,w8a8,w4a4: presets run as integers on the CPU,"
                        + " after calibration and packing, which are timed too").build());
        o.addOption(Option.builder().longOpt("calib-count").hasArg().argName("N")
                .desc("random images to calibrate presets on, 1 to " + CliOptions.MAX_BATCH + " (default " + Calibrator.DEFAULT_IMAGES + ")").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws IOException {
        String arch = line.getOptionValue("arch");
        ModelDefinition definition = ModelDefinition.of(CliOptions.named("arch", () -> ModelCatalog.lookup(arch)));
        VitConfig cfg = definition.config();
        int batch = CliOptions.intInRange(line, "batch", 32, 1, CliOptions.MAX_BATCH);
        int warmup = CliOptions.intInRange(line, "warmup", 2, 0, MAX_REPEATS);
        int repeats = CliOptions.intInRange(line, "repeats", 5, 1, MAX_REPEATS);
        int calibImages = CliOptions.intInRange(line, "calib-count", Calibrator.DEFAULT_IMAGES, 1, CliOptions.MAX_BATCH);
        CliOptions.DeviceChoice device = CliOptions.deviceChoice(line);
        List<String> precisions = List.of(line.getOptionValue("precisions", "fp32").split(",", -1));
        for (String p : precisions) CliOptions.named("precisions", () -> QuantConfig.preset(p)); // an unknown name fails before any work
        float[] images = gaussian(batch, cfg, 1);
        ModelWeights weights = ModelWeights.random(cfg, 0);
        List<Runner> runners = new ArrayList<>();
        try (Backend backend = device.open()) {
            System.err.printf("bench: %s, batch %d, %s; %d warm-up + %d timed forwards each, precisions alternating%n",
                    arch, batch, backend.description(), warmup, repeats);
            try {
                for (String p : precisions) runners.add(runner(p, definition, weights, backend, calibImages));
                for (Runner r : runners)
                    for (int i = 0; i < warmup; i++) r.forward.forward(images, batch);
                double[][] seconds = new double[runners.size()][repeats];
                for (int i = 0; i < repeats; i++) {
                    for (int j = 0; j < runners.size(); j++) {
                        long t0 = System.nanoTime();
                        runners.get(j).forward.forward(images, batch);
                        seconds[j][i] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                double fp32 = 0;
                for (int j = 0; j < runners.size(); j++) {
                    double[] s = seconds[j];
                    Arrays.sort(s);
                    double median = s[repeats / 2], ips = batch / median;
                    if (j == 0) fp32 = ips;
                    System.out.printf("%-24s %-6s %-5s batch %4d  %8.1f images/s (%.2fx the first)  median %.3f s (min %.3f, max %.3f)  %.1f GMAC/s%s%n",
                            arch, backend.name(), runners.get(j).name, batch, ips, ips / fp32, median, s[0], s[repeats - 1],
                            cfg.macsPerImage() * ips / 1e9, runners.get(j).preparation);
                }
            } finally {
                for (Runner r : runners) r.close();
            }
        }
        return Main.OK;
    }

    /** A forward pass to time, what closes it, and how long preparing it took. */
    private record Runner(String name, Classifier.Forward forward, AutoCloseable owned, String preparation) {
        void close() {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the " + name + " model", e);
            }
        }
    }

    /**
     * fp32: the float model on the chosen backend. A preset: calibrated on random images, packed and
     * written as {@code qvit convert} does (to a temporary file, timed), run as integers on the CPU.
     */
    private static Runner runner(String precision, ModelDefinition definition, ModelWeights weights, Backend backend,
                                 int calibImages) throws IOException {
        VitConfig cfg = definition.config();
        QuantConfig quant = QuantConfig.preset(precision);
        if (!quant.quantizes()) {
            VisionTransformer m = new VisionTransformer(cfg, weights, backend);
            return new Runner(precision, m::forward, m, "");
        }
        long t0 = System.nanoTime();
        QuantizedModel packed = QuantizedModel.pack(Calibrator.calibrate(cfg, weights, quant, gaussian(calibImages, cfg, 2), calibImages, backend));
        long t1 = System.nanoTime();
        Path file = Files.createTempFile("qvit-bench-", ".safetensors");
        try {
            QuantizedModelFile.write(file, definition, packed, Map.of());
        } finally {
            Files.deleteIfExists(file);
        }
        long t2 = System.nanoTime();
        VisionTransformer m = QuantizedVit.of(packed, backend);
        return new Runner(precision, m::forward, m, String.format("; calibrate on %d images and pack %.1f s, write the file %.1f s",
                calibImages, (t1 - t0) / 1e9, (t2 - t1) / 1e9));
    }

    private static float[] gaussian(int count, VitConfig cfg, long seed) {
        float[] images = new float[count * cfg.inChans() * cfg.imgSize() * cfg.imgSize()];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < images.length; i++) images[i] = (float) rnd.nextGaussian();
        return images;
    }
}
