package io.qvit.cli;

import io.qvit.backend.Backend;
import io.qvit.model.ModelCatalog;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code qvit bench}: forward-pass throughput with seeded random weights (speed does not depend on
 * the values). Reports the median of timed repeats after warm-up.
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure forward throughput (images/s) of an architecture with random weights";
    }

    @Override
    public String usage() {
        return "--arch NAME [--batch N] [--device cpu] [options]";
    }

    @Override
    public Options options() {
        Options o = CliOptions.device(new Options());
        o.addOption(Option.builder().longOpt("arch").hasArg().argName("NAME").required()
                .desc("timm architecture, for example vit_tiny_patch16_224").build());
        o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("images per forward (default 32)").build());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N").desc("untimed forwards first (default 2)").build());
        o.addOption(Option.builder().longOpt("repeats").hasArg().argName("N").desc("timed forwards (default 5)").build());
        return o;
    }

    @Override
    public int run(CommandLine line) {
        VitConfig cfg = ModelCatalog.lookup(line.getOptionValue("arch")).config();
        int batch = CliOptions.positiveInt(line, "batch", 32);
        int warmup = CliOptions.positiveInt(line, "warmup", 2);
        int repeats = CliOptions.positiveInt(line, "repeats", 5);
        float[] images = new float[batch * cfg.inChans() * cfg.imgSize() * cfg.imgSize()];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < images.length; i++) images[i] = (float) rnd.nextGaussian();
        try (Backend backend = CliOptions.backend(line);
             VisionTransformer model = new VisionTransformer(cfg, ModelWeights.random(cfg, 0), backend)) {
            System.err.printf("bench: %s, batch %d, %s; %d warm-up + %d timed forwards%n",
                    line.getOptionValue("arch"), batch, backend.description(), warmup, repeats);
            for (int i = 0; i < warmup; i++) model.forward(images, batch);
            double[] seconds = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                model.forward(images, batch);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(seconds);
            double median = seconds[repeats / 2];
            double ips = batch / median;
            System.out.printf("%-24s %-6s batch %4d  %8.1f images/s  median %.3f s (min %.3f, max %.3f)  %.1f GFLOP/s%n",
                    line.getOptionValue("arch"), backend.name(), batch, ips, median, seconds[0], seconds[repeats - 1],
                    2.0 * cfg.macsPerImage() * ips / 1e9);
        }
        return Main.OK;
    }
}
