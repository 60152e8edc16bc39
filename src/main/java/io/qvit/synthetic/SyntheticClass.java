package io.qvit.synthetic;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kinds of synthetic image: the in-distribution classes a demo model is trained on (their
 * order is the class index), near-OOD classes of the same kind that it never saw, and far-OOD
 * images that are not figures at all.
 */
public enum SyntheticClass {
    CIRCLE(Family.ID), SQUARE(Family.ID), TRIANGLE(Family.ID), STAR(Family.ID), CROSS(Family.ID), RING(Family.ID),
    STRIPES(Family.ID), CHECKERBOARD(Family.ID),
    HEXAGON(Family.NEAR_OOD), HEART(Family.NEAR_OOD), CRESCENT(Family.NEAR_OOD), DOTS(Family.NEAR_OOD),
    NOISE(Family.FAR_OOD), SCRIBBLES(Family.FAR_OOD);

    public enum Family { ID, NEAR_OOD, FAR_OOD }

    private final Family family;

    SyntheticClass(Family family) {
        this.family = family;
    }

    public Family family() {
        return family;
    }

    /** The lower-case name used in file names and labels.csv. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The classes of a family in declaration order; for {@link Family#ID} the index is the class index. */
    public static List<SyntheticClass> of(Family family) {
        return Arrays.stream(values()).filter(c -> c.family == family).toList();
    }
}
