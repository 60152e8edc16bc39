package io.qvit.ood;

import java.nio.file.Path;

/**
 * Builds the OOD scores by kind. Logit scores other than temperature scaling need no data; the
 * others are fitted once on ID data ({@link FitData}), can be saved next to the results with
 * {@link OodScore#save} and read back with {@link #load}.
 *
 * <pre>{@code
 * OodScore score = Scores.fit(ScoreKind.parse("mds"), new FitData(idOutputs, idLabels, head), ScoreSettings.DEFAULTS);
 * score.save(dir.resolve("mds.safetensors"));
 * double[] s = Scores.load(dir.resolve("mds.safetensors")).score(new ModelOutputs(logits, features));
 * }</pre>
 */
public final class Scores {
    private Scores() {}

    /**
     * The score of this kind, fitted on {@code data} where the kind {@link ScoreKind#needsFit needs a fit}
     * ({@code data} may be null otherwise). Fails with a QvitException naming what is missing when
     * {@code data} lacks the features, labels or head the kind needs, or has too few samples.
     */
    public static OodScore fit(ScoreKind kind, FitData data, ScoreSettings settings) {
        if (kind.needsFit() && data == null) {
            throw new io.qvit.QvitException(kind.cliName() + " must be fitted on ID data; pass FitData");
        }
        return switch (kind) {
            case MSP, MAXLOGIT, ENTROPY -> new LogitScore(kind, 1, settings.genGamma(), settings.genTopM());
            case ENERGY -> new LogitScore(kind, settings.energyTemperature(), settings.genGamma(), settings.genTopM());
            case GEN -> new LogitScore(kind, 1, settings.genGamma(), settings.genTopM());
            case TEMPSCALE -> new LogitScore(kind, TemperatureFit.fit(data.outputs().logits(), data.requireLabels(kind)),
                    settings.genGamma(), settings.genTopM());
            case MDS, RMDS -> MahalanobisScore.fit(kind, data);
            case KNN -> KnnScore.fit(data, settings.knnK());
            case VIM -> VimScore.fit(data, settings.vimDim());
            case REACT -> ReactScore.fit(data, settings.reactPercentile());
        };
    }

    /** A score saved by {@link OodScore#save}; its kind is read from the file. */
    public static OodScore load(Path file) {
        FittedScoreFile f = FittedScoreFile.read(file);
        return switch (f.kind()) {
            case MSP, MAXLOGIT, ENERGY, ENTROPY, GEN, TEMPSCALE -> LogitScore.load(f);
            case MDS, RMDS -> MahalanobisScore.load(f);
            case KNN -> KnnScore.load(f);
            case VIM -> VimScore.load(f);
            case REACT -> ReactScore.load(f);
        };
    }
}
