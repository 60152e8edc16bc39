package io.qvit.backend.cuda.emu.program;

/** The operand kinds of a cvt, decoded once so that execution compares ints, not type names. */
public final class FloatKind {
    public static final int INTEGER = 0, F16 = 1, BF16 = 2, F32 = 3, F64 = 4, F16X2 = 5, BF16X2 = 6;

    private FloatKind() {}

    /** The kind of a PTX type name. */
    public static int of(String type) {
        return switch (type) {
            case "f16" -> F16;
            case "bf16" -> BF16;
            case "f32" -> F32;
            case "f64" -> F64;
            case "f16x2" -> F16X2;
            case "bf16x2" -> BF16X2;
            default -> INTEGER;
        };
    }
}
