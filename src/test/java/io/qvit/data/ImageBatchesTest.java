package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBatchesTest {
    private static final EvalTransform TRANSFORM = new EvalTransform(new Preprocessing(16, 16, 0.875, Interpolation.BICUBIC,
            Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD));

    /** Eleven samples, batches of four, three threads: order kept, the unreadable ones reported, data as decoded alone. */
    @Test
    void batchesInOrderAndReportsUnreadableImages(@TempDir Path dir) throws IOException {
        String[] good = {"dec_rgb.ppm", "dec_grey.png", "dec_ycbcr420.jpg", "dec_rgba.png", "dec_cmyk.jpg", "dec_palette.png"};
        Path broken = Files.writeString(dir.resolve("broken.jpg"), "not an image");
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            boolean bad = i == 2 || i == 8 || i == 9 || i == 10;
            samples.add(new Sample(bad ? broken : Fixtures.file(good[i % good.length]), i));
        }
        List<ImageBatches.Failure> told = new ArrayList<>();
        List<ImageBatches.Batch> batches = new ArrayList<>();
        int len = TRANSFORM.outputLength();
        try (ImageBatches b = new ImageBatches(samples, TRANSFORM, 4, 3, told::add)) {
            for (ImageBatches.Batch batch : b) {
                batches.add(batch);
                assertEquals(b.processed(), Math.min(11, 4 * batches.size()));
            }
            assertEquals(4, b.failures().size());
            assertEquals(b.failures(), told);
            assertEquals(11, b.processed());
            assertTrue(b.failures().get(0).reason().contains("broken.jpg"), b.failures().get(0).reason());
            assertThrows(IllegalStateException.class, b::iterator);
        }
        assertEquals(List.of(3, 4, 0), batches.stream().map(x -> x.samples().size()).toList());
        List<Sample> kept = batches.stream().flatMap(x -> x.samples().stream()).toList();
        assertEquals(List.of(0, 1, 3, 4, 5, 6, 7), kept.stream().map(Sample::label).toList());
        int i = 0;
        for (ImageBatches.Batch batch : batches) {
            assertEquals(16, batch.height());
            assertEquals(batch.samples().size() * len, batch.data().length);
            for (int k = 0; k < batch.samples().size(); k++, i++) {
                float[] alone = TRANSFORM.apply(ImageDecoder.decode(kept.get(i).file()));
                assertArrayEquals(alone, java.util.Arrays.copyOfRange(batch.data(), k * len, (k + 1) * len), kept.get(i).toString());
            }
        }
    }
}
