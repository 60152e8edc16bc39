package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.VitConfig;
import io.qvit.ood.FitRequirements;
import io.qvit.ood.ScoreSettings;

/** What a study can check of one model's sets once the model is loaded, before any of its forward passes. */
final class StudyChecks {
    private StudyChecks() {}

    static void beforeForward(StudyPlan plan, LoadedModel loaded) {
        VitConfig c = loaded.definition().config();
        String name = loaded.definition().name();
        Datasets.requireLabelsBelow(plan.id().samples(), c.numClasses(), name, "--id");
        if (!plan.needsFit()) return;
        Datasets.requireLabelsBelow(plan.fit().samples(), c.numClasses(), name, "--fit");
        int[] labels = plan.fit().samples().stream().mapToInt(Sample::label).toArray();
        QvitException.withContext("--fit", () -> {
            FitRequirements.check(plan.scores(), ScoreSettings.DEFAULTS, labels, c.embedDim(), c.numClasses());
            return null;
        });
    }
}
