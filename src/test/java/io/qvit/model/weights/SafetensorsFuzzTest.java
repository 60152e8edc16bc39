package io.qvit.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qvit.testsupport.Fuzz;
import io.qvit.testsupport.Mutator;
import io.qvit.testsupport.SharedData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated real safetensors files (the fixtures, and the real ViT-Tiny header where ../shared/data has
 * it) read as qvit reads them: bytes mutated mostly in the header, the header's JSON mutated as a tree
 * (lying shapes, offsets and dtypes), and lying header lengths.
 */
class SafetensorsFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REAL = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors";

    /** A file split at the end of its header; {@code dataBytes} of a real model are not kept but recreated as a sparse region. */
    private record Seed(String name, byte[] header, byte[] data, long sparseDataBytes) {}

    @TempDir
    Path dir;

    @Test
    void mutatedSafetensorsLoadOrFailCleanly() throws IOException {
        List<Seed> seeds = seeds();
        Fuzz.run("safetensors", dir, Duration.ofSeconds(90), new Fuzz.Target() {
            @Override
            public Path write(Mutator m, Path dir) throws IOException {
                Seed seed = seeds.get(m.random().nextInt(seeds.size()));
                m.note(seed.name());
                byte[] header = switch (m.random().nextInt(4)) {
                    case 0 -> m.mutateBytes(seed.header(), 0, seed.header().length);
                    case 1, 2 -> mutateJson(m, seed.header());
                    default -> m.lieAboutSize(seed.header(), 0, 8, ByteOrder.LITTLE_ENDIAN, "header length");
                };
                byte[] data = seed.data();
                if (m.random().nextInt(8) == 0) data = m.mutateBytes(data);
                Path file = dir.resolve("case.safetensors");
                // A new file each time: the previous case's mappings may still refer to the old one.
                Files.deleteIfExists(file);
                Files.write(file, concat(header, data));
                if (seed.sparseDataBytes() > 0) {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                        raf.setLength(header.length + seed.sparseDataBytes());
                    }
                }
                return file;
            }

            @Override
            public void read(Path file) {
                Fixtures.readEveryTensor(file);
            }
        });
    }

    /** The header's JSON mutated as a tree, its length field rewritten to match (or, sometimes, not). */
    private static byte[] mutateJson(Mutator m, byte[] header) throws IOException {
        JsonNode root = JSON.readTree(Arrays.copyOfRange(header, 8, header.length));
        if (root instanceof ObjectNode o && m.random().nextInt(4) == 0) swapDtype(m, o);
        byte[] json = m.mutateJson(root);
        byte[] out = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).array();
        return m.random().nextInt(8) == 0 ? m.lieAboutSize(out, 0, 8, ByteOrder.LITTLE_ENDIAN, "header length") : out;
    }

    /** A valid dtype of another width: the shape and offsets no longer agree. */
    private static void swapDtype(Mutator m, ObjectNode root) {
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        String name = names.get(m.random().nextInt(names.size()));
        if (!(root.get(name) instanceof ObjectNode entry)) return;
        String dtype = DType.values()[m.random().nextInt(DType.values().length)].name();
        m.note(name + ".dtype := " + dtype);
        entry.put("dtype", dtype);
    }

    private static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String f : List.of("tensors_f32.safetensors", "tensors_f16.safetensors", "tensors_bf16.safetensors", "halves.safetensors")) {
            seeds.add(split(f, Files.readAllBytes(Fixtures.path(f))));
        }
        for (String arch : List.of("vit_micro_patch8_32", "deit_micro_distilled_patch8_32", "deit3_micro_patch8_32")) {
            seeds.add(split(arch, Files.readAllBytes(Path.of("src/test/resources/fixtures/timm", arch, "model.safetensors"))));
        }
        Path real = SharedData.root().resolve(REAL);
        if (Files.isRegularFile(real)) {
            try (RandomAccessFile raf = new RandomAccessFile(real.toFile(), "r")) {
                byte[] len = new byte[8];
                raf.readFully(len);
                byte[] header = new byte[8 + (int) ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong()];
                raf.seek(0);
                raf.readFully(header);
                seeds.add(new Seed("real ViT-Tiny header", header, new byte[0], raf.length() - header.length));
            }
        }
        return seeds;
    }

    private static Seed split(String name, byte[] file) {
        int headerEnd = 8 + (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new Seed(name, Arrays.copyOf(file, headerEnd), Arrays.copyOfRange(file, headerEnd, file.length), 0);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
