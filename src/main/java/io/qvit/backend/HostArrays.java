package io.qvit.backend;

import io.qvit.QvitException;
import java.util.Arrays;

/** The check every backend's {@link Backend#fromHost} makes of a host array against the shape it is given. */
public final class HostArrays {
    private HostArrays() {}

    /** Fails unless {@code shape} has no negative dimension and holds exactly {@code length} elements. */
    public static void requireShape(int length, int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new QvitException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != length) throw new QvitException("shape " + Arrays.toString(shape) + " needs " + n + " floats, the array has " + length);
    }
}
