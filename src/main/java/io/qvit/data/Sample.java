package io.qvit.data;

import java.nio.file.Path;

/** One image to classify and its class index, or {@link #UNLABELLED} (for example an OOD image). */
public record Sample(Path file, int label) {
    public static final int UNLABELLED = -1;

    public Sample {
        if (file == null) throw new IllegalArgumentException("file is null");
        if (label < UNLABELLED) throw new IllegalArgumentException("label must be a class index or UNLABELLED, got " + label);
    }

    public static Sample unlabelled(Path file) {
        return new Sample(file, UNLABELLED);
    }
}
