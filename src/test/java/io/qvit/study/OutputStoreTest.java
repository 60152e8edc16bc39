package io.qvit.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.data.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
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

        // c was unreadable: the set is still whole
        store.write("m", "fp32", "id", List.of(b.toString(), a.toString()), LOGITS, FEATURES, List.of(c.toString()));
        assertTrue(store.has("m", "fp32", set));
        CellOutputs read = store.read("m", "fp32", set);
        assertArrayEquals(new int[] {0, 1}, read.labels(), "labels follow the rows' files");
        assertArrayEquals(LOGITS[1], read.logits()[1]);
        assertTrue(read.labelled());

        StudyDataset grown = new StudyDataset("id", List.of(new Sample(a, 1), new Sample(b, 0), new Sample(c, 1), new Sample(dir.resolve("d.png"), 0)));
        assertFalse(store.has("m", "fp32", grown), "a changed list is run again");

        Files.delete(store.cellDir("m", "fp32").resolve("id.files.txt"));
        assertFalse(store.has("m", "fp32", set), "without files.txt (written last) the set is not done");
    }

    @Test
    void changedCellSettingsDiscardTheCell(@TempDir Path dir) {
        OutputStore store = new OutputStore(dir);
        StudyDataset set = new StudyDataset("ood", List.of(Sample.unlabelled(dir.resolve("x.png")), Sample.unlabelled(dir.resolve("y.png"))));
        assertFalse(store.claim("m", "w4a4", "{\"calibration\": [1]}"));
        store.write("m", "w4a4", "ood", List.of(dir.resolve("x.png").toString(), dir.resolve("y.png").toString()), LOGITS, FEATURES, List.of());
        assertFalse(store.claim("m", "w4a4", "{\"calibration\": [1]}"), "same settings: nothing discarded");
        assertTrue(store.has("m", "w4a4", set));
        assertTrue(store.claim("m", "w4a4", "{\"calibration\": [2]}"));
        assertFalse(store.has("m", "w4a4", set));
        assertEquals(1, store.cellDir("m", "w4a4").toFile().list().length, "only the new cell.json is left");
    }
}
