package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class EvalTransformTest {
    /**
     * timm's create_transform(is_training=False) at 224 (ViT-Tiny's own config, and crop_pct 0.875
     * bilinear on a portrait image), small sizes for crop_pct 0.875/0.9/0.95/1.0 bicubic and bilinear,
     * and a non-square input size (ResizeKeepRatio): the uint8 crop equals torchvision's byte for byte,
     * and the tensor equals it bit for bit. Exact float equality, not 1 ulp, because the Java code does
     * the same two correctly rounded float32 operations as torch (x/255, then (x-mean)/std with mean
     * and std already rounded to float32), so there is nothing for an ulp to absorb.
     */
    @Test
    void matchesTimmEvalTransform() {
        for (JsonNode c : Fixtures.manifest().get("eval")) {
            Preprocessing pre = new Preprocessing(c.get("height").asInt(), c.get("width").asInt(), c.get("crop_pct").asDouble(),
                    Interpolation.parse(c.get("interpolation").asText()), floats(c.get("mean")), floats(c.get("std")));
            EvalTransform t = new EvalTransform(pre);
            RgbImage in = Fixtures.png(c.get("input").asText());
            String what = c.get("input").asText() + " " + pre + " vs timm " + c.get("transform").asText();
            RgbImage crop = t.resizeAndCrop(in);
            assertNull(Fixtures.diff(Fixtures.png(c.get("crop").asText()).rgb(), crop.rgb()), what);
            if (c.get("tensor").isNull()) continue;
            float[] expected = Fixtures.floats(c.get("tensor").asText());
            float[] actual = new float[expected.length + 5];
            t.applyInto(in, actual, 5);
            for (int i = 0; i < expected.length; i++)
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i + 5]), what + " at float " + i);
            assertArrayEquals(expected, t.apply(in), what);
            assertEquals(expected.length, t.outputLength());
        }
    }

    /** torchvision pads a too-small image with zeros: left/top get (crop - size) // 2, the rest goes right/bottom. */
    @Test
    void centerCropPadsLikeTorchvision() {
        byte[] px = new byte[3 * 2 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i + 1);
        RgbImage img = new RgbImage(3, 2, px); // 3 wide, 2 high
        RgbImage out = EvalTransform.centerCrop(img, 5, 2); // taller than the image, narrower
        // width 3 -> 2: left = round(0.5) = 0 (half to even); height 2 -> 5: one row above, two below.
        byte[] expected = new byte[2 * 5 * 3];
        System.arraycopy(px, 0, expected, 2 * 3, 6);
        System.arraycopy(px, 9, expected, 4 * 3, 6);
        assertArrayEquals(expected, out.rgb());
        // width 3 -> 1: left = round(1.0) = 1.
        assertArrayEquals(new byte[] {4, 5, 6, 13, 14, 15}, EvalTransform.centerCrop(img, 2, 1).rgb());
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
        return f;
    }
}
