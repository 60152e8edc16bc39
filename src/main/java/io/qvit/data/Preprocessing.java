package io.qvit.data;

import io.qvit.QvitException;
import java.util.Arrays;
import java.util.Objects;

/**
 * timm's eval preprocessing for one set of weights: resize so the image covers
 * {@code floor(size / cropPct)}, centre-crop {@code height x width}, scale to [0,1], normalise per
 * channel with {@code mean} and {@code std} (RGB order).
 */
public record Preprocessing(int height, int width, double cropPct, Interpolation interpolation, float[] mean, float[] std) {
    // Shared arrays: pass them, never write to them (the record keeps its own copies).
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Inception-style normalisation to [-1, 1], used by the AugReg ViTs. */
    public static final float[] INCEPTION_MEAN = {0.5f, 0.5f, 0.5f};
    public static final float[] INCEPTION_STD = {0.5f, 0.5f, 0.5f};

    public Preprocessing {
        if (height <= 0 || width <= 0) throw new QvitException("input_size must be positive, got " + height + "x" + width);
        if (!(cropPct > 0 && cropPct <= 1))
            throw new QvitException("crop_pct must be in (0, 1], got " + cropPct + "; fix crop_pct in the model's config");
        if (interpolation == null) throw new QvitException("interpolation is missing; set it in the model's config");
        if (mean == null || mean.length != 3 || std == null || std.length != 3)
            throw new QvitException("mean and std need 3 values (RGB), got " + Arrays.toString(mean) + " and " + Arrays.toString(std));
        for (float s : std)
            if (!(s > 0)) throw new QvitException("std values must be positive, got " + Arrays.toString(std));
        mean = mean.clone();
        std = std.clone();
    }

    /** The shorter side after the resize, for a square input size: timm's {@code math.floor(img_size / crop_pct)}. */
    public int scaleSize() {
        if (height != width) throw new IllegalStateException("a non-square input size has two scale sizes; use scaleHeight/scaleWidth");
        return scaleHeight();
    }

    public int scaleHeight() {
        return (int) Math.floor(height / cropPct);
    }

    public int scaleWidth() {
        return (int) Math.floor(width / cropPct);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Value equality, arrays included (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && height == p.height && width == p.width && cropPct == p.cropPct
                && interpolation == p.interpolation && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, cropPct, interpolation, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        String resize = height == width ? "shorter side " + scaleSize() : "keep ratio to " + scaleHeight() + "x" + scaleWidth();
        return String.format("resize %s (%s, crop_pct %s), centre crop %dx%d, mean %s, std %s", resize,
                interpolation.timmName(), cropPct, height, width, Arrays.toString(mean), Arrays.toString(std));
    }
}
