package io.qvit.model;

import io.qvit.QvitException;
import io.qvit.hub.DownloadProgress;
import io.qvit.hub.HubClient;
import io.qvit.hub.HubModelSpec;
import io.qvit.hub.ResolvedModel;
import io.qvit.model.weights.StateDict;
import io.qvit.model.weights.StateDicts;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a model spec into a {@link LoadedModel}. A spec is a checkpoint file ({@code .safetensors}
 * or PyTorch {@code .pth}) or {@code hf:timm/<name>.<tag>}. What the file holds is decided, in this
 * order, by: an explicit architecture ({@code --arch name[.tag]}), an explicit timm
 * {@code config.json}, a {@code config.json} beside the file, or a file named as timm names its
 * weights ({@code vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors}).
 */
public final class ModelLoader {
    /** What the user said beyond the spec; either may be null. */
    public record Hints(String architecture, Path config) {
        public static final Hints NONE = new Hints(null, null);
    }

    private ModelLoader() {}

    /** Loads without reporting download progress. */
    public static LoadedModel load(String spec, Hints hints) {
        return load(spec, hints, DownloadProgress.none());
    }

    public static LoadedModel load(String spec, Hints hints, DownloadProgress progress) {
        Checkpoint c = checkpoint(spec, hints, progress);
        return loadFile(c.file(), c.hints());
    }

    /**
     * What {@link #load} would load, without reading the weights (the checkpoint's header and the
     * config only): for checks that need the architecture before any work.
     */
    public static ModelDefinition definition(String spec, Hints hints) {
        Checkpoint c = checkpoint(spec, hints, DownloadProgress.none());
        try (StateDict dict = StateDicts.open(c.file())) {
            return definition(c.file(), dict, c.hints(), c.hints().architecture() != null ? null : configFile(c.file(), c.hints()));
        }
    }

    /** A checkpoint file and the hints to read it with (a Hub model's config.json among them). */
    private record Checkpoint(Path file, Hints hints) {}

    private static Checkpoint checkpoint(String spec, Hints hints, DownloadProgress progress) {
        if (HubModelSpec.isHubSpec(spec)) {
            ResolvedModel r = HubClient.fromEnvironment().resolve(HubModelSpec.parse(spec), progress);
            return new Checkpoint(r.weights(), hints.config() != null || hints.architecture() != null ? hints : new Hints(null, r.config()));
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            Path absolute = file.toAbsolutePath().normalize();
            // the path once; where it was relative, also where it was looked for
            String where = absolute.toString().equals(spec) ? "" : " (looked at " + absolute + ")";
            throw new QvitException("model '" + spec + "': " + (Files.exists(file) ? "is not a file" : "no such file" + where)
                    + "; give a .safetensors or .pth file, or hf:timm/<name>.<tag> (for example hf:timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k)");
        }
        return new Checkpoint(file, hints);
    }

    private static LoadedModel loadFile(Path file, Hints hints) {
        try (StateDict dict = StateDicts.open(file)) {
            Path config = hints.architecture() != null ? null : configFile(file, hints);
            ModelDefinition def = definition(file, dict, hints, config);
            // A mismatch may be the config's fault as much as the checkpoint's: name both.
            String described = config == null ? def.name() : def.name() + " (as described by " + config + ")";
            return new LoadedModel(def, ModelWeights.bind(def.config(), dict, described), file);
        }
    }

    /** --config, else a config.json beside the checkpoint, else null. */
    private static Path configFile(Path file, Hints hints) {
        if (hints.config() != null) return hints.config();
        Path beside = file.toAbsolutePath().resolveSibling("config.json");
        return Files.isRegularFile(beside) ? beside : null;
    }

    private static ModelDefinition definition(Path file, StateDict dict, Hints hints, Path config) {
        if (hints.architecture() != null) return ModelDefinition.of(ModelCatalog.lookup(hints.architecture()));
        if (config != null) return HfConfig.read(config).resolve(dict.tensors());
        String stem = file.getFileName().toString().replaceFirst("\\.(safetensors|pth|pt|bin)$", "");
        int dot = stem.indexOf('.');
        if (ModelCatalog.knows(dot < 0 ? stem : stem.substring(0, dot))) return ModelDefinition.of(ModelCatalog.lookup(stem));
        throw new QvitException("cannot tell which architecture " + file + " holds: name it as timm does"
                + " (vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors), pass --arch NAME[.TAG], or give"
                + " --config with a timm config.json");
    }
}
