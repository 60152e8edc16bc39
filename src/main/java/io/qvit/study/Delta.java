package io.qvit.study;

import io.qvit.metrics.OodResult;
import io.qvit.ood.ScoreKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The change of a score's OOD metrics from FP32 to a lower precision of the same model, each metric
 * averaged over the OOD sets first (low-bit minus FP32, as fractions; negative AUROC/AUPR changes
 * and positive FPR@95 changes are losses). {@code auprOutRelative} is the AUPR-Out change divided by
 * the FP32 AUPR-Out (both averaged over the sets): the study's headline number.
 */
public record Delta(String model, String precision, ScoreKind score, double auroc, double auprIn, double auprOut, double fpr95,
                    double auprOutRelative) {

    /** Every non-FP32 cell's deltas against the same model's FP32 cell; empty when no cell is FP32. */
    public static List<Delta> of(List<CellResult> cells) {
        List<Delta> deltas = new ArrayList<>();
        for (CellResult base : cells) {
            if (!base.precision().equals(StudyPlan.FP32)) continue;
            for (CellResult low : cells) {
                if (!low.model().equals(base.model()) || low.precision().equals(StudyPlan.FP32)) continue;
                for (ScoreKind kind : base.ood().keySet()) {
                    double[] b = mean(base.ood().get(kind)), l = mean(low.ood().get(kind));
                    deltas.add(new Delta(low.model(), low.precision(), kind, l[0] - b[0], l[1] - b[1], l[2] - b[2], l[3] - b[3],
                            b[2] > 0 ? (l[2] - b[2]) / b[2] : Double.NaN));
                }
            }
        }
        return deltas;
    }

    /** AUROC, AUPR-In, AUPR-Out, FPR@95 averaged over the OOD sets. */
    private static double[] mean(Map<String, OodResult> perSet) {
        double[] m = new double[4];
        for (OodResult r : perSet.values()) {
            m[0] += r.auroc();
            m[1] += r.auprIn();
            m[2] += r.auprOut();
            m[3] += r.fpr95();
        }
        for (int i = 0; i < m.length; i++) m[i] /= perSet.size();
        return m;
    }
}
