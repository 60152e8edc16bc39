package io.qvit.study;

import io.qvit.metrics.IdMetrics;
import io.qvit.metrics.OodMetrics;
import io.qvit.metrics.OodResult;
import io.qvit.ood.ModelOutputs;
import io.qvit.ood.OodScore;
import io.qvit.ood.ScoreKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metric half of a study: from the cached outputs alone (no network), the ID metrics and every
 * score's OOD metrics of every cell. Cheap enough to redo on every run, which is how results follow
 * the current list of scores.
 */
public final class StudyEvaluator {
    private final StudyPlan plan;
    private final OutputStore store;

    public StudyEvaluator(StudyPlan plan) {
        this.plan = plan;
        store = new OutputStore(plan.out());
    }

    /** One result per model and precision, in plan order. */
    public List<CellResult> evaluate(List<StudyModel> models) {
        List<CellResult> cells = new ArrayList<>();
        for (StudyModel model : models)
            for (String precision : plan.settings()) cells.add(cell(model, precision));
        return cells;
    }

    private CellResult cell(StudyModel model, String precision) {
        String m = model.name();
        CellOutputs id = store.read(m, precision, plan.id());
        Map<String, ModelOutputs> ood = new LinkedHashMap<>();
        for (StudyDataset set : plan.ood()) ood.put(set.name(), store.read(m, precision, set).modelOutputs());
        ScoreFits fits = new ScoreFits(store.fitDir(m, precision), plan.needsFit() ? store.read(m, precision, plan.fit()) : null, model);
        Map<ScoreKind, double[]> idScores = new LinkedHashMap<>();
        Map<ScoreKind, Map<String, double[]>> oodScores = new LinkedHashMap<>();
        Map<ScoreKind, Map<String, OodResult>> metrics = new LinkedHashMap<>();
        for (ScoreKind kind : plan.scores()) {
            OodScore score = fits.get(kind);
            double[] idS = score.score(id.modelOutputs());
            idScores.put(kind, idS);
            Map<String, double[]> perSet = new LinkedHashMap<>();
            Map<String, OodResult> perSetMetrics = new LinkedHashMap<>();
            for (Map.Entry<String, ModelOutputs> e : ood.entrySet()) {
                double[] s = score.score(e.getValue());
                perSet.put(e.getKey(), s);
                perSetMetrics.put(e.getKey(), OodMetrics.compute(idS, s));
            }
            oodScores.put(kind, perSet);
            metrics.put(kind, perSetMetrics);
        }
        boolean labelled = id.labelled();
        return new CellResult(m, precision, id.files().size(), labelled ? IdMetrics.fromLogits(id.logits(), id.labels()) : null,
                labelled ? IdMetrics.reliability(id.logits(), id.labels()) : null, idScores, oodScores, metrics);
    }
}
