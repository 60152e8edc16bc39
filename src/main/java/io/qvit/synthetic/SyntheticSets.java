package io.qvit.synthetic;

import io.qvit.QvitException;
import io.qvit.files.AtomicFile;
import io.qvit.synthetic.SyntheticClass.Family;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Deterministic synthetic data sets: each split (train, calibration, fit, ID test, near-OOD, far-OOD)
 * has its own stream of image seeds, so splits never share an image and the same seed always gives
 * the same PNG bytes. Labelled splits get a {@code labels.csv} ({@code class_index,label,file}, as
 * {@link io.qvit.data.LabelledCsv} reads); every split gets a {@code generated.txt} marker, written
 * last, so a folder with a matching marker is complete and can be reused.
 */
public final class SyntheticSets {
    /** The side of every image, in pixels. */
    public static final int SIZE = 64;
    /** The seed the demo and its embedded model's training data use. */
    public static final long DEFAULT_SEED = 20261123L;
    public static final String LABELS = "labels.csv", MARKER = "generated.txt";

    /** A split: its folder name, the family it draws from, and its index in the seed stream. */
    public record Split(String name, Family family, int stream) {
        public boolean labelled() {
            return family == Family.ID;
        }
    }

    public static final Split TRAIN = new Split("train", Family.ID, 0);
    public static final Split CALIB = new Split("calib", Family.ID, 1);
    public static final Split FIT = new Split("fit", Family.ID, 2);
    public static final Split ID_TEST = new Split("id", Family.ID, 3);
    public static final Split NEAR_OOD = new Split("near-ood", Family.NEAR_OOD, 4);
    public static final Split FAR_OOD = new Split("far-ood", Family.FAR_OOD, 5);
    public static final List<Split> ALL = List.of(TRAIN, CALIB, FIT, ID_TEST, NEAR_OOD, FAR_OOD);

    private SyntheticSets() {}

    /** Image {@code index} of a split: its class cycles through the family's classes, so splits are balanced. */
    public static SyntheticClass classOf(Split split, int index) {
        List<SyntheticClass> classes = SyntheticClass.of(split.family());
        return classes.get(index % classes.size());
    }

    public static BufferedImage image(Split split, int index, long seed) {
        return Painter.draw(classOf(split, index), new Random(imageSeed(seed, split.stream(), index)), SIZE);
    }

    /**
     * Writes {@code count} images of the split into {@code root/<split name>}, unless a complete set of
     * the same seed and count is already there. Returns the folder.
     */
    public static Path write(Path root, Split split, int count, long seed) {
        Path dir = root.resolve(split.name());
        String marker = String.format(Locale.ROOT, "split=%s count=%d seed=%d size=%d%n", split.name(), count, seed, SIZE);
        if (marker.equals(read(dir.resolve(MARKER)))) return dir;
        StringBuilder labels = new StringBuilder("class_index,label,file\n");
        for (int i = 0; i < count; i++) {
            SyntheticClass c = classOf(split, i);
            String file = String.format(Locale.ROOT, "%s_%05d.png", c.label(), i);
            writePng(dir.resolve(file), image(split, i, seed));
            labels.append(split.labelled() ? c.ordinal() : "").append(',').append(c.label()).append(',').append(file).append('\n');
        }
        if (split.labelled()) AtomicFile.write(dir.resolve(LABELS), out -> out.write(labels.toString().getBytes(StandardCharsets.UTF_8)));
        AtomicFile.write(dir.resolve(MARKER), out -> out.write(marker.getBytes(StandardCharsets.UTF_8)));
        return dir;
    }

    /** The PNG bytes of an image (ImageIO's encoder is deterministic). */
    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding to memory failed", e);
        }
        return bytes.toByteArray();
    }

    // Images are written plainly (no fsync each): the marker, written atomically after them, is what
    // says the set is complete.
    private static void writePng(Path file, BufferedImage img) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png(img));
        } catch (IOException e) {
            throw new QvitException("cannot write " + file + ": " + e.getMessage() + " (check that the folder is writable and has space)", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null; // unreadable: regenerate
        }
    }

    /** SplitMix64 of the seed, stream and index: well-mixed, distinct seeds for every image. */
    static long imageSeed(long seed, int stream, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (((long) stream << 32) + index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
