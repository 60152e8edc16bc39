package io.qvit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import io.qvit.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledCsvTest {
    /** The real list: class_index,wnid,label,file, where "label" holds names, so class_index must be chosen. */
    @Test
    void readsTheSharedImageNetList() {
        Path csv = SharedData.require("imagenet-samples/labels.csv");
        List<Sample> s = LabelledCsv.read(csv, null, null);
        assertEquals(1000, s.size());
        assertEquals(new Sample(csv.getParent().resolve("n01440764_tench.JPEG").toAbsolutePath().normalize(), 0), s.get(0));
        for (Sample x : s) assertTrue(Files.isRegularFile(x.file()), x.file().toString());
        assertEquals(999, s.get(999).label());
    }

    @Test
    void namedColumnsQuotesWnidsAndRelativePaths(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("list.csv"), "Target,Image,note\n"
                + "7,a/x.png,\"one, two\"\nn01443537,\"b,c.jpg\",\n\n");
        List<Sample> s = LabelledCsv.read(csv, null, null);
        assertEquals(List.of(new Sample(dir.resolve("a/x.png"), 7), new Sample(dir.resolve("b,c.jpg"), 1)), s);
        assertEquals(s, LabelledCsv.read(csv, "image", "TARGET"));
    }

    /** Issue 19: Excel's UTF-8 CSV starts with a byte-order mark, which made the header's first column "\uFEFFfile". */
    @Test
    void aByteOrderMarkIsNoPartOfTheHeader(@TempDir Path dir) throws IOException {
        String text = "file,label\nx.png,3\ny.png,n01443537\n";
        Path plain = Files.writeString(dir.resolve("plain.csv"), text);
        Path marked = Files.writeString(dir.resolve("marked.csv"), "\uFEFF" + text);
        assertEquals(LabelledCsv.read(plain, null, null), LabelledCsv.read(marked, null, null));
        assertEquals(LabelledCsv.read(plain, "file", "label"), LabelledCsv.read(marked, "file", "label"));
    }

    /** Issue 19: a list that is not UTF-8, and a class index too long to be one, say so with the file, line and value. */
    @Test
    void notTextAndHugeIndicesAreNamed(@TempDir Path dir) throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.csv"), "file,label\ncaf\u00e9.png,3\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        QvitException e = assertThrows(QvitException.class, () -> LabelledCsv.read(latin1, null, null));
        assertTrue(e.getMessage().contains("latin1.csv is not UTF-8 text"), e.getMessage());
        Path huge = Files.writeString(dir.resolve("huge.csv"), "file,class_index\nx.png,123456789012\n");
        e = assertThrows(QvitException.class, () -> LabelledCsv.read(huge, null, null));
        assertTrue(e.getMessage().contains("huge.csv line 2: class index 123456789012"), e.getMessage());
    }

    @Test
    void badRowsNameTheLine(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "file,label\nx.jpg,3\ny.jpg,cat\n");
        QvitException e = assertThrows(QvitException.class, () -> LabelledCsv.read(csv, null, null));
        assertTrue(e.getMessage().contains("bad.csv line 3") && e.getMessage().contains("'cat'"), e.getMessage());
        Path shortRow = Files.writeString(dir.resolve("short.csv"), "file,label\nx.jpg\n");
        e = assertThrows(QvitException.class, () -> LabelledCsv.read(shortRow, null, null));
        assertTrue(e.getMessage().contains("short.csv line 2"), e.getMessage());
    }

    @Test
    void missingHeaderOrColumnSaysWhichColumnsExist(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("nohead.csv"), "x.jpg,3\n");
        QvitException e = assertThrows(QvitException.class, () -> LabelledCsv.read(csv, null, null));
        assertTrue(e.getMessage().contains("[x.jpg, 3]") && e.getMessage().contains("header"), e.getMessage());
        Path ok = Files.writeString(dir.resolve("ok.csv"), "file,label\nx.jpg,3\n");
        e = assertThrows(QvitException.class, () -> LabelledCsv.read(ok, "path", null));
        assertTrue(e.getMessage().contains("no column 'path'"), e.getMessage());
    }
}
