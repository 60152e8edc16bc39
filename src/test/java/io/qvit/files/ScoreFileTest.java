package io.qvit.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qvit.QvitException;
import io.qvit.testsupport.MetricFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreFileTest {
    @Test
    void readsNumpySaveAndSavetxtOutput() {
        JsonNode tied = null;
        for (JsonNode c : MetricFixtures.cases("ood_cases.json")) if (c.get("name").asText().equals("tied_saturated")) tied = c;
        // np.save of float64 and np.savetxt's %.18e both give back the very same doubles
        assertArrayEquals(MetricFixtures.doubles(tied.get("id")), ScoreFile.read(MetricFixtures.DIR.resolve("cli_id.npy")));
        assertArrayEquals(MetricFixtures.doubles(tied.get("ood")), ScoreFile.read(MetricFixtures.DIR.resolve("cli_ood.txt")));
        assertArrayEquals(Npy.read(Path.of("src/test/resources/fixtures/npy/f4_one_column.npy")).values(),
                ScoreFile.read(Path.of("src/test/resources/fixtures/npy/f4_one_column.npy")), "an (N, 1) array is one score per row");
    }

    @Test
    void textIsOneNumberPerLineAndBlankLinesAreSkipped(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("scores");
        Files.writeString(file, "0.5\n\n  -1e-3 \r\n+2.\n.25\n\n");
        assertArrayEquals(new double[] {0.5, -1e-3, 2, 0.25}, ScoreFile.read(file));
        Files.writeString(file, "");
        assertArrayEquals(new double[0], ScoreFile.read(file));
    }

    /** Issue 19: a binary file that is not .npy was reported as a bare decoding error ("Input length = 1"). */
    @Test
    void aBinaryFileIsNamedAsNotText(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("scores.bin"), new byte[] {0x30, 0x2e, 0x35, 0x0a, (byte) 0xff, (byte) 0xfe, 0x0a});
        QvitException e = assertThrows(QvitException.class, () -> ScoreFile.read(file));
        assertTrue(e.getMessage().contains(file + " is neither text (UTF-8) nor a .npy file"), e.getMessage());
    }

    @Test
    void badFilesAreNamedWithTheLineOrIndex(@TempDir Path dir) throws IOException {
        assertRefused(dir, "words.txt", "0.1\n\nhigh\n".getBytes(), "line 3: 'high' is not a finite decimal number");
        assertRefused(dir, "nan.txt", "0.1\nnan\n".getBytes(), "line 2: 'nan'");
        assertRefused(dir, "suffix.txt", "1.5f\n".getBytes(), "line 1");
        assertRefused(dir, "binary.txt", new byte[] {1, (byte) 0xff, (byte) 0xfe, 0, 10}, "is neither text (UTF-8) nor a .npy file");
        Path matrix = dir.resolve("matrix.npy");
        Npy.write(matrix, new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertMessage(matrix, "shape [2, 3] is not one score per sample");
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, new float[] {0, 1, Float.NaN});
        assertMessage(nan, "score [2] is NaN");
        assertMessage(dir.resolve("absent.txt"), "no such file");
    }

    private static void assertRefused(Path dir, String name, byte[] content, String problem) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        assertMessage(file, problem);
    }

    private static void assertMessage(Path file, String problem) {
        QvitException e = assertThrows(QvitException.class, () -> ScoreFile.read(file), file.toString());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(problem), e.getMessage());
    }
}
