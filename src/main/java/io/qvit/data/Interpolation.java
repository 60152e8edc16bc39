package io.qvit.data;

import io.qvit.QvitException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Pillow's resampling filters under timm's names ({@code pretrained_cfg["interpolation"]}). The support
 * is the filter's radius at scale 1, as in Pillow's Resample.c.
 */
public enum Interpolation {
    NEAREST("nearest", 0.0),
    BOX("box", 0.5),
    BILINEAR("bilinear", 1.0),
    HAMMING("hamming", 1.0),
    BICUBIC("bicubic", 2.0),
    LANCZOS("lanczos", 3.0);

    private final String timmName;
    private final double support;

    Interpolation(String timmName, double support) {
        this.timmName = timmName;
        this.support = support;
    }

    public String timmName() {
        return timmName;
    }

    double support() {
        return support;
    }

    /** The filter for a timm interpolation name such as {@code "bicubic"} (case-insensitive). */
    public static Interpolation parse(String timmName) {
        for (Interpolation i : values())
            if (i.timmName.equals(timmName.toLowerCase(Locale.ROOT).strip())) return i;
        throw new QvitException("unknown interpolation '" + timmName + "'; use one of "
                + Arrays.stream(values()).map(Interpolation::timmName).collect(Collectors.joining(", ")));
    }
}
