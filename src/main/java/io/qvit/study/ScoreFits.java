package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.ood.FitData;
import io.qvit.ood.OodScore;
import io.qvit.ood.ScoreKind;
import io.qvit.ood.ScoreSettings;
import io.qvit.ood.Scores;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The scores of one cell, ready to use: scores that need a fit are fitted once on the cell's fit-set
 * outputs and saved as {@code fit/<score>.safetensors}, then loaded from there on later runs (the
 * runner deletes them when it reruns the fit set). Scores that need no fit are built directly.
 */
final class ScoreFits {
    private final Path dir;
    private final CellOutputs fit;
    private final StudyModel model;

    /** {@code fit} may be null when no score of the study is fitted. */
    ScoreFits(Path dir, CellOutputs fit, StudyModel model) {
        this.dir = dir;
        this.fit = fit;
        this.model = model;
    }

    OodScore get(ScoreKind kind) {
        if (!kind.needsFit()) return Scores.fit(kind, null, ScoreSettings.DEFAULTS);
        Path file = dir.resolve(kind.cliName() + ".safetensors");
        if (Files.exists(file)) return Scores.load(file);
        if (kind.needsLabels() && !fit.labelled())
            throw new QvitException(kind.cliName() + " is fitted on labelled ID images, but the fit set has unlabelled ones;"
                    + " pass a labelled list or class folders as --fit");
        FitData data = new FitData(fit.modelOutputs(), kind.needsLabels() ? fit.labels() : null, kind.needsHead() ? model.head() : null);
        OodScore score;
        try {
            score = Scores.fit(kind, data, ScoreSettings.DEFAULTS);
        } catch (QvitException e) {
            throw new QvitException("fitting " + kind.cliName() + " for " + model.name() + ": " + e.getMessage() + " (--fit chooses the fit set)", e);
        }
        score.save(file);
        return score;
    }
}
