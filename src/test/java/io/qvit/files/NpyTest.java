package io.qvit.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.QvitException;
import io.qvit.testsupport.TestRandom;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Npy} against files numpy wrote (src/test/python/make_metric_fixtures.py), and against broken ones. */
class NpyTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/npy");

    @Test
    void readsWhatNumpyWroteAndRefusesWhatItCannotRead() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        for (JsonNode entry : manifest.get("files")) {
            Path file = DIR.resolve(entry.get("file").asText());
            if (entry.has("error")) {
                QvitException e = assertThrows(QvitException.class, () -> Npy.read(file), file.toString());
                assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(entry.get("error").asText()),
                        e.getMessage());
                continue;
            }
            NpyArray array = Npy.read(file);
            int[] shape = new int[entry.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = entry.get("shape").get(i).asInt();
            double[] values = new double[entry.get("values").size()];
            for (int i = 0; i < values.length; i++) values[i] = entry.get("values").get(i).asDouble();
            assertArrayEquals(shape, array.shape(), file.toString());
            assertArrayEquals(values, array.values(), file + ": bit for bit, -0.0 included");
        }
    }

    @Test
    void writesTheSameBytesAsNumpy(@TempDir Path dir) throws IOException {
        NpyArray matrix = Npy.read(DIR.resolve("f4_2d.npy")), column = Npy.read(DIR.resolve("f4_one_column.npy"));
        Npy.write(dir.resolve("matrix.npy"), matrix.floatRows());
        Npy.write(dir.resolve("column.npy"), column.floatRows());
        Npy.write(dir.resolve("empty.npy"), new float[0]);
        assertArrayEquals(Files.readAllBytes(DIR.resolve("f4_2d.npy")), Files.readAllBytes(dir.resolve("matrix.npy")));
        assertArrayEquals(Files.readAllBytes(DIR.resolve("f4_one_column.npy")), Files.readAllBytes(dir.resolve("column.npy")));
        assertArrayEquals(Files.readAllBytes(DIR.resolve("f4_empty.npy")), Files.readAllBytes(dir.resolve("empty.npy")));
    }

    @Test
    void roundTripsRandomArraysAtomically(@TempDir Path dir) throws IOException {
        SplittableRandom rnd = TestRandom.random("NpyTest.roundTrip");
        // a 1-D array longer than the 64 KiB copy buffer, and a 2-D one with special values
        float[] vector = TestRandom.uniform(rnd, 20_000 + rnd.nextInt(1000), 100f);
        float[][] matrix = new float[1 + rnd.nextInt(40)][1 + rnd.nextInt(30)];
        for (float[] row : matrix) System.arraycopy(TestRandom.uniform(rnd, row.length, 1e30f), 0, row, 0, row.length);
        matrix[0][0] = Float.MIN_VALUE;
        matrix[matrix.length - 1][0] = -0.0f;

        Npy.write(dir.resolve("vector.npy"), vector);
        Npy.write(dir.resolve("matrix.npy"), matrix);

        NpyArray v = Npy.read(dir.resolve("vector.npy")), m = Npy.read(dir.resolve("matrix.npy"));
        assertArrayEquals(new int[] {vector.length}, v.shape(), TestRandom.seedNote());
        double[] widened = new double[vector.length];
        for (int i = 0; i < vector.length; i++) widened[i] = vector[i];
        assertArrayEquals(widened, v.values(), TestRandom.seedNote());
        assertArrayEquals(new int[] {matrix.length, matrix[0].length}, m.shape(), TestRandom.seedNote());
        for (int r = 0; r < matrix.length; r++) assertArrayEquals(matrix[r], m.floatRows()[r], "row " + r + TestRandom.seedNote());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }

    @Test
    void aBrokenOrLyingFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.write(good, new float[] {1, 2, 3});
        byte[] bytes = Files.readAllBytes(good);

        assertRefused(dir, "cut.npy", Arrays.copyOf(bytes, bytes.length - 1), "truncated");
        assertRefused(dir, "long.npy", Arrays.copyOf(bytes, bytes.length + 4), "holds 16");
        assertRefused(dir, "header_only.npy", Arrays.copyOf(bytes, 9), "truncated");
        assertRefused(dir, "text.npy", "1.0\n2.0\n".getBytes(StandardCharsets.US_ASCII), "not a .npy file");
        // a header claiming 400 MB of floats over 12 bytes of data: refused before anything is allocated
        assertRefused(dir, "liar.npy", concat(new NpyHeader("<f4", 100_000_000, 1, 1).encode(), new byte[12]),
                "declares 400000000 bytes");
        assertRefused(dir, "huge.npy", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3000000000,), }"),
                "not a whole number below 2^31");
        assertRefused(dir, "product.npy", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (65536, 65536), }"),
                "more values than one Java array");
        assertRefused(dir, "garbage.npy", withHeader("{'shape': (3,)}"), "not a numpy dict");
        assertRefused(dir, "structured.npy", withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"),
                "not a numpy dict");
        byte[] future = bytes.clone();
        future[6] = 9;
        assertRefused(dir, "future.npy", future, "version 9");
        QvitException missing = assertThrows(QvitException.class, () -> Npy.read(dir.resolve("absent.npy")));
        assertTrue(missing.getMessage().contains("absent.npy") && missing.getMessage().contains("no such file"), missing.getMessage());
    }

    private static void assertRefused(Path dir, String name, byte[] content, String problem) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        QvitException e = assertThrows(QvitException.class, () -> Npy.read(file), name);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(problem), name + ": " + e.getMessage());
    }

    /** A version 1.0 file with this header text and no data. */
    private static byte[] withHeader(String dict) {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NpyHeader.MAGIC);
        out.writeBytes(new byte[] {1, 0, (byte) text.length, (byte) (text.length >>> 8)});
        out.writeBytes(text);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
