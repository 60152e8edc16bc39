package io.qvit.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
            Path file = Files.writeString(dir.resolve("model.pth"), content, java.nio.charset.StandardCharsets.ISO_8859_1);
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

    @Test
    void pickleAskingForOsSystemIsRefusedNotRun() {
        Path file = Fixtures.path("exploit.pth");
        QvitException e = assertThrows(QvitException.class, () -> StateDicts.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("refusing to load Python global 'posix.system'"),
                e.getMessage());
    }
}
