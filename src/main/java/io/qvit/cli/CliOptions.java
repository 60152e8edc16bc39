package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.ModelLoader;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Options shared by several commands, with their validation. */
final class CliOptions {
    private CliOptions() {}

    static Options device(Options o) {
        o.addOption(Option.builder().longOpt("device").hasArg().argName("auto|cpu")
                .desc("where to run (default auto: the best backend this build has, now the CPU)").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("CPU threads (default: all cores)").build());
        return o;
    }

    static Options modelHints(Options o) {
        o.addOption(Option.builder().longOpt("arch").hasArg().argName("NAME[.TAG]")
                .desc("the timm architecture (and pretrained tag) of the weights, when the file name does not say").build());
        o.addOption(Option.builder().longOpt("config").hasArg().argName("config.json")
                .desc("a timm config.json describing the weights (architecture, num_classes, pretrained_cfg)").build());
        return o;
    }

    static ModelLoader.Hints hints(CommandLine line) {
        String config = line.getOptionValue("config");
        return new ModelLoader.Hints(line.getOptionValue("arch"), config == null ? null : Path.of(config));
    }

    static Backend backend(CommandLine line) {
        String device = line.getOptionValue("device", "auto");
        int threads = positiveInt(line, "threads", Runtime.getRuntime().availableProcessors());
        switch (device) {
            case "cpu":
            case "auto":
                return new CpuBackend(threads);
            default:
                if (device.startsWith("cuda"))
                    throw new QvitException("--device " + device + ": this build has no CUDA backend yet; use --device cpu");
                throw new QvitException("--device must be auto or cpu, not '" + device + "'");
        }
    }

    static int positiveInt(CommandLine line, String option, int fallback) {
        String v = line.getOptionValue(option);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new QvitException("--" + option + " must be a positive whole number, not '" + v + "'");
    }
}
