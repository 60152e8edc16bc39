package io.qvit.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * The Pillow/timm fixtures written by src/test/python/make_preprocessing_fixtures.py, described by
 * its manifest.json. Expected PNGs are read here with plain ImageIO (8-bit RGB only), independently
 * of {@link ImageDecoder}, so that resize tests do not rest on the decoder under test.
 */
final class Fixtures {
    static final Path DIR = Path.of("src/test/resources/fixtures/preprocessing");

    private Fixtures() {}

    static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path file(String name) {
        return DIR.resolve(name);
    }

    /** An 8-bit RGB PNG as Pillow wrote it. */
    static RgbImage png(String name) {
        try {
            Raster r = ImageIO.read(file(name).toFile()).getRaster();
            if (r.getNumBands() != 3 || r.getSampleModel().getSampleSize(0) != 8)
                throw new IllegalStateException(name + " is not 8-bit RGB");
            int[] px = r.getPixels(0, 0, r.getWidth(), r.getHeight(), (int[]) null);
            byte[] rgb = new byte[px.length];
            for (int i = 0; i < px.length; i++) rgb[i] = (byte) px[i];
            return new RgbImage(r.getWidth(), r.getHeight(), rgb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gzipped float32 little-endian tensor. */
    static float[] floats(String name) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file(name)))) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[b.remaining() / 4];
            b.asFloatBuffer().get(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Index and count of differing bytes, for a message that says where and how much. */
    static String diff(byte[] expected, byte[] actual) {
        if (expected.length != actual.length) return "length " + actual.length + " != " + expected.length;
        int first = -1, count = 0, max = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xff) - (actual[i] & 0xff));
            if (d == 0) continue;
            if (first < 0) first = i;
            count++;
            max = Math.max(max, d);
        }
        return count == 0 ? null : count + " of " + expected.length + " bytes differ (max by " + max
                + "), first at byte " + first + ": expected " + (expected[first] & 0xff) + " got " + (actual[first] & 0xff);
    }
}
