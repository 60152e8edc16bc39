package io.qvit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch peer's images/s, as {@code bench/pytorch_baseline.py} writes them: per timm architecture,
 * mode ({@code eager} or {@code compile}) and batch. A mode that failed there has an {@code error}
 * instead of a rate and gives no ratio.
 */
public final class PeerResults {
    public static final String EAGER = "eager", COMPILE = "compile";

    private final Path file;
    private final JsonNode environment;
    private final Map<String, Double> imagesPerS = new HashMap<>();

    private PeerResults(Path file, JsonNode environment) {
        this.file = file;
        this.environment = environment;
    }

    /** Reads and checks a peer file; every problem names the file and the record. */
    public static PeerResults read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new QvitException("--peer " + file + ": not a readable JSON file (" + QvitException.firstLine(e)
                    + "); give the JSON that bench/pytorch_baseline.py wrote");
        }
        if (root == null || !root.path("records").isArray() || !root.path("environment").isObject())
            throw new QvitException("--peer " + file + ": expected an object with 'environment' and 'records' (bench/pytorch_baseline.py's output)");
        PeerResults peer = new PeerResults(file, root.get("environment"));
        int i = 0;
        for (JsonNode r : root.get("records")) {
            String where = "--peer " + file + ": record " + i++;
            String model = text(r, "model", where), mode = text(r, "mode", where);
            if (!List.of(EAGER, COMPILE).contains(mode)) throw new QvitException(where + ": mode '" + mode + "' is neither eager nor compile");
            if (!r.path("batch").canConvertToInt() || r.get("batch").asInt() < 1)
                throw new QvitException(where + ": 'batch' must be a positive whole number");
            JsonNode ips = r.path("images_per_s");
            if (ips.isNull() || ips.isMissingNode()) continue; // the mode failed there; its error says why
            if (!ips.isNumber() || !(ips.asDouble() > 0) || !Double.isFinite(ips.asDouble()))
                throw new QvitException(where + ": 'images_per_s' must be a positive number or null, not " + ips);
            peer.imagesPerS.put(key(architecture(model), mode, r.get("batch").asInt()), ips.asDouble());
        }
        return peer;
    }

    private static String text(JsonNode r, String field, String where) {
        JsonNode v = r.path(field);
        if (!v.isTextual() || v.asText().isBlank()) throw new QvitException(where + ": '" + field + "' must be a non-empty string");
        return v.asText();
    }

    public Path file() {
        return file;
    }

    /** The peer's environment object, as written. */
    public JsonNode environment() {
        return environment;
    }

    /** {@code imagesPerS} over the peer's rate for the model's architecture (its timm tag ignored) at this mode and batch, or null. */
    public Double ratio(String model, String mode, int batch, double imagesPerS) {
        Double theirs = imagesPerS(model, mode, batch);
        return theirs == null ? null : imagesPerS / theirs;
    }

    /** The peer's images/s, or null where it has none. */
    public Double imagesPerS(String model, String mode, int batch) {
        return imagesPerS.get(key(architecture(model), mode, batch));
    }

    private static String architecture(String model) {
        int dot = model.indexOf('.');
        return dot < 0 ? model : model.substring(0, dot);
    }

    private static String key(String arch, String mode, int batch) {
        return arch + "|" + mode + "|" + batch;
    }
}
