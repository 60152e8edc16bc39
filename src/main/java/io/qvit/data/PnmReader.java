package io.qvit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Netpbm greymaps and pixmaps with maxval 255: binary P5/P6 and plain-text P2/P3, with # comments. */
final class PnmReader {
    private final Path file;
    private final byte[] data;
    private int pos = 2;

    private PnmReader(Path file, byte[] data) {
        this.file = file;
        this.data = data;
    }

    static RgbImage read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ImageDecoder.unreadable(file, e.getMessage());
        }
        return new PnmReader(file, data).decode();
    }

    private RgbImage decode() {
        char kind = (char) data[1];
        int width = headerInt("width"), height = headerInt("height"), maxval = headerInt("maxval");
        if (width <= 0 || height <= 0) throw ImageDecoder.unreadable(file, "bad PNM size " + width + "x" + height);
        if (maxval != 255)
            throw ImageDecoder.unreadable(file, "PNM maxval " + maxval + " is not supported (only 8-bit, maxval 255); convert it to PNG");
        boolean colour = kind == '3' || kind == '6', binary = kind == '5' || kind == '6';
        ImageDecoder.checkPixels(file, width, height);
        int samples = width * height * (colour ? 3 : 1); // fits: checkPixels bounds it by 3 * MAX_PIXELS
        if (binary) pos++; // exactly one whitespace byte separates the header from the raster
        // Checked before the raster is allocated: a binary sample is one byte, a plain one at least one digit.
        if (data.length - pos < samples)
            throw ImageDecoder.unreadable(file, "truncated PNM: its header declares " + width + "x" + height + " pixels ("
                    + samples + " samples) but only " + Math.max(0, data.length - pos) + " bytes follow");
        byte[] raw = new byte[samples];
        if (binary) {
            System.arraycopy(data, pos, raw, 0, samples);
        } else {
            for (int i = 0; i < samples; i++) {
                int v = headerInt("pixel " + i);
                if (v > maxval) throw ImageDecoder.unreadable(file, "PNM sample " + v + " exceeds maxval " + maxval);
                raw[i] = (byte) v;
            }
        }
        if (colour) return new RgbImage(width, height, raw);
        byte[] rgb = new byte[samples * 3];
        for (int i = 0; i < samples; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = raw[i];
        return new RgbImage(width, height, rgb);
    }

    /** The next decimal number, skipping whitespace and comments; leaves pos on the byte after it. */
    private int headerInt(String what) {
        while (pos < data.length && (Character.isWhitespace(data[pos]) || data[pos] == '#')) {
            if (data[pos] == '#') while (pos < data.length && data[pos] != '\n') pos++;
            else pos++;
        }
        long v = 0;
        int start = pos;
        while (pos < data.length && data[pos] >= '0' && data[pos] <= '9' && v <= Integer.MAX_VALUE) v = v * 10 + data[pos++] - '0';
        if (pos == start || v > Integer.MAX_VALUE)
            throw ImageDecoder.unreadable(file, "truncated or malformed PNM: expected the " + what + " at byte " + start);
        return (int) v;
    }
}
