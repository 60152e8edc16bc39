package io.qvit.api;

import io.qvit.QvitException;
import io.qvit.inference.TopK;
import io.qvit.ood.ModelOutputs;
import java.util.Arrays;

/**
 * What a session computed for n images: logits {@code [n][C]} and features {@code [n][D]} (the
 * class token after the final LayerNorm, the head's input; for a distilled DeiT the mean of its two
 * tokens), in input order. Immutable: the accessors return copies.
 */
public final class Outputs {
    private final int size, classes, dim;
    private final float[] logits, features;

    Outputs(int size, float[] logits, float[] features) {
        this.size = size;
        this.classes = logits.length / size;
        this.dim = features.length / size;
        this.logits = logits;
        this.features = features;
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    /** Classes per row of logits. */
    public int numClasses() {
        return classes;
    }

    /** Width of each row of features. */
    public int featureDim() {
        return dim;
    }

    /** The logits of image {@code i}. */
    public float[] logits(int i) {
        return Arrays.copyOfRange(logits, check(i) * classes, (i + 1) * classes);
    }

    /** The features (embedding) of image {@code i}. */
    public float[] features(int i) {
        return Arrays.copyOfRange(features, check(i) * dim, (i + 1) * dim);
    }

    /** All logits, one row per image. */
    public float[][] logits() {
        float[][] rows = new float[size][];
        for (int i = 0; i < size; i++) rows[i] = logits(i);
        return rows;
    }

    /** All features, one row per image. */
    public float[][] features() {
        float[][] rows = new float[size][];
        for (int i = 0; i < size; i++) rows[i] = features(i);
        return rows;
    }

    /** The {@code k} most probable classes of image {@code i} with their softmax probabilities. */
    public TopK topK(int i, int k) {
        return TopK.of(logits, check(i) * classes, classes, k);
    }

    ModelOutputs toModelOutputs() {
        return new ModelOutputs(logits(), features());
    }

    private int check(int i) {
        if (i < 0 || i >= size) throw new QvitException("image index " + i + " is outside [0, " + size + ")");
        return i;
    }
}
