package io.qvit.check;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.files.RawFloats;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The device run's checks, without Maven or JUnit (the GPU machine has neither): one line per check,
 * and with {@code --log FILE} one JSON line each for the run's report (bench/device/run.sh). Exit code
 * 0 when nothing failed, 1 when a check failed, 2 for bad usage.
 * <ul>
 *   <li>{@code kernels}: {@link KernelChecks} on the device against the CPU and the PTX emulator;</li>
 *   <li>{@code parity}: ViT-Tiny's forward on real images (a folder laid out as ../shared/data)
 *       against the CPU: the golden tench logits, fp32 top-1 and logits, converted presets op by op;</li>
 *   <li>{@code timm}: folders of a timm model's {@code model.safetensors} (+ config.json) with
 *       {@code input.f32} and timm's {@code logits.f32} for it, matched to 1e-3 of the largest logit.</li>
 * </ul>
 */
public final class DeviceChecks {
    static final String WEIGHTS = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors";
    /** fp32 logits against the CPU's, relative to each image's largest logit (RealCudaForwardTest's bound). */
    static final double FP32_RELATIVE = 1e-4;
    /** Logits against timm's (PyTorch fp32 on the CPU), relative to the largest reference logit. */
    static final double TIMM_RELATIVE = 1e-3;
    /** The golden tench logits against PyTorch's, absolute. */
    static final double GOLDEN_ABSOLUTE = 1e-3;

