package io.qvit.study;

import io.qvit.data.Sample;
import io.qvit.files.AtomicFile;
import io.qvit.metrics.IdResult;
import io.qvit.metrics.OodResult;
import io.qvit.ood.ScoreKind;
import io.qvit.quant.model.QuantMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code report.md}: what was run, then tables of ID accuracy and calibration, OOD metrics per model,
 * precision, OOD set and score, and the changes from FP32 averaged over the OOD sets (AUPR-Out, the
 * headline, first). Metrics are shown in percent here only; {@code results.jsonl} holds fractions.
 */
public final class ReportWriter {
    public static final String NAME = "report.md";

    private ReportWriter() {}

    public static void write(Path file, StudyPlan plan, List<CellResult> cells, List<Delta> deltas, List<String> figures) {
        StringBuilder r = new StringBuilder("# qvit study\n\n");
        setup(r, plan);
        idTable(r, cells);
        oodTables(r, cells);
        deltaTables(r, cells, deltas);
        methodTable(r, cells, deltas);
        r.append("## Figures\n\nIn `").append(StudyFigures.DIR).append("/`, each as PNG and SVG:\n\n");
        for (String f : figures) r.append("- [").append(f).append("](").append(StudyFigures.DIR).append('/').append(f).append(".png)\n");
        AtomicFile.write(file, o -> o.write(r.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static void setup(StringBuilder r, StudyPlan plan) {
        r.append("- models: ").append(String.join(", ", plan.models())).append('\n');
        r.append("- precisions: ").append(String.join(", ", plan.precisions())).append('\n');
        r.append("- PTQ methods: ").append(String.join(", ", plan.methods().stream().map(QuantMethod::id).toList()))
                .append(" (a quantized precision under a method other than qvit is named METHOD-PRECISION)\n");
        r.append("- ID test set: ").append(plan.id().samples().size()).append(" images\n");
        for (StudyDataset d : plan.ood()) r.append("- OOD set `").append(d.name()).append("`: ").append(d.samples().size()).append(" images\n");
        r.append("- scores: ").append(String.join(", ", plan.scores().stream().map(ScoreKind::cliName).toList())).append('\n');
        if (!plan.calibration().isEmpty())
            r.append("- quantized precisions calibrated on ").append(plan.calibration().size()).append(" images")
                    .append(overlap(plan.calibration(), plan.id())).append('\n');
        if (plan.needsFit())
            r.append("- fitted scores fitted on ").append(plan.fit().samples().size()).append(" images")
                    .append(overlap(plan.fit().samples(), plan.id())).append('\n');
        r.append("\nMetrics in percent; FPR@95 is the fraction of ID images flagged at 95% of OOD caught (OpenOOD v1.5).\n\n");
    }

    /** " (none of them ID test images)" or a warning with the count. */
    private static String overlap(List<Sample> used, StudyDataset id) {
        Set<Path> test = new HashSet<>();
        for (Sample s : id.samples()) test.add(s.file().toAbsolutePath().normalize());
        long shared = used.stream().filter(s -> test.contains(s.file().toAbsolutePath().normalize())).count();
        return shared == 0 ? " (none of them ID test images)"
                : String.format(" (**%d of them are also ID test images**: the ID and OOD metrics include images seen in this step)", shared);
    }

    private static void idTable(StringBuilder r, List<CellResult> cells) {
        r.append("## In-distribution accuracy and calibration\n\n");
        if (cells.stream().allMatch(c -> c.id() == null)) {
            r.append("The ID set is unlabelled: no accuracy or calibration.\n\n");
            return;
        }
        r.append("| model | precision | images | top-1 % | top-5 % | ECE % | NLL | Brier | AURC % |\n");
        r.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (CellResult c : cells) {
            IdResult id = c.id();
            r.append(row(c.model(), c.precision(), Integer.toString(c.idSamples()), pct(id.top1()), pct(id.top5()), pct(id.ece()),
                    num(id.nll()), num(id.brier()), pct(id.aurc())));
        }
        r.append('\n');
    }

    private static void oodTables(StringBuilder r, List<CellResult> cells) {
        r.append("## OOD detection\n\n");
        for (String model : cells.stream().map(CellResult::model).distinct().toList()) {
            r.append("### ").append(model).append("\n\n");
            r.append("| precision | OOD set | score | AUROC % | AUPR-In % | AUPR-Out % | FPR@95 % |\n");
            r.append("| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
            for (CellResult c : cells) {
                if (!c.model().equals(model)) continue;
                for (Map.Entry<ScoreKind, Map<String, OodResult>> score : c.ood().entrySet())
                    for (Map.Entry<String, OodResult> set : score.getValue().entrySet()) {
                        OodResult m = set.getValue();
                        r.append(row(c.precision(), set.getKey(), score.getKey().cliName(), pct(m.auroc()), pct(m.auprIn()),
                                pct(m.auprOut()), pct(m.fpr95())));
                    }
            }
            r.append('\n');
        }
    }

    private static void deltaTables(StringBuilder r, List<CellResult> cells, List<Delta> deltas) {
        r.append("## Change from FP32\n\n");
        if (deltas.isEmpty()) {
            r.append("No change table: it needs fp32 and at least one other precision in --precisions.\n\n");
            return;
        }
        r.append("Low-bit minus FP32, in percentage points, each metric averaged over the OOD sets first; "
                + "\"AUPR-Out rel.\" is the AUPR-Out change relative to FP32's, in percent (the study's headline).\n\n");
        r.append("| model | precision | score | AUPR-Out | AUPR-Out rel. % | AUROC | AUPR-In | FPR@95 |\n");
        r.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Delta d : deltas)
            r.append(row(d.model(), d.precision(), d.score().cliName(), signed(d.auprOut()), signedPct(d.auprOutRelative()),
                    signed(d.auroc()), signed(d.auprIn()), signed(d.fpr95())));
        r.append('\n');
        if (cells.stream().anyMatch(c -> c.id() == null)) return;
        r.append("ID accuracy and calibration, low-bit minus FP32 (points; NLL in nats):\n\n");
        r.append("| model | precision | top-1 | ECE | NLL |\n| --- | --- | ---: | ---: | ---: |\n");
        for (CellResult base : cells) {
            if (!base.precision().equals(StudyPlan.FP32)) continue;
            for (CellResult c : cells)
                if (c.model().equals(base.model()) && !c.precision().equals(StudyPlan.FP32))
                    r.append(row(c.model(), c.precision(), signed(c.id().top1() - base.id().top1()), signed(c.id().ece() - base.id().ece()),
                            String.format(Locale.ROOT, "%+.3f", c.id().nll() - base.id().nll())));
        }
        r.append('\n');
    }

    /**
     * The OOD metrics' change from FP32 beside the top-1 change, per method and precision: how much of
     * the OOD loss is the method's. Only a study of several methods has it; with one, the change table says it all.
     */
    private static void methodTable(StringBuilder r, List<CellResult> cells, List<Delta> deltas) {
        if (deltas.isEmpty() || cells.stream().anyMatch(c -> c.id() == null)) return;
        if (deltas.stream().map(d -> StudySetting.method(d.precision())).distinct().count() < 2) return;
        r.append("## OOD change against top-1 change, by method\n\n");
        r.append("Low-bit minus FP32 of the same model, in percentage points (OOD metrics averaged over the OOD sets).\n\n");
        r.append("| model | method | precision | score | top-1 | AUPR-Out | AUROC | FPR@95 |\n");
        r.append("| --- | --- | --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Delta d : deltas) {
            double top1 = top1(cells, d.model(), d.precision()) - top1(cells, d.model(), StudyPlan.FP32);
            r.append(row(d.model(), StudySetting.method(d.precision()).id(), StudySetting.precision(d.precision()), d.score().cliName(),
                    signed(top1), signed(d.auprOut()), signed(d.auroc()), signed(d.fpr95())));
        }
        r.append('\n');
    }

    static double top1(List<CellResult> cells, String model, String setting) {
        for (CellResult c : cells) if (c.model().equals(model) && c.precision().equals(setting)) return c.id().top1();
        throw new IllegalStateException("no cell " + model + " " + setting);
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    private static String signed(double fraction) {
        return String.format(Locale.ROOT, "%+.2f", 100 * fraction);
    }

    private static String signedPct(double relative) {
        return Double.isNaN(relative) ? "n/a" : String.format(Locale.ROOT, "%+.1f", 100 * relative);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
