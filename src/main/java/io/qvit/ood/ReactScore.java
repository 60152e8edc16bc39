package io.qvit.ood;

import io.qvit.QvitException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * ReAct + Energy (Sun et al. 2021) as OpenOOD's ReactPostprocessor computes it: features are clipped
 * from above at the given percentile of all ID fit feature values (numpy's default linear
 * interpolation), the logits recomputed as W·min(x, threshold) + b in double, and scored by
 * logsumexp (Energy with T = 1). The head is saved with the threshold, so a loaded score stands alone.
 */
final class ReactScore implements OodScore {
    private final double percentile;
    private final double threshold;
    private final ClassifierHead head;

    private ReactScore(double percentile, double threshold, ClassifierHead head) {
        this.percentile = percentile;
        this.threshold = threshold;
        this.head = head;
    }

    static ReactScore fit(FitData data, double percentile) {
        float[][] x = data.outputs().requireFeatures(ScoreKind.REACT);
        ClassifierHead head = data.requireHead(ScoreKind.REACT);
        int d = x[0].length;
        float[] all = new float[Math.multiplyExact(x.length, d)];
        for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, all, i * d, d);
        Arrays.sort(all);
        double position = percentile / 100 * (all.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, all.length - 1);
        double threshold = all[below] + (position - below) * ((double) all[above] - all[below]);
        return new ReactScore(percentile, threshold, head);
    }

    static ReactScore load(FittedScoreFile f) {
        return new ReactScore(f.setting("percentile"), f.setting("threshold"),
                new ClassifierHead(f.floatMatrix("head_weight"), f.floats("head_bias")));
    }

    double threshold() {
        return threshold;
    }

    @Override
    public ScoreKind kind() {
        return ScoreKind.REACT;
    }

    @Override
    public double[] score(ModelOutputs outputs) {
        float[][] x = outputs.requireFeatures(ScoreKind.REACT);
        if (x[0].length != head.inputDim()) {
            throw new QvitException("react was fitted with a head for " + head.inputDim() + "-dimensional features but got "
                    + x[0].length + "; score features of the model it was fitted on");
        }
        double[] s = new double[x.length];
        IntStream.range(0, x.length).parallel().forEach(i -> {
            double[] clipped = new double[x[i].length];
            for (int j = 0; j < clipped.length; j++) clipped[j] = Math.min(x[i][j], threshold);
            s[i] = LogitFormulas.logSumExp(head.logits(clipped));
        });
        return s;
    }

    @Override
    public void save(Path file) {
        new FittedScoreFile.Builder(ScoreKind.REACT).setting("percentile", percentile).setting("threshold", threshold)
                .matrix("head_weight", head.weight()).vector("head_bias", head.bias()).write(file);
    }
}