    private DeviceChecks() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("device").hasArg().argName("cuda|emu").desc("the device checked (default cuda)").build());
        o.addOption(Option.builder().longOpt("log").hasArg().argName("FILE").desc("append one JSON line per check to FILE").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N").desc("CPU threads of the reference and the emulator (default: all cores)").build());
        o.addOption(Option.builder().longOpt("size").hasArg().argName("small|full").desc("kernels: the shapes (default full)").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("N").desc("kernels: the inputs' seed (default: drawn, and printed)").build());
        o.addOption(Option.builder().longOpt("no-emulator").desc("kernels: compare with the CPU only (under compute-sanitizer)").build());
        o.addOption(Option.builder().longOpt("data").hasArg().argName("DIR").desc("parity: a folder laid out as ../shared/data").build());
        o.addOption(Option.builder().longOpt("images").hasArg().argName("N").desc("parity: ImageNet images after the calibration ones (default 32)").build());
        o.addOption(Option.builder().longOpt("ood").hasArg().argName("N").desc("parity: texture images (default 8)").build());
        o.addOption(Option.builder().longOpt("calib").hasArg().argName("N").desc("parity: calibration images, the first of labels.csv (default 32)").build());
        o.addOption(Option.builder().longOpt("presets").hasArg().argName("P,...").desc("parity: converted presets (default w8a8,w4a4)").build());
        return o;
    }

    static int run(String[] args) {
        CommandLine line;
        String suite;
        try {
            line = new DefaultParser().parse(options(), args);
            if (line.getArgList().isEmpty()) throw new ParseException("name a suite: kernels, parity or timm");
            suite = line.getArgList().get(0);
        } catch (ParseException e) {
            return usage(e.getMessage());
        }
        try {
            Device device = Device.parse(line.getOptionValue("device", "cuda"));
            if (device != Device.CUDA && device != Device.EMU) throw new QvitException("--device " + line.getOptionValue("device") + ": use cuda or emu");
            int threads = positive(line, "threads", Runtime.getRuntime().availableProcessors());
            CheckLog log = new CheckLog(line.hasOption("log") ? Path.of(line.getOptionValue("log")) : null);
            List<String> rest = line.getArgList().subList(1, line.getArgList().size());
            switch (suite) {
                case "kernels" -> kernels(line, device, threads, log);
                case "parity" -> parity(line, device, threads, log);
                case "timm" -> timm(rest, device, threads, log);
                default -> throw new QvitException("unknown suite '" + suite + "': use kernels, parity or timm");
            }
            System.out.println(log.failed().isEmpty() ? "all checks passed" : log.failed().size() + " checks failed: " + log.failed());
            return log.failed().isEmpty() ? 0 : 1;
        } catch (QvitException e) {
            System.err.println("device checks: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(String message) {
        System.err.println("device checks: " + message);
        new HelpFormatter().printHelp("java -cp qvit-cli.jar io.qvit.check.DeviceChecks kernels|parity|timm [DIR...] [options]", options());
        return 2;
    }

    private static void kernels(CommandLine line, Device device, int threads, CheckLog log) {
        KernelChecks.Size size = switch (line.getOptionValue("size", "full")) {
            case "small" -> KernelChecks.Size.SMALL;
            case "full" -> KernelChecks.Size.FULL;
            default -> throw new QvitException("--size " + line.getOptionValue("size") + ": use small or full");
        };
        long seed = line.hasOption("seed") ? positive(line, "seed", 1) : System.nanoTime() & 0xffffffffL;
        System.out.println("kernel checks on " + device + ", " + size.name().toLowerCase(Locale.ROOT) + " shapes, seed " + seed
                + " (--seed " + seed + " repeats these inputs)");
        boolean withEmulator = device == Device.CUDA && !line.hasOption("no-emulator");
        String why = device == Device.EMU ? "no GPU: the device checked is the emulator itself" : "--no-emulator";
        try (Backend cpu = Device.CPU.open(threads); Backend target = device.open(threads);
             Backend emu = withEmulator ? Device.EMU.open(threads) : null) {
            KernelChecks.run(cpu, target, emu, why, size, seed, log);
        }
    }

    private static void parity(CommandLine line, Device device, int threads, CheckLog log) {
        if (!line.hasOption("data")) throw new QvitException("parity needs --data DIR (a folder laid out as ../shared/data)");
        Path data = Path.of(line.getOptionValue("data"));
        Path weights = existing(data.resolve(WEIGHTS), "--data"), labels = existing(data.resolve("imagenet-samples/labels.csv"), "--data");
        int calib = positive(line, "calib", Calibrator.DEFAULT_IMAGES), count = positive(line, "images", 32), ood = nonNegative(line, "ood", 8);
        LoadedModel model = ModelLoader.load(weights.toString(), ModelLoader.Hints.NONE);
        List<Sample> all = Datasets.fromArguments(List.of(labels.toString()));
        if (all.size() < calib + count)
            throw new QvitException(labels + " lists " + all.size() + " images; --calib " + calib + " and --images " + count + " need " + (calib + count));
        List<Sample> images = new ArrayList<>(all.subList(calib, calib + count));
        if (ood > 0) {
            List<Sample> textures = Datasets.fromArguments(List.of(existing(data.resolve("ood/textures"), "--data").toString()));
            images.addAll(textures.subList(0, Math.min(ood, textures.size())));
        }
        String what = count + " ImageNet" + (ood > 0 ? " + " + (images.size() - count) + " texture" : "") + " images";
        Path golden = data.resolve("golden");
        if (Files.isDirectory(golden))
            log.run("parity ViT-Tiny fp32: golden tench vs PyTorch", () -> {
                double err = ForwardParity.largestError(model, RawFloats.read(golden.resolve("golden_tench_input_1x3x224x224.f32")),
                        RawFloats.read(golden.resolve("golden_tench_logits_1x1000.f32")), device, threads);
                return new CheckLog.Outcome(err <= GOLDEN_ABSOLUTE, String.format(Locale.ROOT, "largest logit error %.3g (bound %.0e)", err, GOLDEN_ABSOLUTE));
            });
        else log.skip("parity ViT-Tiny fp32: golden tench vs PyTorch", golden + " is absent");
        log.run("parity ViT-Tiny fp32 vs CPU, " + what, () -> {
            ForwardParity.Agreement a = ForwardParity.fp32(model, images, Device.CPU, device, threads);
            return new CheckLog.Outcome(a.top1Differences() == 0 && a.largestRelative() <= FP32_RELATIVE,
                    a.summary() + String.format(Locale.ROOT, " (bound %.0e)", FP32_RELATIVE));
        });
        for (String preset : line.getOptionValue("presets", "w8a8,w4a4").split(",", -1)) {
            QuantConfig quant = QuantConfig.preset(preset);
            log.run("parity ViT-Tiny " + preset + " vs CPU, every op, " + what, () -> {
                QuantizedModel packed;
                try (Backend cpu = Device.CPU.open(threads)) {
                    packed = QuantizedModel.pack(Calibrator.calibrate(model, quant, all.subList(0, calib), cpu));
                }
                ForwardParity.Agreement a = ForwardParity.integer(model, packed, images, Device.CPU, device, threads);
                return new CheckLog.Outcome(a.departures().isEmpty(), "calibrated on " + calib + " images on the CPU; " + a.summary());
            });
        }
    }

    private static void timm(List<String> dirs, Device device, int threads, CheckLog log) {
        if (dirs.isEmpty()) throw new QvitException("timm needs one or more folders, each with model.safetensors, input.f32 and logits.f32");
        for (String d : dirs) {
            Path dir = Path.of(d);
            log.run("timm " + dir.getFileName() + " vs PyTorch", () -> {
                LoadedModel m = ModelLoader.load(existing(dir.resolve("model.safetensors"), dir.toString()).toString(), ModelLoader.Hints.NONE);
                float[] expected = RawFloats.read(existing(dir.resolve("logits.f32"), dir.toString()));
                double err = ForwardParity.largestError(m, RawFloats.read(existing(dir.resolve("input.f32"), dir.toString())), expected, device, threads);
                double max = 0;
                for (float v : expected) max = Math.max(max, Math.abs(v));
                double relative = err / max;
                return new CheckLog.Outcome(relative <= TIMM_RELATIVE, String.format(Locale.ROOT,
                        "%s: largest logit error %.3g of the largest logit %.3g (%.2g; bound %.0e)", m.definition().name(), err, max, relative, TIMM_RELATIVE));
            });
        }
    }

    private static Path existing(Path p, String option) {
        if (!Files.exists(p)) throw new QvitException(option + ": " + p + " does not exist");
        return p;
    }

    private static int positive(CommandLine line, String option, int fallback) {
        int v = nonNegative(line, option, fallback);
        if (v < 1) throw new QvitException("--" + option + " must be at least 1");
        return v;
    }

    private static int nonNegative(CommandLine line, String option, int fallback) {
        if (!line.hasOption(option)) return fallback;
        try {
            int v = Integer.parseInt(line.getOptionValue(option).trim());
            if (v < 0) throw new QvitException("--" + option + " must not be negative, got " + v);
            return v;
        } catch (NumberFormatException e) {
            throw new QvitException("--" + option + ": '" + line.getOptionValue(option) + "' is not a whole number");
        }
    }
}
