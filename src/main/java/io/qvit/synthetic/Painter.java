package io.qvit.synthetic;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Draws one synthetic image of a {@link SyntheticClass} from a {@link Random}: the figure's position,
 * size, rotation and colours and the background's texture are all drawn from it, so an image is a
 * function of its class and seed. Antialiasing is off: aliased Java2D fills depend only on the
 * geometry, not on a renderer's coverage arithmetic, so the pixels are the same on every JDK.
 */
final class Painter {
    private Painter() {}

    static BufferedImage draw(SyntheticClass kind, Random r, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        try {
            if (kind.family() == SyntheticClass.Family.FAR_OOD) {
                farOod(kind, img, g, r, size);
            } else {
                    float bgBrightness = 0.15f + 0.7f * r.nextFloat();
                    background(img, g, r, size, bgBrightness);
                    // the figure is far from the background in brightness, so it is always visible
                    float fgBrightness = bgBrightness > 0.5f ? bgBrightness - 0.45f - 0.1f * r.nextFloat()
                            : bgBrightness + 0.45f + 0.1f * r.nextFloat();
                    g.setColor(Color.getHSBColor(r.nextFloat(), 0.4f + 0.6f * r.nextFloat(), Math.min(1f, fgBrightness)));
                    figure(kind, g, r, size);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** A low-contrast background: flat, a gradient, speckle or soft bands. */
    private static void background(BufferedImage img, Graphics2D g, Random r, int size, float brightness) {
        float hue = r.nextFloat(), sat = 0.6f * r.nextFloat();
        Color base = Color.getHSBColor(hue, sat, brightness);
        Color near = Color.getHSBColor(hue + 0.1f * (r.nextFloat() - 0.5f), sat, clamp(brightness + 0.2f * (r.nextFloat() - 0.5f)));
        if (r.nextBoolean()) g.setColor(base);
        else g.setPaint(new GradientPaint(r.nextInt(size), r.nextInt(size), base, r.nextInt(size), r.nextInt(size), near));
        g.fillRect(0, 0, size, size);
        int texture = r.nextInt(3);
        if (texture == 1) { // speckle
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) img.setRGB(x, y, jitter(img.getRGB(x, y), r.nextInt(25) - 12));
        } else if (texture == 2) { // soft bands
            g.setColor(near);
            AffineTransform saved = g.getTransform();
            g.rotate(Math.PI * r.nextDouble(), size / 2.0, size / 2.0);
            int period = 10 + r.nextInt(14);
            for (int y = -size; y < 2 * size; y += period) g.fill(new Rectangle2D.Double(-size, y, 3 * size, period / 2.0));
            g.setTransform(saved);
        }
    }

    /** The class's figure at a random place, scale and rotation. */
    private static void figure(SyntheticClass kind, Graphics2D g, Random r, int size) {
        double radius = size * (0.18 + 0.22 * r.nextDouble());
        double cx = radius + (size - 2 * radius) * r.nextDouble(), cy = radius + (size - 2 * radius) * r.nextDouble();
        AffineTransform at = new AffineTransform();
        at.translate(cx, cy);
        at.rotate(2 * Math.PI * r.nextDouble());
        at.scale(radius, radius);
        switch (kind) {
            case STRIPES, CHECKERBOARD, DOTS -> pattern(kind, g, r, at, radius);
            default -> g.fill(at.createTransformedShape(unitShape(kind, r)));
        }
    }

    /** A shape in the unit disc around the origin. */
    private static Shape unitShape(SyntheticClass kind, Random r) {
        return switch (kind) {
            case CIRCLE -> new Ellipse2D.Double(-1, -1, 2, 2);
            case SQUARE -> new Rectangle2D.Double(-0.75, -0.75, 1.5, 1.5);
            case TRIANGLE -> polygon(3, 1, 0);
            case STAR -> star(5, 0.38 + 0.12 * r.nextDouble());
            case CROSS -> cross(0.25 + 0.15 * r.nextDouble());
            case RING -> {
                Area ring = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
                double inner = 0.45 + 0.25 * r.nextDouble();
                ring.subtract(new Area(new Ellipse2D.Double(-inner, -inner, 2 * inner, 2 * inner)));
                yield ring;
            }
            case HEXAGON -> polygon(6, 1, 0);
            case HEART -> {
                Area heart = new Area(new Ellipse2D.Double(-0.9, -0.75, 1.0, 1.0));
                heart.add(new Area(new Ellipse2D.Double(-0.1, -0.75, 1.0, 1.0)));
                Path2D.Double tip = new Path2D.Double();
                tip.moveTo(-0.85, -0.05);
                tip.lineTo(0.85, -0.05);
                tip.lineTo(0, 0.95);
                tip.closePath();
                heart.add(new Area(tip));
                yield heart;
            }
            case CRESCENT -> {
                Area moon = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
                double shift = 0.35 + 0.3 * r.nextDouble();
                moon.subtract(new Area(new Ellipse2D.Double(-1 + shift, -1, 2, 2)));
                yield moon;
            }
            default -> throw new IllegalArgumentException(kind + " is not a shape");
        };
    }

    /** Stripes, a checkerboard or dots filling a rotated square patch. */
    private static void pattern(SyntheticClass kind, Graphics2D g, Random r, AffineTransform at, double radius) {
        Shape saved = g.getClip();
        AffineTransform savedTransform = g.getTransform();
        g.transform(at);
        g.clip(new Rectangle2D.Double(-1, -1, 2, 2));
        double cell = (4.0 + 4.0 * r.nextDouble()) / radius; // 4 to 8 pixels
        int n = (int) Math.ceil(1 / cell) + 1;
        for (int i = -n; i < n; i++) {
            if (kind == SyntheticClass.STRIPES) {
                if ((i & 1) == 0) g.fill(new Rectangle2D.Double(-1, i * cell, 2, cell));
                continue;
            }
            for (int j = -n; j < n; j++) {
                if (kind == SyntheticClass.CHECKERBOARD && ((i + j) & 1) == 0) g.fill(new Rectangle2D.Double(j * cell, i * cell, cell, cell));
                if (kind == SyntheticClass.DOTS) g.fill(new Ellipse2D.Double(j * cell + cell / 4, i * cell + cell / 4, cell / 2, cell / 2));
            }
        }
        g.setTransform(savedTransform);
        g.setClip(saved);
    }

    /** Far-OOD images: smooth value noise at a random scale, or scribbled lines. */
    private static void farOod(SyntheticClass kind, BufferedImage img, Graphics2D g, Random r, int size) {
        if (kind == SyntheticClass.NOISE) {
            int grid = 2 + r.nextInt(15);
            int[][] colours = new int[grid + 1][grid + 1];
            for (int[] row : colours) for (int i = 0; i < row.length; i++) row[i] = r.nextInt(1 << 24);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) img.setRGB(x, y, bilinear(colours, x * (double) grid / size, y * (double) grid / size));
            return;
        }
        g.setColor(Color.getHSBColor(r.nextFloat(), r.nextFloat(), r.nextFloat()));
        g.fillRect(0, 0, size, size);
        int lines = 15 + r.nextInt(40);
        for (int i = 0; i < lines; i++) {
            g.setColor(new Color(r.nextInt(1 << 24)));
            g.setStroke(new BasicStroke(1 + r.nextInt(4)));
            g.draw(new Line2D.Double(r.nextInt(size), r.nextInt(size), r.nextInt(size), r.nextInt(size)));
        }
    }

    private static Path2D polygon(int corners, double radius, double phase) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < corners; i++) {
            double a = phase + 2 * Math.PI * i / corners;
            if (i == 0) p.moveTo(radius * Math.cos(a), radius * Math.sin(a));
            else p.lineTo(radius * Math.cos(a), radius * Math.sin(a));
        }
        p.closePath();
        return p;
    }

    private static Path2D star(int points, double inner) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < 2 * points; i++) {
            double a = Math.PI * i / points, rad = (i & 1) == 0 ? 1 : inner;
            if (i == 0) p.moveTo(rad * Math.cos(a), rad * Math.sin(a));
            else p.lineTo(rad * Math.cos(a), rad * Math.sin(a));
        }
        p.closePath();
        return p;
    }

    private static Area cross(double halfWidth) {
        Area a = new Area(new Rectangle2D.Double(-1, -halfWidth, 2, 2 * halfWidth));
        a.add(new Area(new Rectangle2D.Double(-halfWidth, -1, 2 * halfWidth, 2)));
        return a;
    }

    private static int bilinear(int[][] c, double gx, double gy) {
        int x0 = (int) gx, y0 = (int) gy;
        double fx = gx - x0, fy = gy - y0;
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double top = channel(c[y0][x0], shift) * (1 - fx) + channel(c[y0][x0 + 1], shift) * fx;
            double bottom = channel(c[y0 + 1][x0], shift) * (1 - fx) + channel(c[y0 + 1][x0 + 1], shift) * fx;
            rgb |= (int) Math.round(top * (1 - fy) + bottom * fy) << shift;
        }
        return rgb;
    }

    private static int channel(int rgb, int shift) {
        return (rgb >> shift) & 0xff;
    }

    private static int jitter(int rgb, int delta) {
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) out |= Math.max(0, Math.min(255, channel(rgb, shift) + delta)) << shift;
        return out;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
