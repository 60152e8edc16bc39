package io.qvit.model.weights;

import static io.qvit.testsupport.Floats.assertSameFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    /** Re-adding the tensors that Python's safetensors wrote, in its order, must give the very same bytes. */
    @Test
    void reproducesPythonSafetensorsByteForByte() throws IOException {
        Path python = Fixtures.path("tensors_f32.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        try (StateDict sd = StateDicts.open(python)) {
            sd.metadata().forEach(writer::metadata);
            for (WeightTensor t : sd.tensors().values()) writer.add(t.name(), t.dtype(), t.shape(), t.toFloats());
        }
        Path java = dir.resolve("java.safetensors");
        writer.write(java);
        assertArrayEquals(Files.readAllBytes(python), Files.readAllBytes(java));
    }

    /** Every dtype round-trips its raw bytes; the header is padded to 8 bytes; metadata comes back. */
    @Test
    void roundTripsEveryDtype() throws IOException {
        Random random = new Random(11);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("quant", "w4a4").metadata("note", "ünïcode");
        Map<String, byte[]> written = new java.util.LinkedHashMap<>();
        for (DType dtype : DType.values()) {
            int[] shape = {3, dtype.ordinal() + 1};
            byte[] data = new byte[3 * (dtype.ordinal() + 1) * dtype.bytes()];
            random.nextBytes(data);
            writer.add("t_" + dtype, dtype, shape, data);
            written.put("t_" + dtype, data);
        }
        writer.add("empty", DType.F32, new int[] {0, 5}, new byte[0]);
        writer.add("scalar", DType.F32, new int[0], new float[] {-2.5f});
        Path file = dir.resolve("all.safetensors");
        writer.write(file);

        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, head.getLong(0) % 8, "header length is a multiple of 8");
        try (StateDict sd = StateDicts.open(file)) {
            assertEquals(Map.of("quant", "w4a4", "note", "ünïcode"), sd.metadata());
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                ByteBuffer bytes = ((StoredTensor) sd.tensors().get(e.getKey())).bytes();
                byte[] actual = new byte[bytes.remaining()];
                bytes.get(actual);
                assertArrayEquals(e.getValue(), actual, e.getKey());
            }
            assertArrayEquals(new int[] {0, 5}, sd.tensors().get("empty").shape());
            assertSameFloats(new float[] {-2.5f}, sd.tensors().get("scalar").toFloats(), "scalar");
            assertEquals(List.copyOf(written.keySet()), List.copyOf(sd.tensors().keySet()).subList(0, written.size()));
        }
    }

    /** Replacing a file goes through a temporary file that is moved into place; nothing is left behind. */
    @Test
    void replacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        new SafetensorsWriter().add("a", DType.F32, new int[] {1}, new float[] {1}).write(file);
        new SafetensorsWriter().add("b", DType.F32, new int[] {2}, new float[] {2, 3}).write(file);
        try (StateDict sd = StateDicts.open(file)) {
            assertEquals(List.of("b"), List.copyOf(sd.tensors().keySet()));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void failedWriteThrowsQvitExceptionAndLeavesNoFile() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path file = notAFolder.resolve("model.safetensors");
        QvitException e = assertThrows(QvitException.class,
                () -> new SafetensorsWriter().add("a", DType.F32, new int[] {1}, new float[] {1}).write(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(notAFolder), files.toList());
        }
    }

    @Test
    void rejectsInconsistentTensors() {
        SafetensorsWriter writer = new SafetensorsWriter().add("a", DType.F32, new int[] {2}, new float[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> writer.add("a", DType.F32, new int[] {1}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> writer.add("b", DType.F16, new int[] {3}, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("c", DType.F16, new int[] {1}, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> writer.add("d", DType.F32, new int[] {-1}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("__metadata__", DType.F32, new int[] {0}, new byte[0]));
    }
}
