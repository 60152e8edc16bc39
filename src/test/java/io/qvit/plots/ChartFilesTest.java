package io.qvit.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.internal.chartpart.Chart;

/** Every chart kind renders without a display, as a decodable PNG and a whole SVG document. */
class ChartFilesTest {
    @Test
    void rendersHeadlessAsPngAndSvg(@TempDir Path dir) throws Exception {
        assertTrue(GraphicsEnvironment.isHeadless(), "tests run with java.awt.headless=true, as the launcher does");
        Map<String, double[]> samples = new LinkedHashMap<>();
        samples.put("ID", new double[] {1, 2, 2, 3});
        samples.put("OOD", new double[] {0, 0.5, 1});
        Map<String, double[][]> curves = Map.of("fp32", new double[][] {{0, 0.5, 1}, {0, 0.9, 1}});
        save(dir, "hist", Charts.histograms("h", "score", samples));
        save(dir, "constant", Charts.histograms("all equal", "score", Map.of("ID", new double[] {2, 2})));
        save(dir, "roc", Charts.curves("roc", "fpr", "tpr", curves, "chance"));
        save(dir, "rel", Charts.reliability("rel", curves));
        Map<String, List<Double>> bars = new LinkedHashMap<>();
        bars.put("vit", List.of(-1.5, -10.0));
        save(dir, "bars", Charts.bars("d", "points", List.of("w8a8", "w4a4"), bars));
    }

    private static void save(Path dir, String name, Chart<?, ?> chart) throws Exception {
        Path png = ChartFiles.save(chart, dir, name);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, name);
        assertEquals(800, image.getWidth());
        String svg = Files.readString(dir.resolve(name + ".svg"));
        assertTrue(svg.contains("<svg") && svg.trim().endsWith("</svg>"), name);
    }
}
