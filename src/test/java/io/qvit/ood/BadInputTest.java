package io.qvit.ood;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import org.junit.jupiter.api.Test;

class BadInputTest {
    private static final ScoreFixture F = new ScoreFixture();

    private static void fails(String expectedPart, org.junit.jupiter.api.function.Executable e) {
        QvitException ex = assertThrows(QvitException.class, e);
        assertTrue(ex.getMessage().contains(expectedPart), "message '" + ex.getMessage() + "' should mention '" + expectedPart + "'");
    }

    @Test
    void nonFiniteValuesAreNamed() {
        fails("logits row 1 element 2 is NaN", () -> ModelOutputs.logitsOnly(new float[][] {{0, 0, 0}, {0, 0, Float.NaN}}));
        fails("features row 0 element 1 is Infinity",
                () -> new ModelOutputs(new float[][] {{0}}, new float[][] {{0, Float.POSITIVE_INFINITY}}));
        fails("head bias element 0 is NaN", () -> new ClassifierHead(new float[][] {{1}}, new float[] {Float.NaN}));
    }

    @Test
    void mismatchedShapes() {
        fails("logits row 1 has 2 values, expected 3", () -> ModelOutputs.logitsOnly(new float[][] {{0, 0, 0}, {0, 0}}));
        fails("features has 1 rows but logits has 2", () -> new ModelOutputs(new float[2][3], new float[1][4]));
        fails("head weight has 3 columns but the features have 4",
                () -> new FitData(new ModelOutputs(new float[2][2], new float[2][4]), null, new ClassifierHead(new float[2][3], new float[2])));
        fails("fit label 1 is 5", () -> new FitData(ModelOutputs.logitsOnly(new float[2][3]), new int[] {0, 5}, null));
        OodScore mds = Scores.fit(ScoreKind.MDS, F.fit, ScoreSettings.DEFAULTS);
        fails("fitted on 48-dimensional features but got 3", () -> mds.score(new ModelOutputs(new float[1][10], new float[1][3])));
    }

    @Test
    void missingInputsAreNamed() {
        fails("mds needs features", () -> Scores.fit(ScoreKind.MDS, F.validation, ScoreSettings.DEFAULTS));
        fails("tempscale needs labels", () -> Scores.fit(ScoreKind.TEMPSCALE, new FitData(F.fit.outputs(), null, null), ScoreSettings.DEFAULTS));
        fails("vim needs the classifier head", () -> Scores.fit(ScoreKind.VIM, new FitData(F.fit.outputs(), null, null), ScoreSettings.DEFAULTS));
        fails("knn must be fitted", () -> Scores.fit(ScoreKind.KNN, null, ScoreSettings.DEFAULTS));
        fails("knn needs features", () -> Scores.load(savedKnn()).score(F.validation.outputs()));
    }

    private static java.nio.file.Path savedKnn() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("knn", ".safetensors");
            file.toFile().deleteOnExit();
            Scores.fit(ScoreKind.KNN, F.fit, ScoreSettings.DEFAULTS).save(file);
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void tooLittleFitData() {
        float[][] features = new float[5][4];
        for (int i = 0; i < 5; i++) features[i][i % 4] = 1 + i;
        FitData five = new FitData(new ModelOutputs(new float[5][2], features), new int[] {0, 1, 0, 1, 0}, null);
        fails("mds needs at least 6 ID fit samples", () -> Scores.fit(ScoreKind.MDS, five, ScoreSettings.DEFAULTS));
        fails("knn needs at least 50 ID fit samples", () -> Scores.fit(ScoreKind.KNN, five, ScoreSettings.DEFAULTS));
        int[] noClassTwo = new int[F.fit.labels().length]; // all class 0: classes 1..9 have no samples
        fails("class 1 has no ID fit samples", () -> Scores.fit(ScoreKind.RMDS, new FitData(F.fit.outputs(), noClassTwo, null), ScoreSettings.DEFAULTS));
        fails("vim principal dimension 48 must be in [1, 48)", () -> Scores.fit(ScoreKind.VIM, F.fit, ScoreSettings.DEFAULTS.withVimDim(48)));
    }

    @Test
    void badSettingsAndFiles() {
        fails("KNN K is 0.0", () -> ScoreSettings.DEFAULTS.withKnnK(0));
        fails("ReAct percentile is 0.0", () -> ScoreSettings.DEFAULTS.withReactPercentile(0));
        fails("is not a qvit score file", () -> Scores.load(ScoreFixture.FILE));
    }
}
