package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.files.OutputFolder;
import io.qvit.hub.HubModelSpec;
import io.qvit.model.ModelCatalog;
import io.qvit.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * Options shared by several commands, and the checks every option value goes through: each error
 * is a QvitException (exit code 2) that names the option, the bad value, and what is allowed.
 */
final class CliOptions {
    /** Upper bounds that catch typos (an extra digit) long before they exhaust memory. */
    static final int MAX_THREADS = 1024, MAX_BATCH = 4096, MAX_IMAGES = 1_000_000;

    private CliOptions() {}

    static Options device(Options o) {
        o.addOption(Option.builder().longOpt("device").hasArg().argName("auto|cpu|cuda|emu")
                .desc("where to run: auto (default: the GPU if JCuda finds one, else the CPU), cpu, cuda, or emu (the GPU kernels on the PTX emulator: checks, not speed)").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("CPU threads, 1 to " + MAX_THREADS + " (default: all cores)").build());
        return o;
    }

    static Options modelHints(Options o) {
        o.addOption(Option.builder().longOpt("arch").hasArg().argName("NAME[.TAG]")
                .desc("the timm architecture (and pretrained tag) of the weights, when the file name does not say").build());
        o.addOption(Option.builder().longOpt("config").hasArg().argName("config.json")
                .desc("a timm config.json describing the weights (architecture, num_classes, pretrained_cfg)").build());
        return o;
    }

    /** --arch (a known architecture and tag) and --config (an existing file), checked. */
    static ModelLoader.Hints hints(CommandLine line) {
        String arch = line.getOptionValue("arch");
        if (arch != null) named("arch", () -> ModelCatalog.lookup(arch));
        return new ModelLoader.Hints(arch, line.hasOption("config") ? existingFile(line, "config") : null);
    }

    /** The value of a model option: an existing checkpoint file or a well-formed {@code hf:} spec. */
    static String modelSpec(String option, String spec) {
        if (HubModelSpec.isHubSpec(spec)) {
            named(option, () -> HubModelSpec.parse(spec));
        } else if (!Files.isRegularFile(Path.of(spec))) {
            throw new QvitException("--" + option + " " + spec + ": " + (Files.exists(Path.of(spec)) ? "is a folder, not a file" : "no such file")
                    + "; give a .safetensors or .pth checkpoint, or hf:timm/NAME.TAG");
        }
        return spec;
    }

    /** --device and --threads, checked before any work; {@link #open} starts the backend. */
    record DeviceChoice(Device device, int threads) {
        /** The backend; prints a one-line notice where auto fell back to the CPU. */
        Backend open() {
            String notice = device.fallbackNotice();
            if (notice != null) System.err.println("qvit: " + notice);
            return device.open(threads);
        }
    }

    static DeviceChoice deviceChoice(CommandLine line) {
        String name = line.getOptionValue("device", "auto");
        Device device = named("device", () -> Device.parse(name));
        if (device == Device.CUDA) named("device", device::resolved); // no GPU: one line now, before any work
        return new DeviceChoice(device, intInRange(line, "threads", Runtime.getRuntime().availableProcessors(), 1, MAX_THREADS));
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} when the option is absent. */
    static int intInRange(CommandLine line, String option, int fallback, int min, int max) {
        String v = line.getOptionValue(option);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        String range = max == Integer.MAX_VALUE ? (min == 1 ? "a positive whole number" : "a whole number of at least " + min)
                : "a whole number from " + min + " to " + max;
        throw new QvitException("--" + option + " must be " + range + ", not '" + v + "'");
    }

    /** A whole number of any size (a seed). */
    static long wholeNumber(CommandLine line, String option) {
        String v = line.getOptionValue(option);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new QvitException("--" + option + " must be a whole number, not '" + v + "'");
        }
    }

    /** An existing file (not a folder). */
    static Path existingFile(CommandLine line, String option) {
        Path p = Path.of(line.getOptionValue(option));
        if (!Files.isRegularFile(p))
            throw new QvitException("--" + option + " " + p + ": " + (Files.isDirectory(p) ? "is a folder; give a file" : "no such file"));
        return p;
    }

    /** An existing file or folder (image lists and image folders). */
    static Path existingPath(String option, String value) {
        Path p = Path.of(value);
        if (!Files.exists(p)) throw new QvitException("--" + option + " " + value + ": no such file or folder");
        return p;
    }

    /** A file to write: not a folder, in an existing, writable folder. */
    static Path outputFile(CommandLine line, String option) {
        Path p = Path.of(line.getOptionValue(option));
        if (Files.isDirectory(p)) throw new QvitException("--" + option + " " + p + ": is a folder; give a file name");
        writableFolder(option, p, p.toAbsolutePath().getParent());
        return p;
    }

    /** A folder to write into: an existing writable folder, or a new one whose parent exists and is writable. */
    static Path outputFolder(CommandLine line, String option) {
        Path p = Path.of(line.getOptionValue(option));
        if (Files.exists(p) && !Files.isDirectory(p)) throw new QvitException("--" + option + " " + p + ": is a file; give a folder");
        writableFolder(option, p, Files.isDirectory(p) ? p : p.toAbsolutePath().getParent());
        return p;
    }

    private static void writableFolder(String option, Path value, Path folder) {
        if (folder != null) OutputFolder.requireWritable("--" + option + " " + value, folder);
    }

    /** {@code value} when it is one of {@code allowed}; else an error naming the option and the allowed values. */
    static String choice(String option, String value, List<String> allowed) {
        if (!allowed.contains(value))
            throw new QvitException("--" + option + ": unknown value '" + value + "'; use one of " + String.join(", ", allowed));
        return value;
    }

    /** Runs a library check, prefixing its message with the option it checked. */
    static <T> T named(String option, Supplier<T> check) {
        return QvitException.withContext("--" + option, check);
    }
}
