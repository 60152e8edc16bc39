package io.qvit.study;

import io.qvit.QvitException;
import io.qvit.data.Sample;
import io.qvit.files.AtomicFile;
import io.qvit.files.Npy;
import io.qvit.files.Sha256;
import io.qvit.files.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The network-output cache of a study, under {@code OUT/outputs/<model>/<precision>/}: per data set
 * {@code <set>.logits.npy}, {@code <set>.features.npy}, {@code <set>.files.txt} (the image paths in row
 * order) and, when some images could not be read, {@code <set>.unreadable.txt}.
 *
 * <p>Every file is written atomically and {@code <set>.key} last, so a set counts as done only once
 * all of it is on disk: a killed study leaves whole sets or none. {@code cell.json} records what the
 * outputs depend on besides the images ({@link CellKey}); when it changes, the cell's outputs are
 * discarded. A set's key is the digest of that description and of its images' stamps (names, sizes,
 * modification times), so a set is reused only when it was computed under this very description from
 * these very images, and its files are exactly the set's images now (read plus unreadable).
 */
public final class OutputStore {
    private final Path root;

    public OutputStore(Path out) {
        root = out.resolve("outputs");
    }

    public Path cellDir(String model, String precision) {
        return root.resolve(model).resolve(precision);
    }

    /** Where the fitted statistics of the cell's scores are saved ({@code <score>.safetensors}). */
    public Path fitDir(String model, String precision) {
        return cellDir(model, precision).resolve("fit");
    }

    /**
     * Makes the cell's {@code cell.json} say {@code description}; when it said something else, first
     * deletes the cell's cached outputs and fits, which were made under other settings. Returns
     * whether anything was discarded.
     */
    public boolean claim(String model, String precision, String description) {
        Path dir = cellDir(model, precision), file = dir.resolve("cell.json");
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(description)) return false;
            boolean discarded = Files.isDirectory(dir);
            if (discarded) deleteTree(dir);
            AtomicFile.write(file, o -> o.write(description.getBytes(StandardCharsets.UTF_8)));
            return discarded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }

    /** Whether the set's outputs are on disk and were made from exactly its images. */
    public boolean has(String model, String precision, StudyDataset set) {
        Path dir = cellDir(model, precision);
        Path files = dir.resolve(set.name() + ".files.txt");
        if (!Files.exists(files) || !Files.exists(npy(dir, set.name(), "logits")) || !Files.exists(npy(dir, set.name(), "features")))
            return false;
        Path key = dir.resolve(set.name() + ".key");
        if (!Files.exists(key) || !lines(key).equals(List.of(key(dir, set)))) return false;
        List<String> seen = new ArrayList<>(lines(files));
        Path unreadable = dir.resolve(set.name() + ".unreadable.txt");
        if (Files.exists(unreadable)) seen.addAll(lines(unreadable));
        List<String> expected = new ArrayList<>(set.samples().stream().map(s -> s.file().toString()).toList());
        seen.sort(Comparator.naturalOrder());
        expected.sort(Comparator.naturalOrder());
        return seen.equals(expected);
    }

    /**
     * Saves one set's outputs: rows in the order of {@code files}; {@code unreadable} the images left
     * out. The cell must have been {@link #claim claimed} with the description they were computed under.
     */
    public void write(String model, String precision, StudyDataset set, List<String> files, float[][] logits, float[][] features,
                      List<String> unreadable) {
        Path dir = cellDir(model, precision);
        String key = key(dir, set);
        writeSet(dir, set.name(), files, logits, features, unreadable);
        writeLines(dir.resolve(set.name() + ".key"), List.of(key)); // last: marks the set as complete
    }

    /** The digest of the cell's description and of the set's images now. */
    private static String key(Path dir, StudyDataset set) {
        return Sha256.of(String.join("\n", lines(dir.resolve("cell.json"))) + "\n" + CellKey.imagesStamp(set.samples()));
    }

    private static void writeSet(Path dir, String set, List<String> files, float[][] logits, float[][] features, List<String> unreadable) {
        Npy.write(npy(dir, set, "logits"), logits);
        Npy.write(npy(dir, set, "features"), features);
        Path unreadableFile = dir.resolve(set + ".unreadable.txt");
        try {
            if (unreadable.isEmpty()) Files.deleteIfExists(unreadableFile);
            else writeLines(unreadableFile, unreadable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + unreadableFile, e);
        }
        writeLines(dir.resolve(set + ".files.txt"), files);
    }

    /** Reads a set's cached outputs, with labels looked up from the set's samples by file. */
    public CellOutputs read(String model, String precision, StudyDataset set) {
        Path dir = cellDir(model, precision);
        List<String> files = lines(dir.resolve(set.name() + ".files.txt"));
        NpyArray logits = Npy.read(npy(dir, set.name(), "logits")), features = Npy.read(npy(dir, set.name(), "features"));
        if (logits.rows() != files.size() || features.rows() != files.size())
            throw new QvitException(dir + ": " + set.name() + " has " + files.size() + " files but " + logits.rows() + " logit rows and "
                    + features.rows() + " feature rows; delete " + dir + " to run the cell again");
        if (files.isEmpty()) throw new QvitException("no image of data set '" + set.name() + "' could be read (see " + dir + ")");
        Map<String, Integer> labelOf = new HashMap<>();
        for (Sample s : set.samples()) labelOf.put(s.file().toString(), s.label());
        int[] labels = files.stream().mapToInt(f -> labelOf.getOrDefault(f, Sample.UNLABELLED)).toArray();
        return new CellOutputs(files, logits.floatRows(), features.floatRows(), labels);
    }

    private static Path npy(Path dir, String set, String what) {
        return dir.resolve(set + "." + what + ".npy");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeLines(Path file, List<String> lines) {
        AtomicFile.write(file, o -> {
            for (String line : lines) o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        });
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
