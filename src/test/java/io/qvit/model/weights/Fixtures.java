package io.qvit.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** The checkpoints written by src/test/python/make_weights_fixtures.py and what torch says they hold. */
final class Fixtures {
    private Fixtures() {}

    record Tensor(String name, String timmName, int[] shape, DType dtype, float[] values) {}

    record Expected(String stateDictKey, Map<String, String> metadata, List<Tensor> tensors) {}

    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/weights/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name + "; run src/test/python/make_weights_fixtures.py", e);
        }
    }

    static Expected expected(String name) {
        try {
            JsonNode json = new ObjectMapper().readTree(path(name + ".expected.json").toFile());
            ByteBuffer values = ByteBuffer.wrap(Files.readAllBytes(path(name + ".expected.f32"))).order(ByteOrder.LITTLE_ENDIAN);
            List<Tensor> tensors = new ArrayList<>();
            for (JsonNode t : json.get("tensors")) {
                int[] shape = new int[t.get("shape").size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) numel *= shape[i] = t.get("shape").get(i).intValue();
                float[] v = new float[(int) numel];
                values.asFloatBuffer().get(v);
                values.position(values.position() + 4 * v.length);
                tensors.add(new Tensor(t.get("name").textValue(), t.get("timm_name").textValue(), shape,
                        DType.valueOf(t.get("dtype").textValue()), v));
            }
            if (values.hasRemaining()) throw new IllegalStateException(name + ".expected.f32 is longer than its JSON says");
            Map<String, String> metadata = new LinkedHashMap<>();
            json.get("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().textValue()));
            JsonNode key = json.get("state_dict_key");
            return new Expected(key.isNull() ? null : key.textValue(), metadata, tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a checkpoint as qvit does and reads every tensor: small ones widened to floats, large ones
     * (a real model's header over a sparse data region) only mapped, which is where their size is checked.
     */
    static void readEveryTensor(Path file) {
        try (StateDict sd = StateDicts.open(file)) {
            for (WeightTensor t : sd.tensors().values()) {
                if (t.numel() <= 1 << 16 || !(t instanceof StoredTensor stored)) t.toFloats();
                else stored.bytes();
            }
        }
    }

    /** A zip archive's entries, by name, in archive order. */
    static Map<String, byte[]> zipEntries(Path zipFile) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) out.put(e.getName(), zip.getInputStream(e).readAllBytes());
        }
        return out;
    }

    /** A zip of these entries, deflated, or stored as torch.save stores them. */
    static byte[] zip(Map<String, byte[]> entries, boolean stored) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Copies a fixture into a writable folder (tests mutate and rename them). */
    static Path copy(String name, Path dir, String newName) throws IOException {
        return Files.copy(path(name), dir.resolve(newName));
    }
}
