package io.qvit.model.weights;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.qvit.QvitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged and lying checkpoints: every one either loads or fails with a QvitException naming the file,
 * never another exception, a hang or an OutOfMemoryError. These are the named cases and exhaustive
 * truncations; random mutations of the same files are {@link SafetensorsFuzzTest}'s and {@link PthFuzzTest}'s.
 */
class CorruptionTest {
    private static final Duration LOOP_LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    // ---- safetensors ----

    @Test
    void truncatedSafetensorsAlwaysFails() throws IOException {
        byte[] good = Files.readAllBytes(Fixtures.path("tensors_f32.safetensors"));
        assertTimeoutPreemptively(LOOP_LIMIT, () -> {
            for (int length = 0; length < good.length; length++) {
                assertRejected(write("cut.safetensors", Arrays.copyOf(good, length)), "truncated to " + length);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "header length 2^64-1      | -1",
        "header length over 100 MB | 200000000",
        "header length = file size | 0",
    })
    void lyingHeaderLength(String what, long claimed) throws IOException {
        byte[] bad = Files.readAllBytes(Fixtures.path("tensors_f32.safetensors"));
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(0, claimed == 0 ? bad.length : claimed);
        assertRejected(write("len.safetensors", bad), what);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "enormous shape      | {\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,8],\"data_offsets\":[0,16]}}",
        "numel overflows     | {\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,16]}}",
        "negative dim        | {\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}",
        "fractional dim      | {\"w\":{\"dtype\":\"F32\",\"shape\":[4.0e0],\"data_offsets\":[0,16]}}",
        "unknown dtype       | {\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[16],\"data_offsets\":[0,16]}}",
        "offsets past end    | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}",
        "offsets huge        | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,99999999999999999999]}}",
        "size mismatch       | {\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}",
        "overlap             | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
        "gap                 | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
        "bytes left over     | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "reversed offsets    | {\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]}}",
        "missing offsets     | {\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}",
        "duplicate tensor    | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
        "bad metadata        | {\"__metadata__\":{\"a\":1},\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
        "not an object       | [1,2,3]",
        "trailing garbage    | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}} x",
        "invalid JSON        | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}",
        "deep nesting        | DEEP",
    })
    void lyingHeaderContent(String what, String header) throws IOException {
        if (header.equals("DEEP")) header = "{\"w\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        assertRejected(write("lie.safetensors", file.array()), what);
    }

    // ---- PyTorch zip ----

    @Test
    void truncatedPthAlwaysFails() throws IOException {
        byte[] good = Files.readAllBytes(Fixtures.path("plain.pth"));
        assertTimeoutPreemptively(LOOP_LIMIT, () -> {
            for (int length = 0; length < good.length; length += 3) {
                assertRejected(write("cut.pth", Arrays.copyOf(good, length)), "truncated to " + length);
            }
        });
    }

    /** 5 MB of NONE opcodes would be 5 million values: cut off by the value cap before it can grow into an OutOfMemoryError. */
    @Test
    void pickleBombIsCutOff() throws IOException {
        byte[] pickle = new byte[Unpickler.MAX_VALUES + 5];
        Arrays.fill(pickle, (byte) 'N');
        pickle[0] = (byte) 0x80;
        pickle[1] = 2;
        pickle[2] = '(';
        pickle[pickle.length - 2] = 't';
        pickle[pickle.length - 1] = '.';
        Path file = zip("bomb.pth", Map.of("bomb/data.pkl", pickle), e -> pickle);
        assertTrue(assertRejected(file, "pickle bomb").getMessage().contains("more than " + Unpickler.MAX_VALUES + " values"));
    }

    @Test
    void missingStorageEntryNamesTensor() throws IOException {
        Map<String, byte[]> entries = Fixtures.zipEntries(Fixtures.path("plain.pth"));
        Path file = zip("missing.pth", entries, e -> e.equals("plain/data/0") ? null : entries.get(e));
        QvitException e = assertRejected(file, "missing data/0");
        assertTrue(e.getMessage().contains("plain/data/0 is missing") && e.getMessage().contains("tensor 'weight'"), e.getMessage());
    }

    @Test
    void shortStorageEntryNamesTensor() throws IOException {
        Map<String, byte[]> entries = Fixtures.zipEntries(Fixtures.path("plain.pth"));
        Path file = zip("short.pth", entries, e -> e.equals("plain/data/0") ? Arrays.copyOf(entries.get(e), 8) : entries.get(e));
        QvitException e = assertRejected(file, "short data/0");
        assertTrue(e.getMessage().contains("tensor 'weight'") && e.getMessage().contains("fewer than"), e.getMessage());
    }

    @Test
    void zipWithoutPickleIsNotACheckpoint() throws IOException {
        Path file = zip("other.pth", Map.of("docs/readme.txt", new byte[] {1}), e -> new byte[] {1});
        assertTrue(assertRejected(file, "no data.pkl").getMessage().contains("not a torch.save checkpoint"));
    }

    @Test
    void dictWithoutStateDictListsItsKeys() throws IOException {
        // A hand-assembled protocol-2 pickle of {'epoch': 3, 'args': None}: a training checkpoint without weights.
        byte[] pickle = {(byte) 0x80, 2, '}', '(', 'X', 5, 0, 0, 0, 'e', 'p', 'o', 'c', 'h', 'K', 3, 'X', 4, 0, 0, 0, 'a', 'r', 'g', 's', 'N', 'u', '.'};
        Path file = zip("nodict.pth", Map.of("ck/data.pkl", pickle), e -> pickle);
        QvitException e = assertRejected(file, "no state_dict");
        assertTrue(e.getMessage().contains("[epoch, args]"), e.getMessage());
    }

    // ---- helpers ----

    private Path write(String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A zip with the given entry names; {@code content} gives each one's bytes, or null to leave it out. */
    private Path zip(String name, Map<String, byte[]> names, Function<String, byte[]> content) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String entry : names.keySet()) {
            byte[] data = content.apply(entry);
            if (data != null) entries.put(entry, data);
        }
        return write(name, Fixtures.zip(entries, false));
    }

    /** Opens the file and reads every tensor: empty when that worked, the QvitException when it failed properly. */
    private static Optional<QvitException> loadOrFailCleanly(Path file, String what) {
        try (StateDict sd = StateDicts.open(file)) {
            for (WeightTensor t : sd.tensors().values()) t.toFloats();
            return Optional.empty();
        } catch (QvitException e) {
            if (!e.getMessage().contains(file.toString())) fail(what + ": message does not name the file: " + e.getMessage(), e);
            return Optional.of(e);
        } catch (Throwable t) {
            return fail(what + ": " + t, t);
        }
    }

    private static QvitException assertRejected(Path file, String what) {
        return loadOrFailCleanly(file, what).orElseGet(() -> fail(what + ": loaded without complaint"));
    }
}
