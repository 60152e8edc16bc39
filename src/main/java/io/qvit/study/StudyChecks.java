package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import io.qvit.model.ModelDefinition;
import io.qvit.model.VitConfig;
import io.qvit.ood.FitRequirements;
import io.qvit.ood.ScoreSettings;

/** What a study can check of its sets from a model's definition alone, before any forward pass. */
final class StudyChecks {
    private StudyChecks() {}

    static void beforeForward(StudyPlan plan, ModelDefinition definition) {
        VitConfig c = definition.config();
        String name = definition.name();
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
