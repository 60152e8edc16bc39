package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.metrics.OodCurves;
import io.qvit.metrics.OodMetrics;
import io.qvit.metrics.ReliabilityBin;
import io.qvit.ood.ScoreKind;
import io.qvit.plots.ChartFiles;
import io.qvit.plots.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The study's figures in {@code OUT/figures/}, each as PNG and SVG: ID-against-OOD score histograms
 * per model, score and precision ({@code hist_*}); ROC and PR curves (OOD positive) per model, score
 * and OOD set with one curve per precision ({@code roc_*}, {@code pr_*}); reliability diagrams per
 * model with one series per precision ({@code reliability_*}); and the FP32-to-low-bit AUPR-Out
 * change per score, bars per model and precision ({@code delta_aupr_out_*}); and per score the AUPR-Out
 * change against the top-1 change, one series per PTQ method ({@code method_aupr_out_vs_top1_*}, with labelled ID images).
 */
public final class StudyFigures {
    public static final String DIR = "figures";

    private StudyFigures() {}

    /**
     * Writes every figure and deletes the figures of an earlier run that this one has not (a score or
     * model dropped since), so the folder describes the report beside it; returns the names (without
     * extension), in the order written.
     */
    public static List<String> write(Path out, List<CellResult> cells, List<Delta> deltas) {
        Path dir = out.resolve(DIR);
        List<String> names = new ArrayList<>();
        for (CellResult c : cells)
            for (ScoreKind kind : c.idScores().keySet()) {
                Map<String, double[]> samples = new LinkedHashMap<>();
                samples.put("ID", c.idScores().get(kind));
                samples.putAll(c.oodScores().get(kind));
                save(names, dir, "hist_" + c.model() + "_" + kind.cliName() + "_" + c.precision(), Charts.histograms(
                        c.model() + " " + c.precision() + ": " + kind.cliName() + " scores", kind.cliName() + " (higher = more ID)", samples));
            }
        for (String model : models(cells)) {
            List<CellResult> mine = cells.stream().filter(c -> c.model().equals(model)).toList();
            CellResult first = mine.get(0);
            for (ScoreKind kind : first.idScores().keySet())
                for (String set : first.oodScores().get(kind).keySet()) {
                    Map<String, double[][]> roc = new LinkedHashMap<>(), pr = new LinkedHashMap<>();
                    for (CellResult c : mine) {
                        OodCurves curves = OodMetrics.curves(c.idScores().get(kind), c.oodScores().get(kind).get(set));
                        roc.put(c.precision(), new double[][] {curves.fpr(), curves.tpr()});
                        pr.put(c.precision(), new double[][] {curves.recall(), curves.precision()});
                    }
                    String what = model + ", " + kind.cliName() + ", ID vs " + set;
                    save(names, dir, "roc_" + model + "_" + kind.cliName() + "_" + set,
                            Charts.curves("ROC: " + what, "FPR (ID flagged as OOD)", "TPR (OOD caught)", roc, "chance"));
                    save(names, dir, "pr_" + model + "_" + kind.cliName() + "_" + set,
                            Charts.curves("PR, OOD positive: " + what, "recall (OOD)", "precision (OOD)", pr, null));
                }
            Map<String, double[][]> reliability = new LinkedHashMap<>();
            for (CellResult c : mine) if (c.bins() != null) reliability.put(c.precision(), points(c.bins()));
            if (!reliability.isEmpty())
                save(names, dir, "reliability_" + model, Charts.reliability(model + ": reliability (15 bins)", reliability));
        }
        for (ScoreKind kind : scores(deltas)) {
            List<String> precisions = new ArrayList<>();
            Map<String, List<Double>> perModel = new LinkedHashMap<>();
            for (Delta d : deltas) if (d.score() == kind && !precisions.contains(d.precision())) precisions.add(d.precision());
            for (Delta d : deltas) {
                if (d.score() != kind) continue;
                List<Double> bars = perModel.computeIfAbsent(d.model(), m -> new ArrayList<>(Collections.nCopies(precisions.size(), 0.0)));
                bars.set(precisions.indexOf(d.precision()), 100 * d.auprOut());
            }
            save(names, dir, "delta_aupr_out_" + kind.cliName(), Charts.bars("AUPR-Out change from FP32, " + kind.cliName()
                    + " (mean over OOD sets)", "percentage points", precisions, perModel));
        }
        if (cells.stream().noneMatch(c -> c.id() == null))
            for (ScoreKind kind : scores(deltas)) {
                Map<String, List<double[]>> perMethod = new LinkedHashMap<>();
                for (Delta d : deltas)
                    if (d.score() == kind)
                        perMethod.computeIfAbsent(StudySetting.method(d.precision()).id(), m -> new ArrayList<>()).add(new double[] {
                                100 * (ReportWriter.top1(cells, d.model(), d.precision()) - ReportWriter.top1(cells, d.model(), StudyPlan.FP32)),
                                100 * d.auprOut()});
                Map<String, double[][]> series = new LinkedHashMap<>();
                perMethod.forEach((m, points) -> series.put(m, new double[][] {
                        points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()}));
                save(names, dir, "method_aupr_out_vs_top1_" + kind.cliName(), Charts.scatter("Change from FP32 per method, " + kind.cliName()
                        + " (a point per model and precision)", "top-1 change (points)", "AUPR-Out change (points, mean over OOD sets)", series));
            }
        removeOthers(dir, names);
        return names;
    }

    private static void removeOthers(Path dir, List<String> names) {
        Set<String> kept = new HashSet<>();
        for (String n : names) kept.addAll(List.of(n + ".png", n + ".svg"));
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if ((name.endsWith(".png") || name.endsWith(".svg")) && !kept.contains(name)) Files.delete(f);
            }
        } catch (IOException e) {
            throw new QvitException("cannot remove the figures of an earlier run from " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void save(List<String> names, Path dir, String name, Chart<?, ?> chart) {
        ChartFiles.save(chart, dir, name);
        names.add(name);
    }

    private static double[][] points(List<ReliabilityBin> bins) {
        List<ReliabilityBin> used = bins.stream().filter(b -> b.count() > 0).toList();
        double[] x = new double[used.size()], y = new double[used.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = used.get(i).meanConfidence();
            y[i] = used.get(i).accuracy();
        }
        return new double[][] {x, y};
    }

    private static List<String> models(List<CellResult> cells) {
        return cells.stream().map(CellResult::model).distinct().toList();
    }

    private static List<ScoreKind> scores(List<Delta> deltas) {
        return deltas.stream().map(Delta::score).distinct().toList();
    }
}
