package io.qvit.plots;

import io.qvit.files.AtomicFile;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Saves a chart as {@code NAME.png} and {@code NAME.svg}, each atomically. Rendering needs no display:
 * charts draw into an off-screen image (PNG) or VectorGraphics2D's SVG document, so it works with
 * {@code java.awt.headless=true}, which the launcher and the tests set.
 */
public final class ChartFiles {
    private ChartFiles() {}

    /** Returns the PNG's path. */
    public static Path save(Chart<?, ?> chart, Path dir, String name) {
        Path png = dir.resolve(name + ".png");
        AtomicFile.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        AtomicFile.write(dir.resolve(name + ".svg"),
                out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        return png;
    }
}
