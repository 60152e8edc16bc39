package io.qvit.api;

import io.qvit.QvitException;
import io.qvit.ood.FitData;
import io.qvit.ood.OodScore;
import io.qvit.ood.ScoreKind;
import io.qvit.ood.ScoreSettings;
import io.qvit.ood.Scores;
import java.nio.file.Path;

/**
 * An out-of-distribution score over a session's {@link Outputs}: one number per image, higher
 * meaning more in-distribution. Logit scores (msp, maxlogit, energy, entropy, gen) need no data;
 * the others (tempscale, mds, rmds, knn, vim, react) are fitted once on in-distribution outputs,
 * with labels where the score needs them ({@link ScoreKind#needsLabels}). Scores that need the
 * classifier head (vim, react) use the model's float head, so they cannot be fitted with a converted
 * model. Immutable and thread-safe.
 */
public final class OodDetector {
    private final OodScore score;

    private OodDetector(OodScore score) {
        this.score = score;
    }

    /** A score that needs no fit ({@link ScoreKind#needsFit} false), with OpenOOD's default settings. */
    public static OodDetector of(ScoreKind kind) {
        if (kind.needsFit())
            throw new QvitException(kind.cliName() + " must be fitted on in-distribution outputs; use OodDetector.fit");
        return new OodDetector(Scores.fit(kind, null, ScoreSettings.DEFAULTS));
    }

    /** {@link #fit(ScoreKind, Model, Outputs, int[], ScoreSettings)} with OpenOOD's default settings. */
    public static OodDetector fit(ScoreKind kind, Model model, Outputs inDistribution, int[] labels) {
        return fit(kind, model, inDistribution, labels, ScoreSettings.DEFAULTS);
    }

    /**
     * A score fitted on {@code model}'s outputs for in-distribution images.
     *
     * @param labels one class index per image where the kind needs labels (mds, rmds, tempscale), else null
     * @param settings the scores' hyperparameters, for example {@code ScoreSettings.DEFAULTS.withKnnK(10)}
     */
    public static OodDetector fit(ScoreKind kind, Model model, Outputs inDistribution, int[] labels, ScoreSettings settings) {
        if (kind.needsHead() && model.head() == null)
            throw new QvitException(kind.cliName() + " needs the float classifier head, which converted model " + model.name()
                    + " stores as integer codes; fit it with a float32 or quantize()d model, or choose another score");
        return new OodDetector(Scores.fit(kind, new FitData(inDistribution.toModelOutputs(), labels, model.head()), settings));
    }

    /** A detector saved by {@link #save}. */
    public static OodDetector load(Path file) {
        return new OodDetector(Scores.load(file));
    }

    /** Which score this is. */
    public ScoreKind kind() {
        return score.kind();
    }

    /** One score per image of {@code outputs}, higher meaning more in-distribution. */
    public double[] score(Outputs outputs) {
        return score.score(outputs.toModelOutputs());
    }

    /** Writes the score's settings and fitted statistics to a safetensors file, atomically. */
    public void save(Path file) {
        score.save(file);
    }
}
