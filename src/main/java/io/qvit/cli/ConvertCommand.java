package io.qvit.cli;

import io.qvit.backend.Backend;
import io.qvit.backend.Device;
import io.qvit.QvitException;
import io.qvit.data.Sample;
import io.qvit.hub.TextProgressBar;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelLoader;
import io.qvit.quant.model.CalibratedModel;
import io.qvit.quant.model.QuantConfig;
import io.qvit.quant.model.QuantizedModel;
import io.qvit.quant.model.QuantizedModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code qvit convert}: calibrates a model, packs its weights and writes it as safetensors
 * ({@link QuantizedModelFile}), which {@code qvit predict} and {@code qvit info} read directly.
 */
final class ConvertCommand implements Command {
    @Override
    public String name() {
        return "convert";
    }

    @Override
    public String summary() {
        return "calibrate and pack a model into a quantized .safetensors file (integer execution, no recalibration)";
    }

    @Override
    public String usage() {
        return "--model MODEL --preset P --calib LIST_OR_DIR -o OUT.safetensors [options]";
    }

    @Override
    public Options options() {
        Options o = QuantOptions.add(CliOptions.modelHints(new Options()));
        o.addOption(Option.builder("m").longOpt("model").hasArg().argName("MODEL").required()
                .desc("a .safetensors or .pth checkpoint, or hf:timm/NAME.TAG").build());
        o.addOption(Option.builder("o").longOpt("out").hasArg().argName("OUT.safetensors").required()
                .desc("the quantized model to write (atomically)").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N").desc("CPU threads, 1 to " + CliOptions.MAX_THREADS + " (default: all cores)").build());
        return o;
    }

    @Override
    public int run(CommandLine line) {
        int threads = CliOptions.intInRange(line, "threads", Runtime.getRuntime().availableProcessors(), 1, CliOptions.MAX_THREADS);
        String spec = CliOptions.modelSpec("model", line.getOptionValue("model"));
        ModelLoader.Hints hints = CliOptions.hints(line);
        QuantConfig quant = QuantOptions.config(line);
        if (quant == null) throw new QvitException("say what to quantize: --preset P (" + String.join(", ", QuantConfig.presetNames()) + ") or --wbits/--abits");
        if (QuantConfig.isFloat(quant.weightBits()) || QuantConfig.isFloat(quant.activationBits()))
            throw new QvitException("convert writes integer models: weights and activations must both be quantized (got " + quant
                    + "); for float weights or activations use fake-quant, qvit predict --wbits/--abits");
        Path out = CliOptions.outputFile(line, "out");
        if (!out.getFileName().toString().endsWith(".safetensors"))
            throw new QvitException("--out " + out + ": name the file .safetensors, the format it is written in");
        long start = System.nanoTime();
        LoadedModel loaded = ModelLoader.load(spec, hints, TextProgressBar.onStderr());
        List<Sample> chosen = QuantOptions.calibrationImages(line);
        QuantizedModel packed;
        try (Backend backend = Device.CPU.open(threads)) {
            CalibratedModel calibrated = QuantOptions.calibrate(line, quant, loaded, chosen, backend);
            packed = QuantizedModel.pack(calibrated);
        }
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("source", loaded.source().getFileName().toString());
        notes.put("calibration", chosen.size() + " images of " + line.getOptionValue("calib")
                + (line.hasOption("calib-seed") ? ", drawn with seed " + line.getOptionValue("calib-seed") : ", the first ones"));
        QuantizedModelFile.write(out, loaded.definition(), packed, notes);
        long fp32 = 4 * loaded.weights().parameterCount();
        System.out.printf("convert: wrote %s: %s, %s on disk (FP32 parameters %s, %.2fx smaller) in %.1f s%n", out, quant,
                Format.bytes(sizeOf(out)), Format.bytes(fp32), (double) fp32 / packed.parameterBytes(), (System.nanoTime() - start) / 1e9);
        return Main.OK;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new QvitException("cannot read the size of " + file + ": " + e.getMessage());
        }
    }
}
