package io.qvit.data;

import io.qvit.QvitException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1000 ImageNet-1k classes in the order of a 1000-class head (sorted wnids), with timm's names,
 * from imagenet1k_classes.tsv (written by weights-converter/export_imagenet_classes.py).
 */
public final class ImageNetClasses {
    private static final String RESOURCE = "imagenet1k_classes.tsv";
    private static final List<String> WNIDS = new ArrayList<>(), NAMES = new ArrayList<>();
    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        try (InputStream in = ImageNetClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.startsWith("index\t")) continue;
                String[] f = line.split("\t", 3);
                if (Integer.parseInt(f[0]) != WNIDS.size()) throw new IllegalStateException(RESOURCE + " is out of order at " + line);
                INDEX.put(f[1], WNIDS.size());
                WNIDS.add(f[1]);
                NAMES.add(f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ImageNetClasses() {}

    public static int size() {
        return WNIDS.size();
    }

    /** timm's description of a class: its WordNet lemmas, e.g. "tench, Tinca tinca". */
    public static String name(int index) {
        return NAMES.get(check(index));
    }

    public static String wnid(int index) {
        return WNIDS.get(check(index));
    }

    /** The class index of a WordNet id such as "n01440764", or -1 if it is not an ImageNet-1k class. */
    public static int indexOfWnid(String wnid) {
        return INDEX.getOrDefault(wnid, -1);
    }

    private static int check(int index) {
        if (index < 0 || index >= size())
            throw new QvitException("ImageNet class index " + index + " is out of range 0.." + (size() - 1));
        return index;
    }
}
