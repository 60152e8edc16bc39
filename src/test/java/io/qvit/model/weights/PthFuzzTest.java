package io.qvit.model.weights;

import io.qvit.testsupport.Fuzz;
import io.qvit.testsupport.Mutator;
import io.qvit.testsupport.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated real torch.save checkpoints (the fixtures, and the real ViT-Tiny pickle where ../shared/data
 * has it) read as qvit reads them: raw zip bytes mutated (mostly in the central directory), entries
 * removed, renamed, truncated or duplicated, and data.pkl mutated bytewise and with hostile opcodes
 * (huge string and integer lengths, deep nesting, unknown globals, wild memo indices).
 */
class PthFuzzTest {
    private static final String REAL = "models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.pth";
    /** The real model's storages are cut to this: the pickle is what is fuzzed, not 22 MB of floats. */
    private static final int REAL_STORAGE_BYTES = 1024;

    private record Seed(String name, byte[] zip, Map<String, byte[]> entries, String pickleEntry) {}

    @TempDir
    Path dir;

    @Test
    void mutatedPthLoadOrFailCleanly() throws IOException {
        List<Seed> seeds = seeds();
        Fuzz.run("pth", dir, Duration.ofSeconds(90), new Fuzz.Target() {
            @Override
            public Path write(Mutator m, Path dir) throws IOException {
                Seed seed = seeds.get(m.random().nextInt(seeds.size()));
                m.note(seed.name());
                byte[] file = switch (m.random().nextInt(3)) {
                    case 0 -> m.mutateBytes(seed.zip(), centralDirectory(seed.zip()), seed.zip().length);
                    case 1 -> Fixtures.zip(mutateEntries(m, seed), m.random().nextInt(4) != 0);
                    default -> {
                        Map<String, byte[]> entries = new LinkedHashMap<>(seed.entries());
                        entries.put(seed.pickleEntry(), mutatePickle(m, seed.entries().get(seed.pickleEntry())));
                        yield Fixtures.zip(entries, true);
                    }
                };
                return Files.write(dir.resolve("case.pth"), file);
            }

            @Override
            public void read(Path file) {
                Fixtures.readEveryTensor(file);
            }
        });
    }

    /** One entry removed, renamed, emptied, cut, extended or duplicated; or byteorder changed. */
    private static Map<String, byte[]> mutateEntries(Mutator m, Seed seed) {
        Map<String, byte[]> entries = new LinkedHashMap<>(seed.entries());
        List<String> names = new ArrayList<>(entries.keySet());
        String name = names.get(m.random().nextInt(names.size()));
        byte[] data = entries.get(name);
        switch (m.random().nextInt(7)) {
            case 0 -> {
                m.note("remove " + name);
                entries.remove(name);
            }
            case 1 -> {
                String renamed = m.random().nextBoolean() ? "other/" + name : name.substring(name.indexOf('/') + 1);
                m.note("rename " + name + " to " + renamed);
                entries.put(renamed, entries.remove(name));
            }
            case 2 -> {
                m.note("duplicate " + name + " under other/");
                entries.put("other/" + name.substring(name.indexOf('/') + 1), data);
            }
            case 3 -> {
                int length = data.length == 0 ? 0 : m.random().nextInt(data.length);
                m.note("cut " + name + " to " + length);
                entries.put(name, Arrays.copyOf(data, length));
            }
            case 4 -> {
                m.note("extend " + name);
                entries.put(name, Arrays.copyOf(data, data.length + 1 + m.random().nextInt(64)));
            }
            case 5 -> {
                String order = List.of("big", "", "little\nbig", "LITTLE").get(m.random().nextInt(4));
                m.note("byteorder := '" + order + "'");
                entries.put(seed.pickleEntry().replace("data.pkl", "byteorder"), order.getBytes(StandardCharsets.US_ASCII));
            }
            default -> {
                m.note("mutate " + name);
                entries.put(name, m.mutateBytes(data));
            }
        }
        return entries;
    }

