package io.qvit.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.data.Datasets;
import io.qvit.data.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSetsTest {
    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot(@TempDir Path dir) throws Exception {
        Path a = SyntheticSets.write(dir.resolve("a"), SyntheticSets.ID_TEST, 20, 7);
        Path b = SyntheticSets.write(dir.resolve("b"), SyntheticSets.ID_TEST, 20, 7);
        Path c = SyntheticSets.write(dir.resolve("c"), SyntheticSets.ID_TEST, 20, 8);
        List<Path> files = list(a);
        assertEquals(22, files.size(), "20 images, labels.csv and the marker");
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(f.getFileName())), f.getFileName().toString());
            if (f.toString().endsWith(".png"))
                assertFalse(MessageDigest.isEqual(Files.readAllBytes(f), Files.readAllBytes(c.resolve(f.getFileName()))), f + " with seed 8");
        }
    }

    @Test
    void splitsNeverShareAnImage() throws Exception {
        Map<String, String> seen = new HashMap<>();
        for (SyntheticSets.Split split : SyntheticSets.ALL)
            for (int i = 0; i < 60; i++) {
                String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(SyntheticSets.png(SyntheticSets.image(split, i, SyntheticSets.DEFAULT_SEED))));
                String where = split.name() + " " + i;
                String before = seen.put(hash, where);
                assertEquals(null, before, where + " repeats " + before);
            }
    }

    @Test
    void labelledSplitsReadAsClassIndicesAndOodSplitsAsUnlabelledFolders(@TempDir Path dir) {
        Path id = SyntheticSets.write(dir, SyntheticSets.FIT, 17, 1);
        List<Sample> samples = Datasets.fromArguments(List.of(id.resolve(SyntheticSets.LABELS).toString()));
        assertEquals(17, samples.size());
        for (int i = 0; i < samples.size(); i++) {
            SyntheticClass c = SyntheticSets.classOf(SyntheticSets.FIT, i);
            assertEquals(SyntheticClass.Family.ID, c.family());
            assertEquals(c.ordinal(), samples.get(i).label());
            assertTrue(samples.get(i).file().getFileName().toString().startsWith(c.label() + "_"));
        }
        Path near = SyntheticSets.write(dir, SyntheticSets.NEAR_OOD, 9, 1);
        List<Sample> ood = Datasets.fromArguments(List.of(near.toString()));
        assertEquals(9, ood.size());
        assertTrue(ood.stream().allMatch(s -> s.label() == Sample.UNLABELLED));
        assertTrue(ood.stream().allMatch(s -> SyntheticClass.valueOf(s.file().getFileName().toString().replaceFirst("_.*", "")
                .toUpperCase(java.util.Locale.ROOT)).family() == SyntheticClass.Family.NEAR_OOD));
    }

    @Test
    void aCompleteSetIsReusedAndAnIncompleteOneRewritten(@TempDir Path dir) throws Exception {
        Path far = SyntheticSets.write(dir, SyntheticSets.FAR_OOD, 5, 3);
        Path first = list(far).get(0);
        Files.setLastModifiedTime(first, FileTime.fromMillis(0));
        SyntheticSets.write(dir, SyntheticSets.FAR_OOD, 5, 3);
        assertEquals(0, Files.getLastModifiedTime(first).toMillis(), "same seed and count: reused");
        SyntheticSets.write(dir, SyntheticSets.FAR_OOD, 6, 3);
        assertTrue(Files.getLastModifiedTime(first).toMillis() > 0, "another count: written again");
        assertEquals(6 + 1, list(far).size());
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
