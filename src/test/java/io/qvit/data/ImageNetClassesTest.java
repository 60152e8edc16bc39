package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qvit.QvitException;
import io.qvit.testsupport.SharedData;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageNetClassesTest {
    @Test
    void knowsTheStandardOrder() {
        assertEquals(1000, ImageNetClasses.size());
        assertEquals("n01440764", ImageNetClasses.wnid(0));
        assertEquals("tench, Tinca tinca", ImageNetClasses.name(0));
        assertEquals("n15075141", ImageNetClasses.wnid(999));
        assertEquals(1, ImageNetClasses.indexOfWnid("n01443537"));
        assertEquals(-1, ImageNetClasses.indexOfWnid("n00000000"));
        assertThrows(QvitException.class, () -> ImageNetClasses.name(1000));
    }

    /** The shared sample list (class_index, wnid, ...) was made independently of timm; both orders must agree. */
    @Test
    void agreesWithTheSharedLabelList() throws Exception {
        List<String> rows = Files.readAllLines(SharedData.require("imagenet-samples/labels.csv"));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", 3);
            assertEquals(Integer.parseInt(f[0]), ImageNetClasses.indexOfWnid(f[1]), row);
        }
    }
}
