package io.qvit.backend.cuda.emu.program;

/**
 * The state spaces an address can name, and how a generic address encodes them: global addresses
 * are the driver's allocations (from {@link #GLOBAL_BASE} up), shared and local addresses sit in
 * windows of the generic space so that {@code cvta} is an addition.
 */
public final class Space {
    public static final int GLOBAL = 0, SHARED = 1, LOCAL = 2, PARAM = 3, CONST = 4, GENERIC = 5;
    public static final int COUNT = 6;
    public static final long SHARED_WINDOW = 0x1000_0000_0000L, LOCAL_WINDOW = 0x2000_0000_0000L, WINDOW_SIZE = 1L << 32;
    public static final long GLOBAL_BASE = 0x7f00_0000_0000L;

    private static final String[] NAMES = {"global", "shared", "local", "param", "const", "generic"};

    private Space() {}

    public static String name(int space) {
        return NAMES[space];
    }

    /** The space of a PTX state-space modifier, or -1. */
    public static int of(String modifier) {
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(modifier)) return i;
        return -1;
    }
}
