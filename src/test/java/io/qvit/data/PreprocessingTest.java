package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
    private static Preprocessing square(int size, double cropPct) {
        return new Preprocessing(size, size, cropPct, Interpolation.BICUBIC, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);
    }

    /** timm's math.floor(img_size / crop_pct), in double as Python computes it. */
    @Test
    void scaleSizeIsTimmsFloor() {
        assertEquals(256, square(224, 0.875).scaleSize());
        assertEquals(248, square(224, 0.9).scaleSize());
        assertEquals(235, square(224, 0.95).scaleSize());
        assertEquals(224, square(224, 1.0).scaleSize());
        assertEquals(438, square(384, 0.875).scaleSize()); // 438.857...
        Preprocessing p = new Preprocessing(40, 56, 0.9, Interpolation.BILINEAR, Preprocessing.INCEPTION_MEAN, Preprocessing.INCEPTION_STD);
        assertEquals(44, p.scaleHeight());
        assertEquals(62, p.scaleWidth());
        assertThrows(IllegalStateException.class, p::scaleSize);
    }

    @Test
    void badValuesNameTheOption() {
        QvitException e = assertThrows(QvitException.class, () -> square(224, 0.0));
        assertTrue(e.getMessage().contains("crop_pct"), e.getMessage());
        e = assertThrows(QvitException.class, () -> new Preprocessing(224, 224, 0.9, Interpolation.BICUBIC, new float[] {0.5f}, Preprocessing.IMAGENET_STD));
        assertTrue(e.getMessage().contains("mean and std"), e.getMessage());
    }

    @Test
    void toStringSaysWhatHappens() {
        assertEquals("resize shorter side 248 (bicubic, crop_pct 0.9), centre crop 224x224, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]",
                square(224, 0.9).toString());
    }

    @Test
    void meanAndStdCannotBeChangedFromOutside() {
        float[] mean = {0.5f, 0.5f, 0.5f};
        Preprocessing p = new Preprocessing(8, 8, 1.0, Interpolation.BILINEAR, mean, Preprocessing.INCEPTION_STD);
        mean[0] = 9;
        p.mean()[1] = 9;
        assertEquals(0.5f, p.mean()[0]);
        assertEquals(0.5f, p.mean()[1]);
        assertEquals(new Preprocessing(8, 8, 1.0, Interpolation.BILINEAR, new float[] {0.5f, 0.5f, 0.5f}, Preprocessing.INCEPTION_STD), p);
    }
}
