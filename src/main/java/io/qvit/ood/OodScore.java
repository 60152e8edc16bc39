package io.qvit.ood;

import java.nio.file.Path;

/**
 * A ready-to-use OOD score: built by {@link Scores#fit} (or {@link Scores#load}), it maps each
 * sample's model outputs to one number, higher meaning more in-distribution. Immutable and safe to
 * share between threads.
 */
public interface OodScore {
    ScoreKind kind();

    /** One score per sample (row of {@code outputs}). */
    double[] score(ModelOutputs outputs);

    /**
     * Writes this score's settings and fitted ID statistics to {@code file} (a safetensors file,
     * readable with Python's {@code safetensors.numpy.load_file}), atomically; {@link Scores#load}
     * reads it back into a score that gives the same results.
     */
    void save(Path file);
}
