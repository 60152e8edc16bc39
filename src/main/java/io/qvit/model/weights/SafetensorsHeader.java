package io.qvit.model.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file. Nothing in it is trusted: every length, offset and
 * shape is checked against the file before any buffer is sized from it, with the same rules as the
 * reference Rust implementation (tensors tile the data region exactly, no overlap, no gap).
 */
final class SafetensorsHeader {
    /** Larger headers do not occur in practice; the reference implementation uses the same cap. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    record Entry(String name, DType dtype, int[] shape, long begin, long end) {}

    final Map<String, String> metadata;
    /** Entries sorted by data offset, which is file order. */
    final List<Entry> entries;
    /** Absolute file position of the data region. */
    final long dataStart;

    private SafetensorsHeader(Map<String, String> metadata, List<Entry> entries, long dataStart) {
        this.metadata = metadata;
        this.entries = entries;
        this.dataStart = dataStart;
    }

    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) throw Corrupt.file(file, "only " + size + " bytes, shorter than the 8-byte safetensors header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lenBuf, 0);
        long n = lenBuf.getLong(0); // u64: negative here means >= 2^63
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw Corrupt.file(file, "safetensors header claims " + Long.toUnsignedString(n) + " bytes (limit " + MAX_HEADER_BYTES + ")");
        }
        if (n > size - 8) {
            throw Corrupt.file(file, "safetensors header claims " + n + " bytes but only " + (size - 8) + " follow");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(channel, headerBuf, 8);
        JsonNode root;
        try {
            root = JSON.readTree(headerBuf.array());
        } catch (JsonProcessingException e) {
            throw Corrupt.file(file, "safetensors header is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) throw Corrupt.file(file, "safetensors header is not a JSON object");

        long dataSize = size - 8 - n;
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                metadata = metadata(file, field.getValue());
            } else {
                entries.add(entry(file, field.getKey(), field.getValue(), dataSize));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                throw Corrupt.tensor(file, e.name(), "data_offsets start at " + e.begin() + " but the previous tensor ends at " + expected
                        + (e.begin() < expected ? " (tensors overlap)" : " (gap in the data)"));
            }
            expected = e.end();
        }
        if (expected != dataSize) {
            throw Corrupt.file(file, "tensors cover " + expected + " bytes of data but the file holds " + dataSize);
        }
        return new SafetensorsHeader(metadata, List.copyOf(entries), 8 + n);
    }

    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (!node.isObject()) throw Corrupt.file(file, "__metadata__ is not a JSON object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) throw Corrupt.file(file, "__metadata__ value of '" + f.getKey() + "' is not a string");
            out.put(f.getKey(), f.getValue().textValue());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataSize) {
        if (!node.isObject()) throw Corrupt.tensor(file, name, "header entry is not a JSON object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw Corrupt.tensor(file, name, "missing dtype");
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw Corrupt.tensor(file, name, "unknown dtype '" + dtypeNode.textValue() + "' (supported: " + java.util.Arrays.toString(DType.values()) + ")");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) throw Corrupt.tensor(file, name, "missing shape");
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegative(file, name, "shape", shapeNode.get(i));
            if (d > Integer.MAX_VALUE) throw Corrupt.tensor(file, name, "dimension " + d + " is out of range");
            shape[i] = (int) d;
            numel = multiply(file, name, numel, d);
        }
        long bytes = multiply(file, name, numel, dtype.bytes());
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) throw Corrupt.tensor(file, name, "data_offsets is not a pair");
        long begin = nonNegative(file, name, "data_offsets", offsets.get(0));
        long end = nonNegative(file, name, "data_offsets", offsets.get(1));
        if (begin > end || end > dataSize) {
            throw Corrupt.tensor(file, name, "data_offsets [" + begin + ", " + end + "] lie outside the " + dataSize + " bytes of data");
        }
        if (end - begin != bytes) {
            throw Corrupt.tensor(file, name, "data_offsets span " + (end - begin) + " bytes but shape and dtype need " + bytes);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long nonNegative(Path file, String name, String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw Corrupt.tensor(file, name, field + " holds " + v + ", not a non-negative integer");
        }
        return v.longValue();
    }

    private static long multiply(Path file, String name, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw Corrupt.tensor(file, name, "shape is impossibly large");
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) throw new java.io.EOFException();
        }
    }
}
