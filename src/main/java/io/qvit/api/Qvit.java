package io.qvit.api;

import io.qvit.model.ModelLoader;
import io.qvit.quant.model.QuantizedModelFile;
import java.nio.file.Path;

/**
 * The entry point of the API: loads models. A model spec is a {@code .safetensors} or {@code .pth}
 * checkpoint, {@code hf:timm/NAME.TAG} (downloaded once into {@code ~/.cache/qvit}), or a file
 * written by {@code qvit convert} or {@link Model#convert} (run as integers, no recalibration).
 * Thread-safe: it holds no state.
 */
public final class Qvit {
    private Qvit() {}

    /**
     * Loads a model; its architecture comes from a {@code config.json} beside the file, or from a
     * file name as timm names its weights ({@code vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors}).
     */
    public static Model load(String spec) {
        return load(spec, null);
    }

    /**
     * Loads a model whose architecture is given as timm names it ({@code NAME[.TAG]}, for example
     * {@code deit_small_patch16_224.fb_in1k}); null means as {@link #load(String)} decides.
     */
    public static Model load(String spec, String architecture) {
        if (QuantizedModelFile.isConverted(spec)) return Model.converted(QuantizedModelFile.read(Path.of(spec)));
        return Model.float32(ModelLoader.load(spec, new ModelLoader.Hints(architecture, null)));
    }
}
