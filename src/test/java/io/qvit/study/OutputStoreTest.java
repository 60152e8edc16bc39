package io.qvit.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.data.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output cache: a set counts as cached only when whole and made from exactly its images now. */
class OutputStoreTest {
    private static final float[][] LOGITS = {{1, 2}, {3, 4}}, FEATURES = {{0.5f}, {0.25f}};

    @Test
    void aSetIsCachedWhenWholeAndFromTheSameImages(@TempDir Path dir) throws Exception {
        OutputStore store = new OutputStore(dir);
        Path a = dir.resolve("a.png"), b = dir.resolve("b.png"), c = dir.resolve("c.png");
        StudyDataset set = new StudyDataset("id", List.of(new Sample(a, 1), new Sample(b, 0), new Sample(c, 1)));
        assertFalse(store.has("m", "fp32", set));
        store.claim("m", "fp32", "{}");

        // c was unreadable: the set is still whole
        store.write("m", "fp32", set, List.of(b.toString(), a.toString()), LOGITS, FEATURES, List.of(c.toString()));
        assertTrue(store.has("m", "fp32", set));
        CellOutputs read = store.read("m", "fp32", set);
        assertArrayEquals(new int[] {0, 1}, read.labels(), "labels follow the rows' files");
        assertArrayEquals(LOGITS[1], read.logits()[1]);
        assertTrue(read.labelled());

        StudyDataset grown = new StudyDataset("id", List.of(new Sample(a, 1), new Sample(b, 0), new Sample(c, 1), new Sample(dir.resolve("d.png"), 0)));
        assertFalse(store.has("m", "fp32", grown), "a changed list is run again");

        Files.delete(store.cellDir("m", "fp32").resolve("id.key"));
        assertFalse(store.has("m", "fp32", set), "without its key (written last) the set is not done");
    }

    /** Issue 19: an image edited in place, and a set written under another cell description, are not reused. */
    @Test
    void aSetIsKeyedByItsImagesAndItsCellsDescription(@TempDir Path dir) throws Exception {
        OutputStore store = new OutputStore(dir);
        Path a = Files.writeString(dir.resolve("a.png"), "aaaa"), b = Files.writeString(dir.resolve("b.png"), "bbbb");
        StudyDataset set = new StudyDataset("ood", List.of(Sample.unlabelled(a), Sample.unlabelled(b)));
        store.claim("m", "fp32", "{\"weights_sha256\": \"1\"}");
        store.write("m", "fp32", set, List.of(a.toString(), b.toString()), LOGITS, FEATURES, List.of());
        assertTrue(store.has("m", "fp32", set));

        Files.writeString(b, "BBBB"); // same name, same size
        Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() + 2000));
        assertFalse(store.has("m", "fp32", set), "an image edited in place is run again");
        store.write("m", "fp32", set, List.of(a.toString(), b.toString()), LOGITS, FEATURES, List.of());
        assertTrue(store.has("m", "fp32", set));

        // another study's description written over this one's, the outputs left as they were
        Files.writeString(store.cellDir("m", "fp32").resolve("cell.json"), "{\"weights_sha256\": \"2\"}");
        assertFalse(store.has("m", "fp32", set), "outputs computed under another description are not reused");
    }

    @Test
    void changedCellSettingsDiscardTheCell(@TempDir Path dir) {
        OutputStore store = new OutputStore(dir);
        StudyDataset set = new StudyDataset("ood", List.of(Sample.unlabelled(dir.resolve("x.png")), Sample.unlabelled(dir.resolve("y.png"))));
        assertFalse(store.claim("m", "w4a4", "{\"calibration\": [1]}"));
        store.write("m", "w4a4", set, List.of(dir.resolve("x.png").toString(), dir.resolve("y.png").toString()), LOGITS, FEATURES, List.of());
        assertFalse(store.claim("m", "w4a4", "{\"calibration\": [1]}"), "same settings: nothing discarded");
        assertTrue(store.has("m", "w4a4", set));
        assertTrue(store.claim("m", "w4a4", "{\"calibration\": [2]}"));
        assertFalse(store.has("m", "w4a4", set));
        assertEquals(1, store.cellDir("m", "w4a4").toFile().list().length, "only the new cell.json is left");
    }
}
