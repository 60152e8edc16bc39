package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.data.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which images of a calibration set a model is calibrated on: the first {@code count}, or
 * {@code count} drawn with a seed. One definition, so that {@code qvit predict}, {@code convert},
 * {@code study} and the API choose the same images from the same set.
 */
public final class CalibrationImages {
    private CalibrationImages() {}

    /**
     * @param seed null for the first {@code count} images, else the seed of a shuffle before taking them
     */
    public static List<Sample> choose(List<Sample> all, int count, Long seed) {
        if (count < 1) throw new QvitException("the calibration image count must be at least 1, got " + count);
        if (all.isEmpty()) throw new QvitException("no calibration images");
        List<Sample> samples = new ArrayList<>(all);
        if (seed != null) Collections.shuffle(samples, new Random(seed));
        return List.copyOf(samples.subList(0, Math.min(count, samples.size())));
    }
}
