package io.qvit.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A safetensors file taken apart for hand edits, as a hostile user would make them: the header's JSON
 * (tensor entries, metadata values, themselves JSON where qvit stores JSON) and the data bytes of
 * a tensor, which keep their offsets. {@link #bytes()} puts it back together.
 */
public final class SafetensorsEdit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode header;
    private final byte[] data;

    private SafetensorsEdit(ObjectNode header, byte[] data) {
        this.header = header;
        this.data = data;
    }

    public static SafetensorsEdit of(byte[] file) {
        int length = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        try {
            return new SafetensorsEdit((ObjectNode) JSON.readTree(Arrays.copyOfRange(file, 8, 8 + length)),
                    Arrays.copyOfRange(file, 8 + length, file.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SafetensorsEdit of(Path file) throws IOException {
        return of(Files.readAllBytes(file));
    }

    public ObjectNode header() {
        return header;
    }

    /** The tensors' names (not {@code __metadata__}). */
    public List<String> tensorNames() {
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) names.add(n);
        });
        return names;
    }

    public ObjectNode entry(String tensor) {
        return (ObjectNode) header.get(tensor);
    }

    public ObjectNode metadata() {
        return (ObjectNode) header.get("__metadata__");
    }

    /** A metadata value that holds a JSON object, parsed (write it back with {@link #setMetadataJson}); null when it holds none. */
    public ObjectNode metadataJson(String key) {
        if (metadata() == null || !metadata().has(key)) return null;
        try {
            return JSON.readTree(metadata().get(key).asText()) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    public SafetensorsEdit setMetadataJson(String key, ObjectNode value) {
        metadata().put(key, value.toString());
        return this;
    }

    public SafetensorsEdit setMetadata(String key, String value) {
        metadata().put(key, value);
        return this;
    }

    /** Element {@code index} of an F32 tensor. */
    public float getFloat(String tensor, int index) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getFloat(begin(tensor) + 4 * index);
    }

    public SafetensorsEdit setFloat(String tensor, int index, float value) {
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(begin(tensor) + 4 * index, value);
        return this;
    }

    public SafetensorsEdit setByte(String tensor, int index, byte value) {
        data[begin(tensor) + index] = value;
        return this;
    }

    /** The number of data bytes of a tensor, from its offsets. */
    public int byteLength(String tensor) {
        return (int) (entry(tensor).get("data_offsets").get(1).asLong() - begin(tensor));
    }

    private int begin(String tensor) {
        return (int) entry(tensor).get("data_offsets").get(0).asLong();
    }

    public byte[] bytes() {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return out.putLong(json.length).put(json).put(data).array();
    }

    public Path write(Path file) throws IOException {
        Files.deleteIfExists(file); // a new file: a mapping of the old one may still be open
        return Files.write(file, bytes());
    }
}
