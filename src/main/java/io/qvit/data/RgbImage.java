package io.qvit.data;

/**
 * A decoded 8-bit RGB image, pixels interleaved row-major: {@code rgb[(y * width + x) * 3 + c]}.
 * Values are unsigned bytes (use {@code & 0xff}).
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (rgb.length != (long) width * height * 3)
            throw new IllegalArgumentException("rgb length " + rgb.length + " != " + width + "*" + height + "*3");
    }
}
