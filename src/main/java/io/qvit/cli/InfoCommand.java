package io.qvit.cli;

import io.qvit.backend.Backend;
import io.qvit.files.ByteSize;
import io.qvit.hub.HubModelSpec;
import io.qvit.hub.TextProgressBar;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelCatalog;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelLoader;
import io.qvit.model.ModelWeights;
import io.qvit.model.PretrainedCfg;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.quant.model.QuantizedModelFile;
import io.qvit.quant.model.QuantizedVit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code qvit info MODEL}: architecture, parameter count, bytes, preprocessing; with {@code --device},
 * also the device memory the model holds once uploaded there (a converted model: its packed codes).
 */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "describe a model: architecture, parameters, bytes, preprocessing";
    }

    @Override
    public String usage() {
        return "[options] MODEL   (a .safetensors/.pth file, hf:timm/NAME.TAG, or a known NAME[.TAG])";
    }

    @Override
    public Options options() {
        return CliOptions.device(CliOptions.modelHints(new Options()));
    }

    @Override
    public int run(CommandLine line) throws Exception {
        if (line.getArgList().size() != 1) throw new org.apache.commons.cli.ParseException("give exactly one MODEL");
        String spec = line.getArgList().get(0);
        CliOptions.DeviceChoice checked = CliOptions.deviceChoice(line); // --device and --threads, before any work
        CliOptions.DeviceChoice device = line.hasOption("device") ? checked : null;
        ModelDefinition def;
        long params;
        String source;
        if (!HubModelSpec.isHubSpec(spec) && !Files.exists(Path.of(spec)) && line.getOptionValue("config") == null) {
            if (device != null) throw new org.apache.commons.cli.ParseException("--device needs weights: give a checkpoint or a converted file, not a bare name");
            def = ModelDefinition.of(ModelCatalog.lookup(spec));
            params = ModelWeights.parameterCount(def.config());
            source = "timm architecture table (timm " + ModelCatalog.timmVersion() + "); no weights loaded";
        } else if (QuantizedModelFile.isConverted(spec)) {
            QuantizedModelFile.Contents c = QuantizedModelFile.read(Path.of(spec));
            def = c.definition();
            params = ModelWeights.parameterCount(def.config());
            long onDisk = Files.size(Path.of(spec));
            source = spec + " (" + ByteSize.format(onDisk) + " on disk, converted by qvit)";
            print(def, params, source);
            row("quantized", c.model().quant() + "; " + ByteSize.format(c.model().parameterBytes()) + " of parameters against "
                    + ByteSize.format(params * 4) + " as FP32 (" + String.format("%.2fx smaller", 4.0 * params / c.model().parameterBytes()) + ")");
            row("method", c.model().quant().method().id() + (c.metadata().containsKey("qvit.method") ? "" : " (the file predates qvit.method)"));
            String calib = c.metadata().get("qvit.calibration");
            if (calib != null) row("calibrated", calib);
            if (device != null) resident(device, backend -> QuantizedVit.of(c.model(), backend));
            return Main.OK;
        } else {
            LoadedModel m = ModelLoader.load(spec, CliOptions.hints(line), TextProgressBar.onStderr());
            def = m.definition();
            params = m.weights().parameterCount();
            source = m.source() + " (" + ByteSize.format(Files.size(m.source())) + " on disk)";
            print(def, params, source);
            if (device != null) resident(device, backend -> new VisionTransformer(m.definition().config(), m.weights(), backend));
            return Main.OK;
        }
        print(def, params, source);
        return Main.OK;
    }

    /** Uploads the model to the device and reports the device memory that holds it. */
    private static void resident(CliOptions.DeviceChoice device, Function<Backend, VisionTransformer> upload) {
        try (Backend backend = device.open()) {
            long before = backend.deviceBytes().orElse(0);
            try (VisionTransformer ignored = upload.apply(backend)) {
                var after = backend.deviceBytes();
                row("device", backend.name() + ": " + (after.isPresent()
                        ? ByteSize.format(after.getAsLong() - before) + " of device memory hold the uploaded model"
                        : "parameters in host memory"));
            }
        }
    }

    private static void print(ModelDefinition def, long params, String source) {
        VitConfig c = def.config();
        PretrainedCfg p = def.pretrained();
        StringBuilder kind = new StringBuilder(c.distilled() ? "DeiT (distilled)" : "ViT");
        if (c.layerScale()) kind.append(", LayerScale");
        if (c.noEmbedClass()) kind.append(", position embedding without prefix tokens");
        row("model", def.name());
        row("source", source);
        row("structure", String.format("%s: depth %d, width %d, %d heads of %d, MLP %d, patch %d, %dx%d input,"
                        + " %d tokens (%d prefix), %d classes, LayerNorm eps %s", kind, c.depth(), c.embedDim(), c.numHeads(),
                c.headDim(), c.mlpHidden(), c.patchSize(), c.imgSize(), c.imgSize(), c.numTokens(), c.numPrefixTokens(),
                c.numClasses(), c.normEps()));
        row("parameters", String.format("%,d (%s as FP32)", params, ByteSize.format(params * 4)));
        row("compute", String.format("%.2f GMAC per image", c.macsPerImage() / 1e9));
        row("preprocess", p.preprocessing().toString());
    }

    private static void row(String key, String value) {
        System.out.printf("%-11s %s%n", key, value);
    }
}
