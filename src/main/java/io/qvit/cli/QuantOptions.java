package io.qvit.cli;

import io.qvit.QvitException;
import io.qvit.backend.Backend;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.inference.Classifier;
import io.qvit.model.LoadedModel;
import io.qvit.quant.model.CalibratedModel;
import io.qvit.quant.model.CalibrationImages;
import io.qvit.quant.model.Calibrator;
import io.qvit.quant.model.QuantizedVit;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantMethod;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Quantizing a model on the fly: the preset, bit overrides and calibration images of a command line. */
final class QuantOptions {
    private QuantOptions() {}

    static Options add(Options o) {
        o.addOption(Option.builder().longOpt("preset").hasArg().argName("P")
                .desc("quantize on the fly (fake-quant simulation): " + String.join(", ", QuantConfig.presetNames())).build());
        o.addOption(Option.builder().longOpt("wbits").hasArg().argName("B").desc("weight bits, 2-8 or 32 (float); overrides the preset").build());
        o.addOption(Option.builder().longOpt("abits").hasArg().argName("B")
                .desc("activation bits, 2-8 or 32; also attention and softmax bits unless given").build());
        o.addOption(Option.builder().longOpt("attn-bits").hasArg().argName("B").desc("bits of Q, K and V").build());
        o.addOption(Option.builder().longOpt("softmax-bits").hasArg().argName("B").desc("bits of the attention probabilities").build());
        o.addOption(Option.builder().longOpt("method").hasArg().argName("M")
                .desc("the PTQ method: " + QuantMethod.names() + " (default qvit; io.qvit.quant.model.QuantMethod says what each does)").build());
        o.addOption(Option.builder().longOpt("calib").hasArg().argName("LIST_OR_DIR").desc("calibration images (needed with --preset or bits)").build());
        return addCalibrationChoice(o);
    }

    /** --calib-count and --calib-seed: which of the --calib images to calibrate on. */
    static Options addCalibrationChoice(Options o) {
        o.addOption(Option.builder().longOpt("calib-count").hasArg().argName("N")
                .desc("calibration images to use, 1 to " + CliOptions.MAX_IMAGES + " (default " + Calibrator.DEFAULT_IMAGES + "): the first N, or a seeded draw").build());
        o.addOption(Option.builder().longOpt("calib-seed").hasArg().argName("S").desc("draw the calibration images at random with this seed").build());
        return o;
    }

    /** The configuration the options ask for, or null when they ask for no quantization. */
    static QuantConfig config(CommandLine line) {
        checkCalibration(line);
        boolean any = line.hasOption("preset") || line.hasOption("wbits") || line.hasOption("abits")
                || line.hasOption("attn-bits") || line.hasOption("softmax-bits");
        QuantMethod method = line.hasOption("method") ? CliOptions.named("method", () -> QuantMethod.parse(line.getOptionValue("method"))) : QuantMethod.QVIT;
        if (!any) {
            if (line.hasOption("calib")) throw new QvitException("--calib needs --preset (or --wbits/--abits) to say what to quantize");
            if (line.hasOption("method")) throw new QvitException("--method needs --preset (or --wbits/--abits) to say what to quantize");
            return null;
        }
        QuantConfig base = QuantConfig.preset("fp32");
        if (line.hasOption("preset")) {
            base = CliOptions.named("preset", () -> QuantConfig.preset(line.getOptionValue("preset")));
        }
        int a = bits(line, "abits", base.activationBits());
        boolean aGiven = line.hasOption("abits");
        return new QuantConfig(bits(line, "wbits", base.weightBits()), a,
                bits(line, "attn-bits", aGiven ? a : base.attentionBits()), bits(line, "softmax-bits", aGiven ? a : base.softmaxBits()), method);
    }

    /** A classifier running the model calibrated as the options say (fake-quant simulation). */
    static Classifier classifier(CommandLine line, QuantConfig quant, LoadedModel loaded, Backend backend) {
        return QuantizedVit.classifier(loaded.definition(), calibrate(line, quant, loaded, calibrationImages(line), backend), backend);
    }

    /** The model calibrated on {@code chosen}, the images {@link #calibrationImages} took from --calib. */
    static CalibratedModel calibrate(CommandLine line, QuantConfig quant, LoadedModel loaded, List<Sample> chosen, Backend backend) {
        System.err.printf("calibrating %s on %d images of %s%n", quant, chosen.size(), line.getOptionValue("calib"));
        return Calibrator.calibrate(loaded, quant, chosen, backend);
    }

    /** The images of --calib chosen by --calib-count and --calib-seed: the first N, or N drawn with the seed. */
    static List<Sample> calibrationImages(CommandLine line) {
        String calib = line.getOptionValue("calib");
        if (calib == null) throw new QvitException("quantizing needs --calib LIST_OR_DIR: the images to calibrate on");
        checkCalibration(line);
        return CalibrationImages.choose(CliOptions.named("calib", () -> Datasets.fromArguments(List.of(calib))), count(line),
                line.hasOption("calib-seed") ? CliOptions.wholeNumber(line, "calib-seed") : null);
    }

    /** --calib (an existing list or folder), --calib-count and --calib-seed, checked before any work. */
    static void checkCalibration(CommandLine line) {
        if (line.hasOption("calib")) CliOptions.existingPath("calib", line.getOptionValue("calib"));
        count(line);
        if (line.hasOption("calib-seed")) CliOptions.wholeNumber(line, "calib-seed");
    }

    private static int count(CommandLine line) {
        return CliOptions.intInRange(line, "calib-count", Calibrator.DEFAULT_IMAGES, 1, CliOptions.MAX_IMAGES);
    }

    private static int bits(CommandLine line, String option, int fallback) {
        String v = line.getOptionValue(option);
        if (v == null) return fallback;
        try {
            int b = Integer.parseInt(v.trim());
            if (QuantConfig.isFloat(b) || (b >= 2 && b <= 8)) return b;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new QvitException("--" + option + " must be 2 to 8, or 32 for float, not '" + v + "'");
    }
}
