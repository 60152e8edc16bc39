package io.qvit.model;

import io.qvit.QvitException;
import io.qvit.data.Interpolation;
import io.qvit.data.Preprocessing;

/**
 * The part of timm's {@code pretrained_cfg} that qvit uses: which weights (tag) and how their
 * images must be preprocessed.
 */
public record PretrainedCfg(String tag, int inputSize, String interpolation, double cropPct, String cropMode,
                            float[] mean, float[] std, int numClasses) {

    /** The eval transform these weights were evaluated with (timm's eval transform). */
    public Preprocessing preprocessing() {
        if (!"center".equals(cropMode))
            throw new QvitException("crop_mode '" + cropMode + "' of pretrained tag '" + tag
                    + "' is not supported; only timm's default 'center' crop is implemented");
        return new Preprocessing(inputSize, inputSize, cropPct, Interpolation.parse(interpolation), mean, std);
    }

    @Override
    public String toString() {
        return String.format("tag %s: %dx%d, resize %s, crop_pct %s, mean %s, std %s, %d classes", tag, inputSize,
                inputSize, interpolation, cropPct, java.util.Arrays.toString(mean), java.util.Arrays.toString(std),
                numClasses);
    }
}
