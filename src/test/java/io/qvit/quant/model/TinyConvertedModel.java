package io.qvit.quant.model;

import io.qvit.backend.cpu.CpuBackend;
import io.qvit.model.ModelDefinition;
import io.qvit.model.ModelWeights;
import io.qvit.model.PretrainedCfg;
import io.qvit.model.VitConfig;
import io.qvit.quant.reparam.InputTransform;
import io.qvit.testsupport.TestRandom;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Converted files of tiny random ViTs (16x16 images, patches of 8, width 16, 2 blocks; ragged MLP
 * width 27, so fc2's packed rows are padded), for the reader's tests and fuzz: calibrated by the
 * converter's own code on random images, with every kind of input transform stored.
 */
public final class TinyConvertedModel {
    private TinyConvertedModel() {}

    /** Plain ViT at w4a4. */
    public static final VitConfig VIT = new VitConfig(16, 8, 3, 16, 2, 2, 27, true, false, false, false, 1e-6f, 5);
    /** Distilled, DeiT3-style LayerScale and position embedding, qkv without bias. */
    public static final VitConfig DEIT = new VitConfig(16, 8, 3, 16, 2, 4, 27, false, true, true, true, 1e-6f, 7);

    public static ModelDefinition definition(VitConfig c) {
        return new ModelDefinition("tiny_random", c, new PretrainedCfg("random", c.imgSize(), "bicubic", 0.9, "center",
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, c.numClasses()));
    }

    /** Writes a calibrated, packed tiny model to {@code file}; returns the model as written. */
    public static QuantizedModel write(Path file, VitConfig cfg, QuantConfig quant, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int count = 3;
        float[] images = TestRandom.uniform(rnd, count * cfg.inChans() * cfg.imgSize() * cfg.imgSize(), 2f);
        try (CpuBackend cpu = new CpuBackend(1)) {
            QuantizedModel m = QuantizedModel.pack(Calibrator.calibrate(cfg, ModelWeights.random(cfg, seed), quant, images, count, cpu));
            // every kind of transform, whatever the search chose: divisors and a rotation, a rotation alone, divisors alone
            Map<ActivationKey, InputTransform> transforms = new HashMap<>(m.transforms());
            float[] hidden = new float[cfg.mlpHidden()], width = new float[cfg.embedDim()];
            for (int c = 0; c < hidden.length; c++) hidden[c] = 0.5f + c % 7;
            for (int c = 0; c < width.length; c++) width[c] = 0.25f + c % 5;
            transforms.put(new ActivationKey(0, Site.FC2_INPUT), new InputTransform(hidden, true, hidden.length));
            transforms.put(new ActivationKey(1, Site.PROJ_INPUT), new InputTransform(null, true, width.length));
            transforms.put(ActivationKey.global(Site.HEAD_INPUT), new InputTransform(width, false, width.length));
            QuantizedModel out = new QuantizedModel(m.config(), m.quant(), m.floats(), m.packed(), m.activationParams(), transforms);
            QuantizedModelFile.write(file, definition(cfg), out, Map.of("source", "random weights, seed " + seed));
            return out;
        }
    }
}
