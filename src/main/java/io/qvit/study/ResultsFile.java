package io.qvit.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.files.AtomicFile;
import io.qvit.metrics.IdResult;
import io.qvit.metrics.OodResult;
import io.qvit.ood.ScoreKind;
import io.qvit.quant.model.QuantMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.jsonl}: one JSON object per line, written atomically. Each names its {@code model},
 * {@code precision} (fp32 or a preset) and {@code method} (qvit, repq, minmax; null for fp32).
 * Per model and setting one ID
 * record ({@code dataset} "id", {@code score} null, {@code samples}, and {@code top1}, {@code top5},
 * {@code ece}, {@code aurc} as fractions, {@code nll} in nats, {@code brier} in [0, 2]; the metrics
 * are left out when the ID set is unlabelled), then per score and OOD set one OOD record
 * ({@code dataset} the OOD set's name, {@code score}, {@code id_samples}, {@code ood_samples}, and
 * {@code auroc}, {@code aupr_in}, {@code aupr_out}, {@code fpr95} as fractions).
 */
public final class ResultsFile {
    public static final String NAME = "results.jsonl";

    private ResultsFile() {}

    public static void write(Path file, List<CellResult> cells) {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        try {
            for (CellResult c : cells) {
                lines.add(json.writeValueAsString(idRecord(c)));
                for (Map.Entry<ScoreKind, Map<String, OodResult>> score : c.ood().entrySet())
                    for (Map.Entry<String, OodResult> set : score.getValue().entrySet())
                        lines.add(json.writeValueAsString(oodRecord(c, score.getKey(), set.getKey(), set.getValue())));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a result record did not serialise", e);
        }
        AtomicFile.write(file, o -> {
            for (String line : lines) o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        });
    }

    private static Map<String, Object> idRecord(CellResult c) {
        Map<String, Object> r = head(c, StudyDataset.ID, null);
        r.put("samples", c.idSamples());
        IdResult id = c.id();
        if (id != null) {
            r.put("top1", id.top1());
            r.put("top5", id.top5());
            r.put("ece", id.ece());
            r.put("nll", id.nll());
            r.put("brier", id.brier());
            r.put("aurc", id.aurc());
        }
        return r;
    }

    private static Map<String, Object> oodRecord(CellResult c, ScoreKind kind, String set, OodResult m) {
        Map<String, Object> r = head(c, set, kind.cliName());
        r.put("id_samples", c.idSamples());
        r.put("ood_samples", c.oodScores().get(kind).get(set).length);
        r.put("auroc", m.auroc());
        r.put("aupr_in", m.auprIn());
        r.put("aupr_out", m.auprOut());
        r.put("fpr95", m.fpr95());
        return r;
    }

    private static Map<String, Object> head(CellResult c, String dataset, String score) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", c.model());
        r.put("precision", StudySetting.precision(c.precision()));
        QuantMethod method = StudySetting.method(c.precision());
        r.put("method", method == null ? null : method.id());
        r.put("dataset", dataset);
        r.put("score", score);
        return r;
    }
}
