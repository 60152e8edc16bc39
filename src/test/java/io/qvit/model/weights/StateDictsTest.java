package io.qvit.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.testsupport.Floats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader is chosen by content; files of other kinds get a message naming them and the supported formats. */
class StateDictsTest {
    @TempDir
    Path dir;

    @Test
    void picksReaderByContentNotExtension() throws IOException {
        try (StateDict sd = StateDicts.open(Fixtures.copy("plain.pth", dir, "weights.safetensors"))) {
            assertInstanceOf(PthReader.class, sd);
        }
        try (StateDict sd = StateDicts.open(Fixtures.copy("tensors_f32.safetensors", dir, "weights.bin"))) {
            assertInstanceOf(SafetensorsReader.class, sd);
        }
    }

    @Test
    void unknownFormatNamesFileAndFormats() throws IOException {
        for (String content : new String[] {"", "hello", "{\"not\": \"a checkpoint\"}", "\u0080\u0002}q\u0000."}) {
            Path file = Files.writeString(dir.resolve("model.pth"), content, StandardCharsets.ISO_8859_1);
            QvitException e = assertThrows(QvitException.class, () -> StateDicts.open(file));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("safetensors")
                    && e.getMessage().contains("torch.save"), e.getMessage());
        }
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.safetensors");
        QvitException e = assertThrows(QvitException.class, () -> StateDicts.open(file));
        assertEquals(file + ": no such file; check the path", e.getMessage());
    }

    /** Per-tensor mapping reaches data beyond 2 GB (a sparse file, so it costs no disk). */
    @Test
    void readsTensorsBeyondTwoGigabytes() throws IOException {
        long big = 1L << 30;
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[" + big + "," + 2 * big + "]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + 2 * big + "," + (2 * big + 8) + "]}}";
        byte[] json = header.getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("sparse.safetensors");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            out.write(head.putLong(json.length).put(json).flip());
            ByteBuffer c = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            out.write(c.putFloat(1.5f).putFloat(-2f).flip(), 8 + json.length + 2 * big);
        }
        try (StateDict sd = StateDicts.open(file)) {
            assertEquals(2 * big, sd.tensors().get("a").numel() + sd.tensors().get("b").numel());
            Floats.assertSameFloats(new float[] {1.5f, -2f}, sd.tensors().get("c").toFloats(), "c");
        }
    }

    @Test
    void readingAfterCloseIsAnError() {
        Path file = Fixtures.path("plain.pth");
        WeightTensor weight;
        try (StateDict sd = StateDicts.open(file)) {
            weight = sd.tensors().get("weight");
        }
        QvitException e = assertThrows(QvitException.class, weight::toFloats);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void pickleAskingForOsSystemIsRefusedNotRun() {
        Path file = Fixtures.path("exploit.pth");
        QvitException e = assertThrows(QvitException.class, () -> StateDicts.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("refusing to load Python global 'posix.system'"),
                e.getMessage());
    }
}
