package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qvit.testsupport.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ImageIO's JPEG decoder (IJG libjpeg 6b inside the JDK) against Pillow's (libjpeg-turbo) on real
 * ImageNet files: the fixture holds the SHA-256 of Pillow's RGB decode of the first 24. Measured once
 * over all 2600 real JPEGs in ../shared/data (1000 ImageNet, 600 DTD, 1000 CIFAR-10, all 4:2:0 YCbCr):
 * every byte of every file equal, so exact equality is asserted here. Then decode and transform
 * together: the tensors of 8 real files equal those of timm's ViT-Tiny eval transform bit for bit.
 */
class RealJpegDecodeTest {
    @Test
    void decodesRealImageNetJpegsExactlyAsPillow() throws Exception {
        Path folder = SharedData.require("imagenet-samples");
        List<String> rows = Files.readAllLines(Fixtures.file("imagenet_jpeg_sha256.tsv"));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split("\t");
            RgbImage img = ImageDecoder.decode(folder.resolve(f[0]));
            assertEquals(f[1] + "x" + f[2], img.width() + "x" + img.height(), f[0]);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(img.rgb()));
            assertEquals(f[3], sha, f[0] + ": Java's decode differs from Pillow's");
        }
    }

    @Test
    void realImageNetTensorsMatchTimmsVitTinyTransform() throws Exception {
        Path folder = SharedData.require("imagenet-samples");
        EvalTransform vitTiny = new EvalTransform(new Preprocessing(224, 224, 0.9, Interpolation.BICUBIC,
                Preprocessing.INCEPTION_MEAN, Preprocessing.INCEPTION_STD));
        List<String> rows = Files.readAllLines(Fixtures.file("imagenet_vit_tiny_tensor_sha256.tsv"));
        for (String row : rows.subList(2, rows.size())) {
            String[] f = row.split("\t");
            float[] t = vitTiny.apply(ImageDecoder.decode(folder.resolve(f[0])));
            ByteBuffer le = ByteBuffer.allocate(t.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            le.asFloatBuffer().put(t);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le.array()));
            assertEquals(f[1], sha, f[0] + ": tensor differs from timm's");
        }
    }
}
