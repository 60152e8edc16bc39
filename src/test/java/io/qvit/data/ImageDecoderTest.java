package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    /**
     * Grey, bilevel, palette (with tRNS), 4-bit palette, grey+alpha, RGBA, 16-bit grey/grey+alpha/RGB/RGBA
     * PNGs, binary and plain PPM/PGM, YCbCr 4:2:0, 4:2:2, 4:4:4 and progressive, grey and Adobe CMYK
     * JPEGs: every byte equals
     * Pillow's Image.open(f).convert("RGB").
     */
    @Test
    void matchesPillowConvertRgb() {
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = Fixtures.manifest().get("decode").fields(); it.hasNext(); ) {
            var e = it.next();
            RgbImage img = ImageDecoder.decode(Fixtures.file(e.getKey()));
            String what = e.getKey() + " (Pillow mode " + e.getValue().get("mode").asText() + ")";
            assertEquals(e.getValue().get("width").asInt(), img.width(), what);
            assertEquals(e.getValue().get("height").asInt(), img.height(), what);
            assertNull(Fixtures.diff(Fixtures.bytes(e.getValue().get("expected").asText()), img.rgb()), what);
        }
    }

    @Test
    void truncatedJpegIsAnErrorNamingTheFile() {
        Path f = Fixtures.file("dec_truncated.jpg");
        QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedPngAndPpmAreErrors(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"dec_rgba.png", "dec_rgb.ppm"}) {
            byte[] whole = Fixtures.bytes(name);
            Path cut = dir.resolve("cut_" + name);
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 40));
            QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(cut));
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
    }

    /** Found by ImageDecoderFuzzTest: 13 x 2^31-1 overflowed int to a 2 GB raster, allocated before the data was looked at. */
    @Test
    void pnmSizeOverTheLimitIsRefusedBeforeAllocating(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("huge.pgm"), "P2\n13 2147483647\n255\n1 2 3\n".getBytes());
        QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("13x2147483647")
                && e.getMessage().contains("limit of " + ImageDecoder.MAX_PIXELS), e.getMessage());
    }

    @Test
    void pnmSizeBeyondTheFileIsRefusedBeforeAllocating(@TempDir Path dir) throws IOException {
        for (String header : new String[] {"P5\n10000 10000\n255\n", "P2\n10000 10000\n255\n"}) {
            Path f = Files.write(dir.resolve("short.pnm"), (header + "1 2 3 4").getBytes());
            QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(f));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("100000000 samples"), e.getMessage());
        }
    }

    /** Found by ImageDecoderFuzzTest: a PNG declaring 67108864 pixels a row made ImageIO allocate for 7 s before failing. */
    @Test
    void pngHeaderLyingAboutItsSizeIsRefusedBeforeDecoding(@TempDir Path dir) throws IOException {
        for (int width : new int[] {67_108_864, 10_000_000}) {
            byte[] png = Fixtures.bytes("dec_grey.png");
            java.nio.ByteBuffer.wrap(png).putInt(16, width);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(png, 12, 17); // IHDR's type and data, so that the lie is not caught by the checksum
            java.nio.ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
            Path f = Files.write(dir.resolve("wide.png"), png);
            QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(f));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("declares " + width + "x"), e.getMessage());
            assertTrue(e.getMessage().contains(width > 50_000_000 ? "over the limit" : "bytes can hold"), e.getMessage());
        }
    }

    @Test
    void jpegHeaderLyingAboutItsSizeIsRefusedBeforeDecoding(@TempDir Path dir) throws IOException {
        byte[] jpeg = Fixtures.bytes("dec_grey.jpg");
        int sof = 2;
        while (!((jpeg[sof] & 0xff) == 0xFF && (jpeg[sof + 1] & 0xff) == 0xC0)) sof++;
        java.nio.ByteBuffer.wrap(jpeg).putShort(sof + 5, (short) 0x1000).putShort(sof + 7, (short) 0x3000);
        Path f = Files.write(dir.resolve("tall.jpg"), jpeg);
        QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("declares 12288x4096"), e.getMessage());
    }

    @Test
    void unknownFormatAndMissingFileSayWhat(@TempDir Path dir) throws IOException {
        Path gif = Files.write(dir.resolve("a.gif"), "GIF89a....".getBytes());
        QvitException e = assertThrows(QvitException.class, () -> ImageDecoder.decode(gif));
        assertTrue(e.getMessage().contains(gif.toString()) && e.getMessage().contains("not a JPEG, PNG or PNM"), e.getMessage());
        Path missing = dir.resolve("missing.jpg");
        e = assertThrows(QvitException.class, () -> ImageDecoder.decode(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"), e.getMessage());
    }
}
