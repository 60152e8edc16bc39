package io.qvit.data;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns command-line arguments into samples. Each argument is an image file, a labelled CSV list
 * ({@link LabelledCsv}), an ImageNet-style class folder (every subfolder a wnid such as n01440764, or
 * every subfolder a class number) or any other folder, walked recursively for unlabelled images.
 * Results keep argument order; within a folder they are sorted by path, so runs are repeatable.
 */
public final class Datasets {
    private static final Pattern WNID = Pattern.compile("n\\d{8}");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");
    private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".ppm", ".pgm");

    private Datasets() {}

    /**
     * Fails, before any image is decoded, when a label is not one of the model's {@code classes}
     * (an index of 5000 for a 1000-class model would otherwise count as a miss); names the image, the
     * label and the range.
     */
    public static void requireLabelsBelow(List<Sample> samples, int classes, String model, String set) {
        for (Sample s : samples) {
            if (s.label() == Sample.UNLABELLED || s.label() < classes) continue;
            long more = samples.stream().filter(x -> x.label() >= classes).count() - 1;
            throw new QvitException(set + ": " + s.file() + " is labelled class " + s.label() + ", but " + model + " has " + classes
                    + " classes (0 to " + (classes - 1) + ")" + (more > 0 ? "; " + more + " more labels are out of range" : "")
                    + "; give the list made for this model's classes");
        }
    }

    public static List<Sample> fromArguments(List<String> args) {
        if (args.isEmpty()) throw new QvitException("no images given: pass image files, folders or labelled .csv lists");
        List<Sample> samples = new ArrayList<>();
        for (String arg : args) {
            Path p = Path.of(arg);
            List<Sample> found;
            if (Files.isDirectory(p)) found = folder(p);
            else if (Files.isRegularFile(p)) found = lower(p).endsWith(".csv") ? LabelledCsv.read(p, null, null) : List.of(Sample.unlabelled(p));
            else throw new QvitException("no such image, folder or list: " + arg);
            if (found.isEmpty())
                throw new QvitException("no images (" + String.join(", ", IMAGE_EXTENSIONS) + ") found in " + arg);
            samples.addAll(found);
        }
        return samples;
    }

    private static List<Sample> folder(Path dir) {
        List<Path> subfolders = list(dir).stream().filter(Files::isDirectory).toList();
        boolean wnids = !subfolders.isEmpty() && subfolders.stream().allMatch(d -> WNID.matcher(name(d)).matches());
        boolean numbers = !subfolders.isEmpty() && subfolders.stream().allMatch(d -> NUMBER.matcher(name(d)).matches());
        if (!wnids && !numbers) return images(dir).stream().map(Sample::unlabelled).toList();
        List<Path> loose = list(dir).stream().filter(Datasets::isImage).toList();
        if (!loose.isEmpty())
            throw new QvitException("class folder " + dir + " also holds loose images such as " + loose.get(0)
                    + "; move them into a class subfolder or pass them separately");
        List<Sample> samples = new ArrayList<>();
        for (Path d : subfolders) {
            int label = wnids ? ImageNetClasses.indexOfWnid(name(d)) : Integer.parseInt(name(d));
            if (label < 0) throw new QvitException("class folder " + d + " is not an ImageNet-1k wnid; rename it to a class number");
            for (Path f : images(d)) samples.add(new Sample(f, label));
        }
        samples.sort(Comparator.comparing(Sample::file));
        return samples;
    }

    /** Image files under dir, sorted; hidden files and folders (.DS_Store, ._x.jpg) are skipped. */
    private static List<Path> images(Path dir) {
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(p -> !hidden(dir.relativize(p))).filter(Datasets::isImage).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new QvitException("cannot list folder " + dir + ": " + e.getMessage());
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !name(p).startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new QvitException("cannot list folder " + dir + ": " + e.getMessage());
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private static boolean isImage(Path p) {
        String n = lower(p);
        return Files.isRegularFile(p) && IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static String lower(Path p) {
        return name(p).toLowerCase(Locale.ROOT);
    }
}
