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

class DatasetsTest {
    private static Path touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[1]);
    }

    @Test
    void wnidFoldersAreLabelledByTheirImageNetIndex(@TempDir Path dir) throws IOException {
        Path b = touch(dir.resolve("n01443537/b.JPEG")), a = touch(dir.resolve("n01440764/sub/a.png"));
        touch(dir.resolve("n01440764/notes.txt"));
        touch(dir.resolve("n01440764/.hidden.jpg"));
        assertEquals(List.of(new Sample(a, 0), new Sample(b, 1)), Datasets.fromArguments(List.of(dir.toString())));
    }

    @Test
    void numberedFoldersAreLabelledByTheirNumber(@TempDir Path dir) throws IOException {
        Path x = touch(dir.resolve("10/x.ppm")), y = touch(dir.resolve("2/y.pgm"));
        assertEquals(List.of(new Sample(x, 10), new Sample(y, 2)), Datasets.fromArguments(List.of(dir.toString())));
    }

    @Test
    void otherFoldersAreWalkedUnlabelledInPathOrder(@TempDir Path dir) throws IOException {
        Path b = touch(dir.resolve("cats/b.JPG")), a = touch(dir.resolve("a.jpeg"));
        touch(dir.resolve("readme.md"));
        Path single = touch(dir.resolve("other/one.png"));
        assertEquals(List.of(Sample.unlabelled(a), Sample.unlabelled(b), Sample.unlabelled(single), Sample.unlabelled(single)),
                Datasets.fromArguments(List.of(dir.toString(), single.toString())));
    }

    @Test
    void emptyOrMissingArgumentsAreErrorsNamingThem(@TempDir Path dir) throws IOException {
        touch(dir.resolve("empty/readme.md"));
        String empty = dir.resolve("empty").toString();
        QvitException e = assertThrows(QvitException.class, () -> Datasets.fromArguments(List.of(empty)));
        assertTrue(e.getMessage().contains(empty), e.getMessage());
        String missing = dir.resolve("nope").toString();
        e = assertThrows(QvitException.class, () -> Datasets.fromArguments(List.of(missing)));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
        assertThrows(QvitException.class, () -> Datasets.fromArguments(List.of()));
        Path unknownWnid = dir.resolve("classes");
        touch(unknownWnid.resolve("n99999999/z.jpg"));
        e = assertThrows(QvitException.class, () -> Datasets.fromArguments(List.of(unknownWnid.toString())));
        assertTrue(e.getMessage().contains("n99999999"), e.getMessage());
    }

    /** The real layouts: a labelled list beside its images, and flat OOD folders. */
    @Test
    void readsTheSharedLayouts() {
        Path csv = SharedData.require("imagenet-samples/labels.csv");
        Path textures = SharedData.require("ood/textures");
        List<Sample> in = Datasets.fromArguments(List.of(csv.toString()));
        assertEquals(1000, in.size());
        List<Sample> ood = Datasets.fromArguments(List.of(textures.toString()));
        assertEquals(600, ood.size());
        assertTrue(ood.stream().allMatch(s -> s.label() == Sample.UNLABELLED));
        assertEquals("banded_0002.jpg", ood.get(0).file().getFileName().toString());
    }
}
