package io.qvit.model.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.files.AtomicFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a safetensors file. Tensors are laid out in the order they are added; the header is padded
 * with spaces to a multiple of 8 bytes, as the format's reference implementation does, so that the
 * data region stays aligned for memory-mapped reads.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(String name, DType dtype, int[] shape, byte[] data) {}

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor from its raw little-endian bytes. */
    public SafetensorsWriter add(String name, DType dtype, int[] shape, byte[] data) {
        if (name.equals("__metadata__") || tensors.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved or already added");
        }
        long numel = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension");
            numel = Math.multiplyExact(numel, d);
        }
        if (numel * dtype.bytes() != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes given, shape and " + dtype + " need " + numel * dtype.bytes());
        }
        tensors.add(new Pending(name, dtype, shape.clone(), data.clone()));
        return this;
    }

    /** Adds float values; only F32 is accepted, since narrowing to 16 bits is a rounding decision the caller must make. */
    public SafetensorsWriter add(String name, DType dtype, int[] shape, float[] data) {
        if (dtype != DType.F32) throw new IllegalArgumentException("tensor '" + name + "': float[] data can only be written as F32, not " + dtype);
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(data.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return add(name, dtype, shape, b.array());
    }

    /** Writes the file atomically (see {@link AtomicFile}): never a half-written checkpoint. */
    public void write(Path file) {
        byte[] header;
        try {
            header = header();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the safetensors header", e);
        }
        AtomicFile.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length).array());
            out.write(header);
            for (Pending t : tensors) out.write(t.data());
        });
    }

    private byte[] header() throws JsonProcessingException {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) json.put("__metadata__", metadata);
        long offset = 0;
        for (Pending t : tensors) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + t.data().length});
            json.put(t.name(), entry);
            offset += t.data().length;
        }
        byte[] raw = JSON.writeValueAsBytes(json);
        byte[] padded = new byte[(raw.length + 7) / 8 * 8];
        System.arraycopy(raw, 0, padded, 0, raw.length);
        java.util.Arrays.fill(padded, raw.length, padded.length, (byte) ' ');
        return padded;
    }
}
