package io.qvit.data;

/**
 * timm's eval transform ({@code transforms_imagenet_eval}, crop mode "center") as used with PIL images:
 * torchvision Resize of the shorter side to the scale size (a non-square input size goes through timm's
 * ResizeKeepRatio instead, which is always bilinear), CenterCrop, ToTensor, Normalize. Float results
 * equal torchvision's bit for bit: the same float32 operations in the same order.
 */
public final class EvalTransform {
    private final Preprocessing pre;
    private final float[] mean, std;

    public EvalTransform(Preprocessing pre) {
        this.pre = pre;
        mean = pre.mean();
        std = pre.std();
    }

    public Preprocessing preprocessing() {
        return pre;
    }

    /** Floats per image: 3 x height x width. */
    public int outputLength() {
        return 3 * pre.height() * pre.width();
    }

    public float[] apply(RgbImage img) {
        float[] out = new float[outputLength()];
        applyInto(img, out, 0);
        return out;
    }

    /** Writes the CHW tensor of {@code img} into {@code dst[offset .. offset + outputLength())}. */
    public void applyInto(RgbImage img, float[] dst, int offset) {
        RgbImage crop = resizeAndCrop(img);
        byte[] rgb = crop.rgb();
        int plane = pre.height() * pre.width();
        for (int c = 0; c < 3; c++) {
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                // ToTensor divides by 255 in float32; Normalize subtracts the mean, then divides by std.
                float x = (rgb[i * 3 + c] & 0xff) / 255f;
                dst[base + i] = (x - mean[c]) / std[c];
            }
        }
    }

    /** The uint8 image that enters ToTensor: resized, then centre-cropped to height x width. */
    public RgbImage resizeAndCrop(RgbImage img) {
        return centerCrop(resize(img), pre.height(), pre.width());
    }

    private RgbImage resize(RgbImage img) {
        int w = img.width(), h = img.height();
        if (pre.height() == pre.width()) {
            // torchvision's _compute_resized_output_size: short side = size, long side truncated.
            int size = pre.scaleSize();
            int shorter = Math.min(w, h), longer = Math.max(w, h);
            int newLong = (int) ((double) ((long) size * longer) / shorter);
            return w <= h ? PilResize.resize(img, size, newLong, pre.interpolation())
                    : PilResize.resize(img, newLong, size, pre.interpolation());
        }
        // timm's ResizeKeepRatio(scale_size), longest=0: the smaller ratio wins, sizes rounded half-even.
        double ratio = Math.min((double) h / pre.scaleHeight(), (double) w / pre.scaleWidth());
        return PilResize.resize(img, (int) Math.rint(w / ratio), (int) Math.rint(h / ratio), Interpolation.BILINEAR);
    }

    /** torchvision's center_crop: zero-pad a side shorter than the crop, then offsets rounded half-even. */
    static RgbImage centerCrop(RgbImage img, int cropH, int cropW) {
        int padLeft = Math.max(0, (cropW - img.width()) / 2), padTop = Math.max(0, (cropH - img.height()) / 2);
        int padW = Math.max(img.width(), cropW), padH = Math.max(img.height(), cropH);
        int left = (int) Math.rint((padW - cropW) / 2.0), top = (int) Math.rint((padH - cropH) / 2.0);
        byte[] src = img.rgb(), dst = new byte[cropW * cropH * 3];
        for (int y = 0; y < cropH; y++) {
            int sy = y + top - padTop;
            if (sy < 0 || sy >= img.height()) continue;
            int x0 = Math.max(0, padLeft - left), x1 = Math.min(cropW, padLeft - left + img.width());
            if (x1 <= x0) continue;
            System.arraycopy(src, (sy * img.width() + x0 + left - padLeft) * 3, dst, (y * cropW + x0) * 3, (x1 - x0) * 3);
        }
        return new RgbImage(cropW, cropH, dst);
    }
}
