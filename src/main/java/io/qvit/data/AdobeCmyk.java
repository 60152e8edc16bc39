package io.qvit.data;

import java.awt.image.Raster;
import java.nio.file.Path;

/**
 * Four-channel JPEGs as Pillow converts them: libjpeg's CMYK samples, inverted (Adobe applications
 * store CMYK inverted, and Pillow reads every CMYK JPEG with rawmode CMYK;I, Adobe marker or not),
 * then Pillow's cmyk2rgb:
 * {@code R = 255 - K' - C*(255-K')/255} with its rounding division by 255.
 */
final class AdobeCmyk {
    private AdobeCmyk() {}

    static RgbImage toRgb(Path file, Raster r) {
        if (r.getNumBands() != 4) throw ImageDecoder.unreadable(file, r.getNumBands() + "-channel JPEG is not supported");
        int w = r.getWidth(), h = r.getHeight();
        int[] px = r.getPixels(r.getMinX(), r.getMinY(), w, h, (int[]) null);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            int nk = px[i * 4 + 3]; // 255 - K, with K inverted on disk
            for (int c = 0; c < 3; c++) {
                int cyan = 255 - px[i * 4 + c];
                rgb[i * 3 + c] = (byte) Math.max(0, Math.min(255, nk - mulDiv255(cyan, nk)));
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Pillow's MULDIV255: a*b/255 rounded, without a division. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