    /** Byte mutations, lying small integers (sizes, strides, offsets, numels), or a hostile opcode sequence inserted. */
    private static byte[] mutatePickle(Mutator m, byte[] pickle) {
        int kind = m.random().nextInt(3);
        if (kind == 0) return m.mutateBytes(pickle);
        if (kind == 1) return lyingInts(m, pickle);
        byte[][] hostile = {
            op('X', le(0xFFFF_FFFFL, 4)), op('X', le(0x7FFF_FFFFL, 4)), op(0x8d, le(Long.MAX_VALUE, 8)), op(0x8d, le(-1, 8)),
            op(0x8b, le(0xFFFF_FFFFL, 4)), op(0x8a, new byte[] {(byte) 0xFF}), op(0x95, le(-1, 8)), op(0x80, new byte[] {6}),
            op('c', "os\nsystem\n".getBytes(StandardCharsets.US_ASCII)),
            op('c', "builtins\neval\n".getBytes(StandardCharsets.US_ASCII)),
            op('c', "torch\nFloatStorage".getBytes(StandardCharsets.US_ASCII)), // no newline: runs to the end
            op('h', new byte[] {(byte) 0xFF}), op('j', le(0xFFFF_FFFFL, 4)), op('r', le(0xFFFF_FFFFL, 4)),
            repeat("(", 20_000), repeat("]", 20_000), repeat("](", 10_000), repeat("}", 1000), repeat("0", 1000),
            repeat("N", 20_000), "Q".getBytes(StandardCharsets.US_ASCII), "R".getBytes(StandardCharsets.US_ASCII),
            "b".getBytes(StandardCharsets.US_ASCII), "t".getBytes(StandardCharsets.US_ASCII),
            repeat("](Nea", 5_000), repeat("}NNs", 5_000),
        };
        int which = m.random().nextInt(hostile.length);
        return m.insert(pickle, m.random().nextInt(pickle.length + 1), hostile[which], "hostile #" + which);
    }

    /**
     * One to three BININT1 opcodes ('K' and a byte: torch.save's small sizes, strides, offsets and storage
     * numels) rewritten as BININT ('J' and four bytes) holding a lie. A 'K' inside a string is hit too; that is harmless.
     */
    private static byte[] lyingInts(Mutator m, byte[] pickle) {
        long[] lies = {0, -1, 1L << 28, 1L << 30, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x10000};
        byte[] out = pickle;
        for (int k = 1 + m.random().nextInt(3); k > 0; k--) {
            int at = m.random().nextInt(out.length);
            while (at < out.length - 1 && out[at] != 'K') at++;
            if (at >= out.length - 1) continue;
            long lie = lies[m.random().nextInt(lies.length)];
            m.note("BININT1 at " + at + " := " + lie);
            byte[] replaced = new byte[out.length + 3];
            System.arraycopy(out, 0, replaced, 0, at);
            System.arraycopy(op('J', le(lie, 4)), 0, replaced, at, 5);
            System.arraycopy(out, at + 2, replaced, at + 5, out.length - at - 2);
            out = replaced;
        }
        return out;
    }

    private static byte[] op(int opcode, byte[] argument) {
        byte[] out = new byte[1 + argument.length];
        out[0] = (byte) opcode;
        System.arraycopy(argument, 0, out, 1, argument.length);
        return out;
    }

    private static byte[] le(long v, int width) {
        return Arrays.copyOf(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(), width);
    }

    private static byte[] repeat(String s, int n) {
        return s.repeat(n).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Where the central directory starts, read from the end-of-central-directory record; 0 when there is none. */
    private static int centralDirectory(byte[] zip) {
        for (int i = zip.length - 22; i >= 0; i--) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 5 && zip[i + 3] == 6) {
                return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(i + 16);
            }
        }
        return 0;
    }

    private static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String f : List.of("plain.pth", "views.pth", "protocol4.pth", "deit_model.pth", "exploit.pth")) {
            Path path = Fixtures.path(f);
            Map<String, byte[]> entries = Fixtures.zipEntries(path);
            seeds.add(new Seed(f, Files.readAllBytes(path), entries, pickleEntry(entries)));
        }
        Path real = SharedData.root().resolve(REAL);
        if (Files.isRegularFile(real)) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            Fixtures.zipEntries(real).forEach((k, v) -> entries.put(k, v.length > REAL_STORAGE_BYTES ? Arrays.copyOf(v, REAL_STORAGE_BYTES) : v));
            seeds.add(new Seed("real ViT-Tiny pickle", Fixtures.zip(entries, true), entries, pickleEntry(entries)));
        }
        return seeds;
    }

    private static String pickleEntry(Map<String, byte[]> entries) {
        return entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
    }
}
