package io.qvit.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.QvitException;
import io.qvit.data.Sample;
import io.qvit.files.Sha256;
import io.qvit.model.LoadedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;

/**
 * What a study's cached outputs are keyed by, so that a rerun never reports numbers that are not
 * the model's: a cell's description ({@code cell.json}: the weights by content digest, the precision
 * and its bits, the preprocessing, the calibration images by name, size and modification time, and
 * {@link #METHOD_VERSION}), and per set a stamp of its images (name, size and modification time).
 */
final class CellKey {
    /**
     * Raised whenever a cell's outputs change for the same weights, images and settings (calibration,
     * quantizers, the forward pass), so that outputs cached by an older qvit are not reused.
     */
    static final int METHOD_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CellKey() {}

    /** The weights' digest: computed once per model and run, stored in each of its cells' descriptions. */
    static String weightsDigest(LoadedModel loaded) {
        return loaded.source() == null ? "none (built in memory)" : Sha256.of(loaded.source());
    }

    /** A cell's {@code cell.json}. */
    static String describe(LoadedModel loaded, String weightsDigest, String precision, List<Sample> calibration) {
        ObjectNode cell = JSON.createObjectNode();
        cell.put("model", loaded.definition().name());
        if (loaded.source() != null) cell.put("weights", loaded.source().getFileName().toString());
        cell.put("weights_sha256", weightsDigest);
        cell.put("preprocessing", loaded.definition().pretrained().toString());
        cell.put("precision", precision);
        cell.put("method_version", METHOD_VERSION);
        if (!precision.equals(StudyPlan.FP32)) {
            cell.put("quantization", StudySetting.config(precision).toString());
            ArrayNode calib = cell.putArray("calibration");
            for (Sample s : calibration) calib.add(fileStamp(s.file()));
        }
        return cell.toPrettyString() + "\n";
    }

    /** The stamp of a set's images, in path order: a changed, added or removed image changes it. */
    static String imagesStamp(List<Sample> samples) {
        StringBuilder b = new StringBuilder();
        samples.stream().map(Sample::file).sorted(Comparator.naturalOrder()).distinct().forEach(f -> b.append(fileStamp(f)).append('\n'));
        return Sha256.of(b.toString());
    }

    /** "path size modified", or "path missing" for a file that is gone (the set then reruns and reports it unreadable). */
    private static String fileStamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + " " + a.size() + " " + a.lastModifiedTime(); // at the file system's precision (ns on ext4)
        } catch (java.nio.file.NoSuchFileException e) {
            return file + " missing";
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
