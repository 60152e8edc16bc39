package io.qvit.data;

/**
 * A port of Pillow's {@code Image.resize} for 8-bit RGB (libImaging/Resample.c, and Geometry.c's
 * affine scale for NEAREST), byte-identical to Pillow: the same double-precision filter weights,
 * the same 22-bit fixed-point coefficients and rounding, the same pass order and skipped passes.
 * The box is always the whole image.
 */
public final class PilResize {
    /** Pillow's PRECISION_BITS: 32 bits less 8 for the pixel and 2 for the sum's headroom and sign. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {}

    public static RgbImage resize(RgbImage img, int width, int height, Interpolation filter) {
        if (width <= 0 || height <= 0)
            throw new IllegalArgumentException("resize target must be positive: " + width + "x" + height);
        if (width == img.width() && height == img.height()) return new RgbImage(width, height, img.rgb().clone());
        if (filter == Interpolation.NEAREST) return nearest(img, width, height);
        Coefficients horizontal = Coefficients.of(img.width(), width, filter);
        Coefficients vertical = Coefficients.of(img.height(), height, filter);
        RgbImage in = img;
        if (width != img.width()) {
            // Pillow resamples only the source rows the vertical pass will read, then shifts its bounds.
            int firstRow = vertical.start[0];
            int lastRow = vertical.start[height - 1] + vertical.count[height - 1];
            in = horizontalPass(img, firstRow, lastRow - firstRow, horizontal);
            for (int i = 0; i < height; i++) vertical.start[i] -= firstRow;
        }
        return height != img.height() ? verticalPass(in, vertical) : in;
    }

    private static RgbImage horizontalPass(RgbImage in, int firstRow, int rows, Coefficients c) {
        int outW = c.start.length, inW = in.width();
        byte[] src = in.rgb(), dst = new byte[outW * rows * 3];
        for (int y = 0; y < rows; y++) {
            int rowBase = (y + firstRow) * inW * 3;
            for (int x = 0; x < outW; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                int k = x * c.ksize, p = rowBase + c.start[x] * 3;
                for (int i = 0; i < c.count[x]; i++, p += 3) {
                    int w = c.fixed[k + i];
                    s0 += (src[p] & 0xff) * w;
                    s1 += (src[p + 1] & 0xff) * w;
                    s2 += (src[p + 2] & 0xff) * w;
                }
                int o = (y * outW + x) * 3;
                dst[o] = clip8(s0);
                dst[o + 1] = clip8(s1);
                dst[o + 2] = clip8(s2);
            }
        }
        return new RgbImage(outW, rows, dst);
    }

    private static RgbImage verticalPass(RgbImage in, Coefficients c) {
        int outH = c.start.length, w = in.width(), stride = w * 3;
        byte[] src = in.rgb(), dst = new byte[w * outH * 3];
        for (int y = 0; y < outH; y++) {
            int k = y * c.ksize;
            for (int x = 0; x < w; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                int p = c.start[y] * stride + x * 3;
                for (int i = 0; i < c.count[y]; i++, p += stride) {
                    int wt = c.fixed[k + i];
                    s0 += (src[p] & 0xff) * wt;
                    s1 += (src[p + 1] & 0xff) * wt;
                    s2 += (src[p + 2] & 0xff) * wt;
                }
                int o = (y * w + x) * 3;
                dst[o] = clip8(s0);
                dst[o + 1] = clip8(s1);
                dst[o + 2] = clip8(s2);
            }
        }
        return new RgbImage(w, outH, dst);
    }

    /** Pillow's clip8: drop the fraction (arithmetic shift, so negative sums floor), then clamp. */
    private static byte clip8(int sum) {
        return (byte) Math.max(0, Math.min(255, sum >> PRECISION_BITS));
    }

    /**
     * Pillow resizes NEAREST through ImagingScaleAffine, not Resample.c: a source coordinate per
     * output pixel, accumulated by repeated addition (so its rounding is Pillow's too).
     */
    private static RgbImage nearest(RgbImage img, int width, int height) {
        double sx = (double) img.width() / width, sy = (double) img.height() / height;
        int[] column = new int[width];
        double xo = sx * 0.5;
        for (int x = 0; x < width; x++, xo += sx) column[x] = coord(xo, img.width());
        byte[] src = img.rgb(), dst = new byte[width * height * 3];
        double yo = sy * 0.5;
        for (int y = 0; y < height; y++, yo += sy) {
            int row = coord(yo, img.height());
            if (row < 0) continue; // outside the source: Pillow leaves the row filled with zeros
            for (int x = 0; x < width; x++) {
                if (column[x] < 0) continue;
                System.arraycopy(src, (row * img.width() + column[x]) * 3, dst, (y * width + x) * 3, 3);
            }
        }
        return new RgbImage(width, height, dst);
    }

    /** Geometry.c's COORD (truncation, -1 below zero) with -1 also for positions past the edge. */
    private static int coord(double v, int size) {
        int i = v < 0.0 ? -1 : (int) v;
        return i < size ? i : -1;
    }

    /** The filter weights of one axis: for output pixel i, {@code count[i]} taps from input {@code start[i]}. */
    private static final class Coefficients {
        final int ksize;
        final int[] start, count, fixed;

        private Coefficients(int ksize, int outSize) {
            this.ksize = ksize;
            start = new int[outSize];
            count = new int[outSize];
            fixed = new int[outSize * ksize];
        }

        /** Resample.c's precompute_coeffs and normalize_coeffs_8bpc, with box = [0, inSize). */
        static Coefficients of(int inSize, int outSize, Interpolation filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0); // downsampling widens the filter
            double support = filterScale * filter.support();
            Coefficients c = new Coefficients((int) Math.ceil(support) * 2 + 1, outSize);
            double[] w = new double[c.ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max(0, (int) (center - support + 0.5));
                int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
                double sum = 0.0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = weight(filter, (x + xmin - center + 0.5) * ss);
                    sum += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double k = sum != 0.0 ? w[x] / sum : w[x];
                    c.fixed[xx * c.ksize + x] = (int) (k < 0 ? -0.5 + k * (1 << PRECISION_BITS)
                            : 0.5 + k * (1 << PRECISION_BITS));
                }
                c.start[xx] = xmin;
                c.count[xx] = xmax;
            }
            return c;
        }
    }

    /** Resample.c's filter functions, term for term (float literals included). */
    private static double weight(Interpolation filter, double x) {
        switch (filter) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR:
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            case HAMMING:
                x = Math.abs(x);
                if (x == 0.0) return 1.0;
                if (x >= 1.0) return 0.0;
                x = x * Math.PI;
                return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x));
            case BICUBIC: {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
                return 0.0;
            }
            case LANCZOS:
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            default:
                throw new IllegalArgumentException("no resampling filter for " + filter);
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) return 1.0;
        x = x * Math.PI;
        return Math.sin(x) / x;
    }
}
