package io.qvit.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The chart kinds of a study, from plain numbers: overlaid histograms, curves, reliability diagrams, scatter plots, grouped bars. */
public final class Charts {
    private static final int WIDTH = 800, HEIGHT = 560;
    private static final int HISTOGRAM_BINS = 40;

    private Charts() {}

    /**
     * Histograms of several samples over shared bins spanning all of them, each normalised to the
     * fraction of its samples per bin (so sets of different sizes compare), drawn as step outlines.
     */
    public static XYChart histograms(String title, String xLabel, Map<String, double[]> samples) {
        XYChart chart = xy(title, xLabel, "fraction of images");
        chart.getStyler().setXAxisDecimalPattern("#0.###");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] s : samples.values())
            for (double v : s) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        if (!(hi > lo)) hi = lo + 1; // all equal: one visible bin
        double width = (hi - lo) / HISTOGRAM_BINS;
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            double[] counts = new double[HISTOGRAM_BINS];
            for (double v : e.getValue()) counts[Math.min(HISTOGRAM_BINS - 1, (int) ((v - lo) / width))]++;
            double[] x = new double[2 * HISTOGRAM_BINS], y = new double[2 * HISTOGRAM_BINS];
            for (int b = 0; b < HISTOGRAM_BINS; b++) {
                x[2 * b] = lo + b * width;
                x[2 * b + 1] = lo + (b + 1) * width;
                y[2 * b] = y[2 * b + 1] = counts[b] / e.getValue().length;
            }
            chart.addSeries(e.getKey() + " (" + e.getValue().length + ")", x, y).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Curves given as {x, y} arrays, on [0, 1] x [0, 1], with a dashed diagonal named {@code diagonal} unless it is null. */
    public static XYChart curves(String title, String xLabel, String yLabel, Map<String, double[][]> curves, String diagonal) {
        XYChart chart = xy(title, xLabel, yLabel);
        unitAxes(chart);
        // ROC curves hug the top left and OOD-positive PR curves the top; keep the legend off them
        chart.getStyler().setLegendPosition(diagonal != null ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideSW);
        if (diagonal != null) diagonal(chart, diagonal);
        for (Map.Entry<String, double[][]> e : curves.entrySet())
            chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /**
     * Reliability diagram: per series, accuracy against mean confidence of each non-empty bin, with
     * the diagonal of perfect calibration. Series points are {mean confidences, accuracies}.
     */
    public static XYChart reliability(String title, Map<String, double[][]> series) {
        XYChart chart = xy(title, "confidence (max softmax)", "accuracy");
        unitAxes(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW); // overconfident bins lie below the diagonal
        diagonal(chart, "perfect calibration");
        for (Map.Entry<String, double[][]> e : series.entrySet())
            if (e.getValue()[0].length > 0) chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }

    /** Points given as {x, y} arrays per series, markers only, the axes fitted to the data, the legend beside the plot (points gather in any corner). */
    public static XYChart scatter(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        return chart;
    }

    /** Grouped bars: one group per category, one bar per series (values in category order). */
    public static CategoryChart bars(String title, String yLabel, List<String> categories, Map<String, List<Double>> series) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("").yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisDecimalPattern("#0.#");
        // the axis always spans zero, so that a loss reads as a bar going down from it
        double lo = 0, hi = 0;
        for (List<Double> values : series.values())
            for (double v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        double pad = 0.05 * Math.max(hi - lo, 1e-9);
        chart.getStyler().setYAxisMin(lo - (lo < 0 ? pad : 0)).setYAxisMax(hi + (hi > 0 ? pad : 0));
        for (Map.Entry<String, List<Double>> e : series.entrySet()) chart.addSeries(e.getKey(), categories, e.getValue());
        return chart;
    }

    private static XYChart xy(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        return chart;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setAntiAlias(true);
    }

    private static void unitAxes(XYChart chart) {
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    }

    private static void diagonal(XYChart chart, String name) {
        XYSeries d = chart.addSeries(name, new double[] {0, 1}, new double[] {0, 1});
        d.setMarker(SeriesMarkers.NONE);
        d.setLineColor(Color.GRAY);
        d.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
}
