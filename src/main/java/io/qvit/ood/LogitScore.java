package io.qvit.ood;

import java.nio.file.Path;

/**
 * The scores computed from logits alone: MSP, MaxLogit, Energy, Entropy, GEN, and MSP of
 * temperature-scaled logits (with the temperature {@link TemperatureFit} found).
 */
final class LogitScore implements OodScore {
    private final ScoreKind kind;
    /** Energy's T, or temperature scaling's fitted T; 1 for the other kinds. */
    private final double temperature;
    private final double genGamma;
    private final int genTopM;

    LogitScore(ScoreKind kind, double temperature, double genGamma, int genTopM) {
        if (kind.needsFeatures()) throw new IllegalArgumentException(kind + " is not a logit score");
        this.kind = kind;
        this.temperature = temperature;
        this.genGamma = genGamma;
        this.genTopM = genTopM;
    }

    static LogitScore load(FittedScoreFile f) {
        return new LogitScore(f.kind(), f.setting("temperature"), f.setting("gen_gamma"), (int) f.setting("gen_top_m"));
    }

    double temperature() {
        return temperature;
    }

    @Override
    public ScoreKind kind() {
        return kind;
    }

    @Override
    public double[] score(ModelOutputs outputs) {
        float[][] logits = outputs.logits();
        double[] s = new double[logits.length];
        for (int i = 0; i < s.length; i++) s[i] = score(logits[i]);
        return s;
    }

    private double score(float[] z) {
        return switch (kind) {
            case MSP -> LogitFormulas.msp(z, 1);
            case MAXLOGIT -> LogitFormulas.max(z);
            case ENERGY -> LogitFormulas.energy(z, temperature);
            case ENTROPY -> LogitFormulas.negativeEntropy(z);
            case GEN -> LogitFormulas.gen(z, genGamma, genTopM);
            case TEMPSCALE -> LogitFormulas.msp(z, temperature);
            default -> throw new IllegalStateException(kind + " is not a logit score");
        };
    }

    @Override
    public void save(Path file) {
        new FittedScoreFile.Builder(kind).setting("temperature", temperature).setting("gen_gamma", genGamma)
                .setting("gen_top_m", genTopM).write(file);
    }
}
